// The job's input as the engine reads it: a Blob, or a URL whose server answers HTTP Range requests (read in bounded
// pieces, never whole). A URL whose server ignores Range is downloaded once, as a Blob.

import { SpriteError } from '../core/errors.js';
import { UNWATCHED, type Watch } from './watchdog.js';

/** A URL read by byte ranges: its size is known from the first answer. */
export interface RangeUrl {
  /** Absolute URL. */
  url: string;
  /** Size of the file, bytes. */
  size: number;
}

/** What the decoders read from. */
export type EngineInput = Blob | RangeUrl;

function fetchFailed(url: string, why: string, extra: { cause?: unknown; status?: number } = {}): SpriteError {
  return new SpriteError('FETCH_FAILED', `The video at ${url} could not be fetched${why}`, {
    param: 'input',
    cause: extra.cause,
    details: extra.status === undefined ? undefined : { status: extra.status },
  });
}

async function get(url: string, range: string | null): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, range === null ? {} : { headers: { Range: range } });
  } catch (cause) {
    throw fetchFailed(url, `: ${String(cause)}`, { cause });
  }
  if (!response.ok) throw fetchFailed(url, ` (HTTP ${response.status}).`, { status: response.status });
  return response;
}

/** The file name of a URL: its extension helps some demuxers (raw streams, MPEG-TS). */
function nameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.split('/').pop() || 'input.bin');
}

/**
 * Opens the input. A URL is asked for its first byte: a 206 answer gives its size and the promise of ranges; a 200
 * answer (a server without Range support) is the whole file, kept as a Blob so it is downloaded only once.
 */
export async function openInput(input: Blob | string, watch: Watch = UNWATCHED): Promise<EngineInput> {
  if (typeof input !== 'string') return input;
  const response = await watch.reading(get(input, 'bytes=0-0'));
  const contentRange = response.headers.get('content-range') ?? '';
  const total = /\/(\d+)\s*$/.exec(contentRange)?.[1];
  if (response.status === 206 && total === undefined) {
    void response.body?.cancel().catch(() => {});
    // Without the total, the file's end (where an MP4 may keep its index) cannot be found by ranges, and the one byte
    // sent is not the file.
    throw fetchFailed(
      input,
      `: its server answered a Range request without the file's total size (Content-Range: "${contentRange || 'none'}"; expected e.g. "bytes 0-0/1234"). Serve the video with its size, or pass it as a Blob.`,
      { status: 206 },
    );
  }
  if (response.status === 206) {
    // Read, not cancelled: one byte, and a cancelled response shows as a failed request in the app's network log.
    await watch.reading(response.arrayBuffer());
    const size = Number(total);
    if (size === 0)
      throw new SpriteError('EMPTY_INPUT', `The video at ${input} is empty (0 bytes).`, { param: 'input' });
    return { url: input, size };
  }
  const blob = await download(response, watch);
  if (blob.size === 0)
    throw new SpriteError('EMPTY_INPUT', `The video at ${input} is empty (0 bytes).`, { param: 'input' });
  return new File([blob], nameOf(input));
}

/**
 * Least time a whole-file download is given by the watchdog, ms: `response.blob()` shows no progress until it is
 * done, and a large file on a slow link takes minutes. (Read as a stream, each piece would show life, but Chromium
 * then listed the download as an aborted request.) A server that stops sending still ends the job, after this.
 */
export const WHOLE_DOWNLOAD_MIN_MS = 10 * 60_000;

/** The whole body as a Blob (Chromium keeps a large one on disk, not in the worker's memory). */
function download(response: Response, watch: Watch): Promise<Blob> {
  return watch.reading(response.blob(), WHOLE_DOWNLOAD_MIN_MS);
}

/**
 * Bytes `[start, end)` of a range URL, a read the watchdog knows is pending. Read whole, not streamed: ranges are
 * small (an index, a few packets), and a body read as a stream was listed by Chromium as an aborted request (seen on
 * whole downloads, see WHOLE_DOWNLOAD_MIN_MS).
 */
export function readRange(input: RangeUrl, start: number, end: number, watch: Watch = UNWATCHED): Promise<Uint8Array> {
  return watch.reading(
    (async () => {
      const response = await get(input.url, `bytes=${start}-${end - 1}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (response.status !== 206 || bytes.length !== end - start) {
        throw fetchFailed(
          input.url,
          `: asked for bytes ${start}–${end - 1}, got ${bytes.length} bytes (HTTP ${response.status}).`,
        );
      }
      return bytes;
    })(),
  );
}

/** Bytes `[start, end)` of the input, a Blob's or a range URL's (both stop at the input's end), read directly. */
export function readBytes(
  input: EngineInput,
  start: number,
  end: number,
  watch: Watch = UNWATCHED,
): Promise<Uint8Array> {
  if (!(input instanceof Blob)) return readRange(input, start, Math.min(end, input.size), watch);
  return input
    .slice(start, end)
    .arrayBuffer()
    .then((b) => new Uint8Array(b));
}

/** The whole input as a Blob, for ffmpeg.wasm (which reads from memory or a mounted Blob): a URL is downloaded once. */
export async function wholeBlob(input: EngineInput | string, watch: Watch = UNWATCHED): Promise<Blob> {
  if (input instanceof Blob) return input;
  const url = typeof input === 'string' ? input : input.url;
  const blob = await download(await watch.reading(get(url, null)), watch);
  if (blob.size === 0)
    throw new SpriteError('EMPTY_INPUT', `The video at ${url} is empty (0 bytes).`, { param: 'input' });
  return new File([blob], nameOf(url));
}

/**
 * The job's input as decoders ask for it: opened for reads by range at most once (a URL's size is asked once), and
 * downloaded whole at most once (or taken as it is, when its server sent the whole file instead of a range).
 */
export class JobInput {
  private ranged: Promise<EngineInput> | null = null;
  private whole: Promise<Blob> | null = null;

  constructor(
    /** A Blob, or the absolute URL of one. */
    readonly given: Blob | string,
    private readonly watch: Watch,
  ) {}

  /** For reads by range: a Blob as it is, a URL with its size. */
  ranges(): Promise<EngineInput> {
    this.ranged ??= openInput(this.given, this.watch);
    return this.ranged;
  }

  /** The whole file as a Blob. */
  blob(): Promise<Blob> {
    this.whole ??= (async () => wholeBlob(this.ranged ? await this.ranged : this.given, this.watch))();
    return this.whole;
  }
}
