// The package root where there is no browser: server-side rendering in Node (Next.js, SvelteKit, Nuxt…), chosen by the
// package's "node" export condition. Everything pure works as in the browser. Generating sprites needs Web Workers,
// WebCodecs and WebAssembly, so it rejects with a SpriteError that says so; and since nothing here names a worker or
// the ffmpeg core, a server build neither bundles nor copies them.

import type {
  createSpriteGenerator as browserCreateSpriteGenerator,
  generateSprites as browserGenerateSprites,
} from './client/generator.js';
import { SpriteError } from './core/errors.js';

export * from './api.js';

function noBrowser(): SpriteError {
  return new SpriteError(
    'ENGINE_FAILED',
    'video-sprite makes sprites in the browser (Web Workers, WebCodecs, WebAssembly), and this code runs on a server (the package\'s "node" entry, used for server-side rendering): call generateSprites from code that runs in the browser, such as an event handler or an effect.',
    { details: { environment: 'server' } },
  );
}

/** On a server: rejects with SpriteError `ENGINE_FAILED` (sprites are made in the browser). */
export const generateSprites: typeof browserGenerateSprites = () => Promise.reject(noBrowser());

/** On a server: a generator whose jobs reject with SpriteError `ENGINE_FAILED` (sprites are made in the browser). */
export const createSpriteGenerator: typeof browserCreateSpriteGenerator = () => ({
  generate: () => Promise.reject(noBrowser()),
  dispose: () => {},
});
