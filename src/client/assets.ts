// Every file the package loads at run time, resolved here, in the module an app imports, in the literal forms that
// app bundlers follow and copy into the app's build: `new Worker(new URL('./x.js', import.meta.url))` for the engine
// worker, and asset URLs for the decoder worker and the ffmpeg core. The workers themselves name no URL: the engine
// is handed them with each job. So a bundler that only copies files it finds in the app's own modules (or copies a
// worker as an opaque file) still has all of them, and a minifier has nothing to break.
//
// In this source tree the imports below are Vite's (`?worker&url`: the decoder worker built as a worker; `?url`: the
// wasm as an asset); tools/build-lib.mjs turns each into `new URL('./…', import.meta.url).href` in dist/index.js, or
// the bare file name where a bundle has no import.meta (below).

import ffmpegWorkerUrl from '../engine/ffmpeg/ffmpeg.worker.ts?worker&url';
import coreWasmUrl from '@ffmpeg/core/wasm?url';
import { baseAddress, host } from './host.js';

/**
 * The script this code was loaded by, while it is being run: a bundle with no `import.meta` (esbuild's default iife
 * format, a classic `<script src>`) finds the package's files beside itself, where the README says to copy them.
 */
const classicScript = (host.document?.currentScript as HTMLScriptElement | null | undefined)?.src;

/** `file` (a name in the package's dist/) beside the classic script that holds this code, or beside the page. */
function besideScript(file: string): string {
  return new URL(file, classicScript ?? baseAddress()).href;
}

/** The engine worker, started from the package's own file wherever the app's bundler put it. */
export function newEngineWorker(): Worker {
  if (!import.meta.url)
    return new Worker(besideScript('engine.worker.js'), { type: 'module', name: 'video-sprite-engine' });
  // The options stay an inline literal: Vite refuses a worker whose options it cannot read statically.
  return new Worker(new URL('../engine/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'video-sprite-engine',
  });
}

/** Absolute URLs of the decoder worker and the ffmpeg core that ship with the package. */
export function packageAssets(): { ffmpegWorkerURL: string; wasmURL: string } {
  return { ffmpegWorkerURL: besideScript(ffmpegWorkerUrl), wasmURL: besideScript(coreWasmUrl) };
}
