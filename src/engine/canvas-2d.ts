// The 2D context of an OffscreenCanvas in a worker: the sheets are drawn with one (compositor.ts), and so are pictures
// a decoder cannot hand over as YUV planes (webcodecs/frame-placer.ts). A browser without one fails the job alike.

import { SpriteError } from '../core/errors.js';

/**
 * The opaque 2D context of `canvas`. `readBack`: its pixels are read back often (getImageData), so the browser keeps
 * them in memory rather than on the GPU. `drawing` ends the error message: what the context was for.
 * Throws {@link SpriteError} `ENGINE_FAILED` where the browser gives none.
 */
export function context2d(
  canvas: OffscreenCanvas,
  readBack: boolean,
  drawing: string,
): OffscreenCanvasRenderingContext2D {
  const context = canvas.getContext('2d', { alpha: false, willReadFrequently: readBack });
  if (!context) {
    throw new SpriteError(
      'ENGINE_FAILED',
      `This browser gives no 2D drawing context to OffscreenCanvas in a worker, which ${drawing}.`,
    );
  }
  return context;
}
