// Turns what a caller passes as the video (a File, Blob, ArrayBuffer, URL or URL string) into a Blob.

import { SpriteError } from '../core/errors.js';
import { baseAddress } from './host.js';

/** Anything a video can be read from; a string is a URL (relative ones against the page's address). */
export type SpriteInput = Blob | File | ArrayBuffer | URL | string;

/**
 * The video as the engine takes it: a Blob, or a URL made absolute against the page. A URL is not fetched here: the
 * engine reads it with HTTP Range requests where it can (only the index and the packets a job needs), and downloads
 * it whole only for ffmpeg.wasm. An empty Blob is EMPTY_INPUT at once.
 */
export function engineInput(input: SpriteInput): Blob | string {
  if (input instanceof Blob) {
    if (input.size === 0)
      throw new SpriteError('EMPTY_INPUT', 'The video file is empty (0 bytes).', { param: 'input' });
    return input;
  }
  if (input instanceof ArrayBuffer) return engineInput(new Blob([input]));
  if (typeof input === 'string' || input instanceof URL) {
    try {
      return new URL(input, baseAddress()).href;
    } catch {
      throw new SpriteError('INVALID_OPTION', `input ${JSON.stringify(String(input))} is not a valid URL.`, {
        param: 'input',
      });
    }
  }
  const given: unknown = input; // plain JavaScript can pass anything
  throw new SpriteError(
    'INVALID_OPTION',
    `input must be a Blob, File, ArrayBuffer, URL or URL string; got ${given === null ? 'null' : typeof given}.`,
    { param: 'input' },
  );
}
