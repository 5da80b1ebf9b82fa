// Turns what a caller passes as the video (a File, Blob, ArrayBuffer, URL or URL string) into a Blob.

import { SpriteError } from '../core/errors.js';
import { abortError } from './engine-bridge.js';

/** Anything a video can be read from; a string is a URL (relative ones against the page's address). */
export type SpriteInput = Blob | File | ArrayBuffer | URL | string;

/** The video as a Blob: URLs are fetched (FETCH_FAILED on a network error or an HTTP error status). */
export async function inputBlob(input: SpriteInput, signal?: AbortSignal): Promise<Blob> {
  if (input instanceof Blob) return input;
  if (input instanceof ArrayBuffer) return new Blob([input]);
  if (typeof input === 'string' || input instanceof URL) {
    const url = new URL(input, globalThis.location?.href);
    let response: Response;
    try {
      response = await fetch(url, signal ? { signal } : {});
    } catch (cause) {
      if (signal?.aborted) throw abortError();
      throw new SpriteError('FETCH_FAILED', `The video at ${url.href} could not be fetched: ${String(cause)}`, { param: 'input', cause });
    }
    if (!response.ok) {
      throw new SpriteError('FETCH_FAILED', `The video at ${url.href} could not be fetched (HTTP ${response.status}).`, { param: 'input', details: { status: response.status } });
    }
    // Keep the file name: its extension helps some demuxers (raw streams, MPEG-TS).
    const name = decodeURIComponent(url.pathname.split('/').pop() || 'input.bin');
    return new File([await response.blob()], name);
  }
  throw new SpriteError('INVALID_OPTION', `input must be a Blob, File, ArrayBuffer, URL or URL string; got ${input === null ? 'null' : typeof input}.`, { param: 'input' });
}
