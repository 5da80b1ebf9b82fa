// The one contract between the main-thread client and the engine worker; nothing else crosses the boundary.

import type { SpriteErrorData } from '../core/errors.js';
import type { ResolvedOptions } from '../core/options.js';
import type { VideoSourceInfo, Size } from '../core/source.js';
import type { Tile } from '../core/tile.js';

/**
 * Inputs up to this size are copied into the wasm heap; larger ones are mounted with WORKERFS. Copies read 1.2–2.6×
 * faster (shared notes), but a copy of a large file plus decoder memory would not fit the heap (2 GiB single-thread).
 */
export const DEFAULT_MEMFS_LIMIT_BYTES = 256 * 1024 * 1024;

/** Most decoders a job may run at once: each is a whole ffmpeg core with its own heap (tens to hundreds of MB). */
export const MAX_DECODERS = 8;

/**
 * Decoders a job runs by default: one per logical core, at most 4. Each core is single-threaded, so a second one
 * nearly halves the decoding time of a seek-heavy job on two cores; past 4 the memory grows faster than the gain.
 */
export function defaultDecoders(hardwareConcurrency: number | undefined): number {
  return Math.min(4, Math.max(1, Math.floor(hardwareConcurrency ?? 1) || 1));
}

/** A job as the worker receives it: options already validated on the main thread. */
export interface EngineJob {
  input: Blob;
  options: ResolvedOptions;
  /** Sheet file-name template (SPEC §5). */
  nameTemplate: string;
  /** Absolute URL of the folder holding the ffmpeg core (`st/`). */
  coreBaseUrl: string;
  /** Inputs larger than this (bytes) are mounted read-only (WORKERFS) instead of copied into the wasm heap. */
  memfsLimitBytes: number;
  /** How many ffmpeg cores decode at once (1 … {@link MAX_DECODERS}). */
  decoders: number;
}

/** The phases a job goes through, in order. */
export type SpritePhase = 'load' | 'probe' | 'decode' | 'encode';

/** A finished sheet as it leaves the worker. */
export interface EngineSheet {
  index: number;
  name: string;
  width: number;
  height: number;
  blob: Blob;
  tiles: Tile[];
}

/** Messages the worker sends while it works. */
export type EngineEvent =
  | { type: 'progress'; phase: SpritePhase; fraction: number }
  | { type: 'sheet'; sheet: EngineSheet };

/** What the worker returns when a job ends well. */
export interface EngineSummary {
  source: VideoSourceInfo;
  display: Size;
  cell: Size;
  sheetWidth: number;
  sheetHeight: number;
  sheets: Omit<EngineSheet, 'blob'>[];
  tiles: Tile[];
  /** Frames that were chosen but could not be decoded (a truncated or corrupt file). */
  missed: number;
  /** Frames chosen for capture before decoding (for `dhash`, the candidates). */
  planned: number;
}

/** The worker's API (exposed with comlink). Errors come back as {@link SpriteErrorData} in a rejected promise. */
export interface EngineApi {
  run(job: EngineJob, onEvent: (event: EngineEvent) => void | Promise<void>): Promise<EngineSummary | { error: SpriteErrorData }>;
}
