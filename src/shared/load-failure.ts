// Says why a script, worker or wasm file failed to load, for error messages that name the URL and the cause.
// Browsers report a worker that fails to load as a bare "error" event (no status, no reason), and a failed dynamic
// import as a generic TypeError: one extra request to the same URL tells a 404 from an HTML page or a wrong MIME type.
// Shared by the client (main thread) and the engine worker: it uses only fetch, available in both.

import { SpriteError } from '../core/errors.js';

/** What the file should be: JavaScript (a worker or module script) or WebAssembly. */
export type LoadKind = 'script' | 'wasm';

/** JavaScript MIME types a module script or module worker may be served as (HTML spec: "JavaScript MIME type"). */
const JS_MIME = /^(text|application)\/(x-)?(javascript|ecmascript)|^text\/(jscript|livescript)/i;

/** Describes why `url` could not be loaded as `kind`, e.g. "the server answered HTTP 404". Never throws. */
export async function describeLoadFailure(url: string, kind: LoadKind): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-store' });
  } catch (e) {
    return `it could not be fetched (${e instanceof Error ? e.message : String(e)}): a Content-Security-Policy (connect-src, worker-src or script-src), CORS or the network blocks it`;
  }
  // Only the headers matter; do not download a 32 MB core to say it is fine.
  void response.body?.cancel().catch(() => {});
  if (!response.ok) return `the server answered HTTP ${response.status}${response.status === 404 ? ' (not found: the file is not where the library looks for it)' : ''}`;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim() || 'no Content-Type';
  if (/html/i.test(type)) {
    return `the server answered with an HTML page (${type}) instead of ${kind === 'wasm' ? 'WebAssembly' : 'JavaScript'}: most likely the app's index page, served because the file is not there`;
  }
  if (kind === 'script' && !JS_MIME.test(type)) {
    return `it is served as ${type}; browsers run module scripts and workers only when served with a JavaScript MIME type (text/javascript)`;
  }
  return `the file is there (HTTP ${response.status}, ${type}), so something else stopped it: a Content-Security-Policy (worker-src, script-src, or 'wasm-unsafe-eval' for WebAssembly) or a script error`;
}

/**
 * A promise that rejects with ENGINE_FAILED once `worker` reports an error: a failure to load its script (named by
 * `url`, with the cause found by {@link describeLoadFailure}) or an uncaught error inside it. It never resolves.
 */
export function workerFailure(worker: Worker, url: string, what: string): Promise<never> {
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      // Handled here: the browser need not report it again as an uncaught error.
      event.preventDefault();
      const message = event instanceof ErrorEvent && event.message ? event.message : '';
      void (message ? Promise.resolve(`a script error: ${message}`) : describeLoadFailure(url, 'script')).then((why) =>
        reject(new SpriteError('ENGINE_FAILED', `The ${what} at ${url} failed: ${why}.`, { details: { url } })),
      );
    });
  });
  failed.catch(() => {});
  return failed;
}
