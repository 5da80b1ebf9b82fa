// Says why a script, worker or wasm file failed to load, for error messages that name the URL, what came back, and
// where the README explains the set-up. Browsers report a worker that fails to load as a bare "error" event (no
// status, no reason): one extra request to the same URL tells a 404 from an HTML page, a wrong MIME type, or a file
// that is there but is not ours (an app's build rewrote or replaced it). Shared by the client (main thread) and the
// engine worker: it uses only fetch, available in both.

import { SpriteError } from '../core/errors.js';

/** What the file should be: JavaScript (a worker or module script) or WebAssembly. */
export type LoadKind = 'script' | 'wasm';

/** JavaScript MIME types a module script or module worker may be served as (HTML spec: "JavaScript MIME type"). */
const JS_MIME = /^(text|application)\/(x-)?(javascript|ecmascript)|^text\/(jscript|livescript)/i;

/** The first message the engine worker posts once its script runs: proof that the file at its URL is ours. */
export const ENGINE_READY = 'video-sprite:engine-ready';
/** The first message a decoder worker posts once its script runs. */
export const DECODER_READY = 'video-sprite:decoder-ready';
/** A script at one of our worker URLs without either string is not the file we shipped. */
const WORKER_MARKS = [ENGINE_READY, DECODER_READY];

/** The README's section for the tool that served `url`, guessed from the paths each tool serves files from. */
export function setupHint(url: string): string {
  const tools: [RegExp, string][] = [
    [/\/_next\//, 'Next.js'],
    [/\.angular\/cache|\/@fs\/.*\/\.angular\//, 'Angular'],
    [/\/node_modules\/\.vite\/|\/@fs\//, 'Vite'],
    [/\/\.svelte-kit\/|\/_app\/immutable\//, 'SvelteKit'],
  ];
  const tool = tools.find(([pattern]) => pattern.test(url))?.[1];
  return `See "Bundlers and frameworks" in video-sprite's README${tool ? ` (${tool})` : ''} for how each tool serves the package's files.`;
}

/** What a file at one of our URLs turned out to be, and the words that say so. */
interface Examined {
  /**
   * One of our workers; a loader (a script that imports others, as Turbopack starts a worker through a bootstrap
   * file); or anything else.
   */
  found: 'ours' | 'loader' | 'other';
  /** Why it could not be used, e.g. "the server answered HTTP 404". */
  why: string;
}

/** Why a request could not even be made (the fetch itself threw). */
export function fetchFailureReason(error: unknown): string {
  return `it could not be fetched (${error instanceof Error ? error.message : String(error)}): a Content-Security-Policy (connect-src, worker-src or script-src), CORS or the network blocks it`;
}

/** What an answer to a request for a `kind` file is. Reads the body only where it must: a script, never the core. */
async function examine(response: Response, kind: LoadKind): Promise<Examined> {
  const other = (why: string): Examined => {
    void response.body?.cancel().catch(() => {});
    return { found: 'other', why };
  };
  if (!response.ok) {
    return other(
      `the server answered HTTP ${response.status}${response.status === 404 ? " (not found: the app's build did not put the file where the package's code looks for it)" : ''}`,
    );
  }
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim() || 'no Content-Type';
  if (/html/i.test(type)) {
    return other(
      `the server answered with an HTML page (${type}) instead of ${kind === 'wasm' ? 'WebAssembly' : 'JavaScript'}: most likely the app's index page, served because the file is not there`,
    );
  }
  if (kind === 'wasm') {
    return other(
      `the file is there (HTTP ${response.status}, ${type}) but could not be used: a Content-Security-Policy without 'wasm-unsafe-eval', or not the ffmpeg core`,
    );
  }
  if (!JS_MIME.test(type)) {
    return other(
      `it is served as ${type}; browsers run module scripts and workers only when served with a JavaScript MIME type (text/javascript)`,
    );
  }
  const text = await response.text().catch(() => '');
  if (WORKER_MARKS.some((mark) => text.includes(mark))) {
    return {
      found: 'ours',
      why: `video-sprite's worker is there (HTTP ${response.status}, ${type}) but did not run: a Content-Security-Policy (worker-src, script-src) blocks it, or a file it imports could not be loaded (see the network panel)`,
    };
  }
  const loader = /\bimportScripts\s*\(|\bimport\s*\(|^\s*import[\s{*'"]/m.test(text);
  return {
    found: loader ? 'loader' : 'other',
    why: `a script is there (HTTP ${response.status}, ${type}) but it is not video-sprite's worker: the app's build replaced or rewrote it`,
  };
}

/** One request to `url`, examined. Never throws. */
async function inspect(url: string, kind: LoadKind): Promise<Examined> {
  try {
    return await examine(await fetch(url, { cache: 'no-store' }), kind);
  } catch (e) {
    return { found: 'other', why: fetchFailureReason(e) };
  }
}

/** Describes why `url` could not be loaded as `kind`, e.g. "the server answered HTTP 404". Never throws. */
export async function describeLoadFailure(url: string, kind: LoadKind): Promise<string> {
  return (await inspect(url, kind)).why;
}

/** Describes why an answer to a request for a `kind` file cannot be used, without asking again. */
export async function describeResponse(response: Response, kind: LoadKind): Promise<string> {
  return (await examine(response, kind)).why;
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
        reject(
          new SpriteError('ENGINE_FAILED', `The ${what} at ${url} failed: ${why}. ${setupHint(url)}`, {
            details: { url },
          }),
        ),
      );
    });
  });
  failed.catch(() => {});
  return failed;
}

/** How many times the start timeout a worker started through a loader may take: a dev server compiles it first. */
const LOADER_PATIENCE = 6;

/**
 * Waits for a worker of ours to post `mark` (it does as soon as its script has run). Rejects with ENGINE_FAILED when
 * the worker fails first (see {@link workerFailure}), or when it is still silent after `timeoutMs` and the file at
 * `url` is not ours: a script an app's build put in our file's place never says it is ready, and waiting for it would
 * hang the job. A file that is ours is only slow (a dev server compiling it on a busy machine): it is waited for; a
 * loader that imports our code from elsewhere, {@link LOADER_PATIENCE} times as long.
 */
export function workerReady(
  worker: Worker,
  url: string,
  what: string,
  mark: string,
  failed: Promise<never>,
  timeoutMs: number,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onMessage: (event: MessageEvent) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    onMessage = (event: MessageEvent) => {
      if (event.data === mark) resolve();
    };
    worker.addEventListener('message', onMessage);
    const giveUp = (waitedMs: number, why: string) =>
      reject(
        new SpriteError(
          'ENGINE_FAILED',
          `The ${what} at ${url} did not start within ${waitedMs / 1000} s: ${why}. ${setupHint(url)}`,
          { details: { url } },
        ),
      );
    timer = setTimeout(() => {
      void inspect(url, 'script').then(({ found, why }) => {
        if (found === 'other') giveUp(timeoutMs, why);
        else if (found === 'loader')
          timer = setTimeout(() => giveUp(timeoutMs * LOADER_PATIENCE, why), timeoutMs * (LOADER_PATIENCE - 1));
      });
    }, timeoutMs);
  });
  return Promise.race([ready, failed]).finally(() => {
    clearTimeout(timer);
    worker.removeEventListener('message', onMessage);
  });
}
