// Learns the URL an app's bundler gave our engine worker. It must be constructed as the literal
// `new Worker(new URL('…', import.meta.url))` that bundlers rewrite, which leaves no other way to know the URL that an
// error message about a worker that failed to load (404, an HTML page, a wrong MIME type, CSP) should name.

/** The Workers constructed during a call, and the URLs they were asked for (also when the constructor threw). */
export interface WorkersSeen {
  /** The Workers constructed. */
  workers: Worker[];
  /** The URL each constructor was called with, in order (also for a constructor that threw). */
  urls: string[];
}

/**
 * Calls `start`, noting the Workers it constructs in `seen`, with the URL each was asked for. For exactly that
 * synchronous call, the global Worker is a subclass that remembers its instances; it is restored before returning.
 */
export function whileSeeingWorkers<T>(seen: WorkersSeen, start: () => T): T {
  const Native = globalThis.Worker;
  globalThis.Worker = class extends Native {
    constructor(url: string | URL, options?: WorkerOptions) {
      seen.urls.push(String(url));
      super(url, options);
      seen.workers.push(this);
    }
  };
  try {
    return start();
  } finally {
    globalThis.Worker = Native;
  }
}
