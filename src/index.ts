// The public API: generateSprites() plus the pure core (options, process strings, geometry, selection, writers).

import { SpriteError } from './core/errors.js';
import { checkSheetSizeEarly } from './core/geometry.js';
import { buildManifest, type SpriteManifest } from './core/manifest.js';
import { checkNameTemplate, DEFAULT_NAME_TEMPLATE, jobBaseName } from './core/names.js';
import { checkRule, resolveOptions, type SpriteOptions } from './core/options.js';
import { formatProcess, parseProcess, type Notify, type SaveAs } from './core/process-string.js';
import type { VideoSourceInfo } from './core/source.js';
import { buildStoryboard, type Storyboard } from './core/storyboard.js';
import type { Tile } from './core/tile.js';
import { writeVtt } from './core/vtt.js';
import { runInWorker } from './client/run-job.js';
import { DEFAULT_MEMFS_LIMIT_BYTES, defaultDecoders, MAX_DECODERS, type SpritePhase } from './protocol/engine-api.js';

export * from './core/index.js';
export type { SpritePhase } from './protocol/engine-api.js';

/** One finished sheet. */
export interface SpriteSheet {
  /** Sheet number, from 0. */
  index: number;
  /** File name from the template (SPEC §5), e.g. `sprite-0.jpg`. */
  name: string;
  /** Width in px (every sheet of a job has the same size). */
  width: number;
  /** Height in px. */
  height: number;
  /** The encoded image. */
  blob: Blob;
  /** The tiles on this sheet, in time order. */
  tiles: Tile[];
}

/** A progress report: the current phase and the overall fraction (0..1, never decreasing, 1 at the end). */
export interface SpriteProgress {
  phase: SpritePhase;
  fraction: number;
}

/** What a job returns. */
export interface SpriteResult {
  sheets: SpriteSheet[];
  /** Every tile of the job, in time order. */
  tiles: Tile[];
  /** WebVTT thumbnails track (SPEC §6); sheet URLs are the sheet names, relative to the track. */
  vtt: string;
  /** File name for the track, from the template (e.g. `sprite.vtt`). */
  vttName: string;
  /** The JSON manifest of the whole job. */
  manifest: SpriteManifest;
  /** A Mux-style storyboard JSON object. */
  storyboard: Storyboard;
  /** The probed facts about the video stream. */
  source: VideoSourceInfo;
  /** Chosen frames that could not be decoded (truncated or corrupt input); 0 when all were captured. */
  missed: number;
  /** `sys/saveas` of the process string, passed through unchanged. */
  saveas?: SaveAs;
  /** `notify` of the process string, passed through unchanged. */
  notify?: Notify;
}

/** Per-call settings of {@link generateSprites}. */
export interface GenerateInit {
  /** Cancels the job: it rejects with an `AbortError` DOMException and its worker is terminated. */
  signal?: AbortSignal;
  /** Called as the job advances (phase, fraction). */
  onProgress?: (progress: SpriteProgress) => void;
  /** Called with each sheet as soon as it is encoded, before the job ends. */
  onSheet?: (sheet: SpriteSheet) => void;
  /** URL of the folder the ffmpeg core is served from (holding `st/ffmpeg-core.js` and `st/ffmpeg-core.wasm`). Default: `ffmpeg/` under the page's base URL. */
  coreBaseUrl?: string | URL;
  /**
   * Inputs larger than this many bytes are read in place (mounted) instead of copied into the decoder's memory:
   * slower reads, but a file of any size fits. Default 256 MiB; integer ≥ 0.
   */
  memfsLimit?: number;
  /**
   * How many ffmpeg cores decode at once, each in its own worker; extra ones load while the first probes.
   * Default: the number of logical cores, at most 4; integer 1–8. Use 1 to keep memory lowest.
   */
  decoders?: number;
}

/** Anything a video can be read from; a string is a URL. */
export type SpriteInput = Blob | File | ArrayBuffer | URL | string;

function abortError(): DOMException {
  return new DOMException('The sprite job was cancelled.', 'AbortError');
}

async function toBlob(input: SpriteInput, signal?: AbortSignal): Promise<Blob> {
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
    const name = decodeURIComponent(url.pathname.split('/').pop() || 'input.bin');
    return new File([await response.blob()], name);
  }
  throw new SpriteError('INVALID_OPTION', 'input must be a Blob, File, ArrayBuffer, URL or URL string.', { param: 'input' });
}

/**
 * Generates sprite sheets, a WebVTT thumbnails track, a manifest and a storyboard from a video, entirely in the
 * browser. `options` is a {@link SpriteOptions} object or a process string (`video/sprite,f_jpg,…`).
 * Rejects with {@link SpriteError} (see its `code`), or an `AbortError` DOMException when cancelled.
 */
export async function generateSprites(input: SpriteInput, options: SpriteOptions | string, init: GenerateInit = {}): Promise<SpriteResult> {
  const { signal } = init;
  if (signal?.aborted) throw abortError();
  const parsed = typeof options === 'string' ? parseProcess(options) : { options };
  const resolved = resolveOptions(parsed.options);
  checkSheetSizeEarly(resolved);
  const template = parsed.saveas?.object ?? DEFAULT_NAME_TEMPLATE;
  checkNameTemplate(template);
  if (init.memfsLimit !== undefined) checkRule('memfsLimit', { kind: 'int', min: 0, unit: 'bytes' }, init.memfsLimit);
  if (init.decoders !== undefined) checkRule('decoders', { kind: 'int', min: 1, max: MAX_DECODERS }, init.decoders);
  const blob = await toBlob(input, signal);
  if (blob.size === 0) throw new SpriteError('EMPTY_INPUT', 'The video file is empty (0 bytes).', { param: 'input' });
  if (signal?.aborted) throw abortError();

  const coreBaseUrl = new URL(init.coreBaseUrl ?? 'ffmpeg/', globalThis.document?.baseURI ?? globalThis.location?.href).href;
  const toSheet = (s: SpriteSheet): SpriteSheet => ({ index: s.index, name: s.name, width: s.width, height: s.height, blob: s.blob, tiles: s.tiles });
  const sheets: SpriteSheet[] = [];
  let summary;
  try {
    summary = await runInWorker(
      {
        input: blob,
        options: resolved,
        nameTemplate: template,
        coreBaseUrl,
        memfsLimitBytes: init.memfsLimit ?? DEFAULT_MEMFS_LIMIT_BYTES,
        decoders: init.decoders ?? defaultDecoders(globalThis.navigator?.hardwareConcurrency),
      },
      (event) => {
        if (event.type === 'progress') init.onProgress?.({ phase: event.phase, fraction: event.fraction });
        else {
          const sheet = toSheet(event.sheet);
          sheets.push(sheet);
          init.onSheet?.(sheet);
        }
      },
      signal,
    );
  } catch (e) {
    if (signal?.aborted) throw abortError();
    throw e;
  }
  sheets.sort((a, b) => a.index - b.index);
  const names = sheets.map((s) => s.name);
  const vttName = `${jobBaseName(template)}.vtt`;
  const vtt = writeVtt(summary.tiles, names, summary.source.durationMs);
  const manifest = buildManifest({
    options: resolved,
    process: typeof options === 'string' ? formatProcess(parsed.options, parsed) : null,
    source: summary.source,
    display: summary.display,
    cell: summary.cell,
    sheetWidth: summary.sheetWidth,
    sheetHeight: summary.sheetHeight,
    sheets: summary.sheets,
    tiles: summary.tiles,
    missed: summary.missed,
    vttName,
  });
  const result: SpriteResult = {
    sheets,
    tiles: summary.tiles,
    vtt,
    vttName,
    manifest,
    storyboard: buildStoryboard(summary.tiles, names, summary.source.durationMs),
    source: summary.source,
    missed: summary.missed,
  };
  if (parsed.saveas) result.saveas = parsed.saveas;
  if (parsed.notify) result.notify = parsed.notify;
  return result;
}
