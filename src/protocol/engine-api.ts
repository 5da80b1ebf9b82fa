// The one contract between the main-thread client and the engine worker; nothing else crosses the boundary.

import type { EngineReport } from '../core/engine-report.js';
import type { ResolvedOptions, SheetEncoder } from '../core/options.js';
import type { EngineChoice } from '../core/settings.js';
import type { SpriteProgress } from '../core/progress.js';
import type { Size, VideoSourceInfo } from '../core/source.js';
import type { Tile } from '../core/tile.js';

/** One finished sheet, as the engine hands it over and the caller receives it. */
export interface SpriteSheet {
  /** Sheet number, from 0. */
  index: number;
  /** File name from the template (SPEC §5), e.g. `sprite-0.jpg`. */
  name: string;
  /** Width in px (every sheet of a job has the same size). */
  width: number;
  /** Height in px. */
  height: number;
  /** The encoded image (`image/jpeg`, `image/png` or `image/webp`). */
  blob: Blob;
  /** The file's MIME type (the blob's), always the one `name` says: checked on every sheet. */
  type: string;
  /** Which encoder made the file. */
  encoder: SheetEncoder;
  /** The tiles on this sheet, in time order. */
  tiles: Tile[];
}

/**
 * A tile as soon as its frame is drawn on its sheet, before the sheet is encoded: what `onTile` receives, so that a
 * page can show each picture the moment it is decoded instead of waiting for a full sheet.
 */
export interface TileDrawn {
  /** The tile as its sheet's `tiles` and the result will list it: sheet, position and size in px, time in ms. */
  tile: Tile;
  /** Its number in the job, from 0: the order of the tiles (and of the WebVTT cues). */
  index: number;
  /** Its cell on the sheet: column, from 0 (left). */
  column: number;
  /** Its cell on the sheet: row, from 0 (top). */
  row: number;
  /** Width of every sheet of the job, px. */
  sheetWidth: number;
  /** Height of every sheet of the job, px. */
  sheetHeight: number;
  /**
   * The picture exactly as drawn on the sheet, `tile.w × tile.h` px. It is the receiver's: draw it (`drawImage(image,
   * tile.x, tile.y)` puts it where the sheet has it) and `close()` it when done, to free its memory at once.
   */
  image: ImageBitmap;
}

/** Where the engine finds the ffmpeg decoder, and how it decodes. */
export interface EngineConfig {
  /** Which decoder: the browser's own where it can (`auto`), or one forced. */
  engine: EngineChoice;
  /** Absolute URL of the ffmpeg decoder worker, as resolved by the package's entry module. */
  ffmpegWorkerURL: string;
  /** Absolute URL of `ffmpeg-core.wasm`: the package's copy, or the app's `ffmpeg.wasmURL` setting. */
  wasmURL: string;
  /** Inputs larger than this (bytes) are mounted read-only (WORKERFS) instead of copied into the wasm heap. */
  memfsLimit: number;
  /** How many ffmpeg cores decode at once. */
  decoders: number;
  /** Time without a sign of life from the decoder before the job fails, ms. */
  stallTimeoutMs: number;
}

/** A job as the worker receives it: options already validated on the main thread. */
export interface EngineJob {
  /** The video: a Blob, or the absolute URL of one (read with HTTP Range requests where the server allows). */
  input: Blob | string;
  /** The validated options. */
  options: ResolvedOptions;
  /** Sheet file-name template (SPEC §5). */
  nameTemplate: string;
  /** The engine's configuration. */
  config: EngineConfig;
  /** Send a `tile` event for every tile as it is drawn (someone listens: they cost a picture each). */
  tiles: boolean;
  /**
   * More cell sizes of the same tiles (a sharp set), validated: each replaces the options' `sw`, `sh`, `psw` and
   * `psh`, and gets sheets of its own from the same decoded frames.
   */
  extraSizes: readonly CellSize[];
}

/** A cell size as the options give it (SPEC §2): px, or % of the display size where px are not given. */
export type CellSize = Pick<ResolvedOptions, 'sw' | 'sh' | 'psw' | 'psh'>;

/** Messages the worker sends while it works. */
export type EngineEvent =
  | ({ type: 'progress' } & SpriteProgress)
  | { type: 'tile'; drawn: TileDrawn }
  /** `set`: 0 for the options' own cell size, then the job's `extraSizes` in order. */
  | { type: 'sheet'; sheet: SpriteSheet; set: number };

/** What the worker returns when a job ends well; the sheets and their tiles have already arrived as events. */
export interface EngineSummary {
  /** The probed stream facts. */
  source: VideoSourceInfo;
  /** Display size (SAR and rotation applied). */
  display: Size;
  /** Cell size. */
  cell: Size;
  /** Sheet size. */
  sheetSize: Size;
  /** The cell and sheet size of each of the job's `extraSizes`, in order. */
  extraSizes: { cell: Size; sheetSize: Size }[];
  /** Frames that were chosen but could not be decoded (a truncated or corrupt file). */
  missed: number;
  /** Which decoder made the frames, and why. */
  engine: EngineReport;
}

/**
 * The worker's API (exposed with comlink). Failures reject with a {@link SpriteError}: the transfer handler in
 * `transfer-handlers.ts` carries its code, param and details across.
 */
export interface EngineApi {
  /** Runs one job; the worker keeps its decoders loaded for the next one. */
  run(job: EngineJob, onEvent: (event: EngineEvent) => void | Promise<void>): Promise<EngineSummary>;
}
