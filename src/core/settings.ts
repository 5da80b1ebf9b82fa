// The engine's own settings (how it decodes, not what it makes): rules, defaults and their validation.

import { checkRule, type EnumRule, type IntRule } from './options.js';

/**
 * Inputs up to this size are copied into the wasm heap; larger ones are mounted with WORKERFS. Copies read 1.2–2.6×
 * faster (shared notes), but a copy of a large file plus decoder memory would not fit the heap (2 GiB single-thread).
 */
export const DEFAULT_MEMFS_LIMIT_BYTES = 256 * 1024 * 1024;

/** Most decoders a job may run at once: each is a whole ffmpeg core with its own heap (tens to hundreds of MB). */
export const MAX_DECODERS = 8;

/** Decoders past this count load more memory than they repay in speed (each core is single-threaded). */
const DEFAULT_DECODERS_CAP = 4;

/**
 * How long a warm engine waits for the next job before it terminates and frees its memory, in ms. Long enough for a
 * person to change a parameter and run again; short enough that an idle tab does not keep hundreds of MB.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/**
 * Jobs an engine runs before it is replaced by a fresh one. The wasm heap only grows (ffmpeg.wasm's issues report
 * creep over many `exec`s), so a long-lived page recycles it now and then; loading again costs about 0.5 s.
 */
export const DEFAULT_MAX_JOBS_PER_ENGINE = 16;

/**
 * How long a job may go without any sign of life from its decoder (a packet read, a frame decoded, a line logged)
 * before it fails, in ms. Normal work shows life every second or so; a minute covers a slow phone decoding a long run
 * of 4K frames, and bounds a decoder that will never answer.
 */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/**
 * Decoders a job runs by default: one per logical core, at most 4. Each core is single-threaded, so a second one
 * nearly halves the decoding time of a seek-heavy job on two cores; past 4 the memory grows faster than the gain.
 */
export function defaultDecoders(hardwareConcurrency: number | undefined): number {
  return Math.min(DEFAULT_DECODERS_CAP, Math.max(1, Math.floor(hardwareConcurrency ?? 1) || 1));
}

/**
 * Which decoder runs a job: `auto` takes the browser's own (WebCodecs) where the container demuxes and the browser
 * decodes the codec, ffmpeg.wasm otherwise; the other two force one.
 */
export type EngineChoice = 'auto' | 'webcodecs' | 'ffmpeg';

/** The engine settings and their valid values (those of ffmpeg.wasm alone are in {@link FFMPEG_SETTING_RULES}). */
export const SETTING_RULES = {
  engine: { kind: 'enum', values: ['auto', 'webcodecs', 'ffmpeg'] },
  idleTimeoutMs: { kind: 'int', min: 0, unit: 'ms' },
  maxJobsPerEngine: { kind: 'int', min: 1 },
  stallTimeoutMs: { kind: 'int', min: 100, unit: 'ms' },
} as const satisfies Record<string, IntRule | EnumRule>;

/** The settings that concern ffmpeg.wasm alone (given under `ffmpeg`), and their valid values. */
export const FFMPEG_SETTING_RULES = {
  decoders: { kind: 'int', min: 1, max: MAX_DECODERS },
  memfsLimit: { kind: 'int', min: 0, unit: 'bytes' },
} as const satisfies Record<string, IntRule>;

/** How ffmpeg.wasm decodes, resolved. */
export interface ResolvedFfmpegSettings {
  /** ffmpeg cores decoding at once, 1..{@link MAX_DECODERS}. */
  decoders: number;
  /** Largest input copied into the decoders' memory, in bytes. */
  memfsLimit: number;
}

/** The engine settings, all resolved. */
export interface ResolvedEngineSettings {
  /** Which decoder runs a job. */
  engine: EngineChoice;
  /** Idle time before a warm engine terminates, in ms; 0 = right after each job. */
  idleTimeoutMs: number;
  /** Jobs before a warm engine is replaced, ≥ 1. */
  maxJobsPerEngine: number;
  /** Time without progress before a job fails (ENGINE_FAILED, or FETCH_FAILED for a silent server), in ms; ≥ 100. */
  stallTimeoutMs: number;
  /** How ffmpeg.wasm decodes. */
  ffmpeg: ResolvedFfmpegSettings;
}

/** The settings as given: any may be left out (or undefined) for its default. */
export type EngineSettingsInput = { [K in keyof typeof SETTING_RULES]?: ResolvedEngineSettings[K] | undefined } & {
  ffmpeg?: { [K in keyof ResolvedFfmpegSettings]?: number | undefined } | undefined;
};

/**
 * Validates the settings that are given and fills in the defaults. Throws `SpriteError` `INVALID_OPTION` naming the
 * setting (`ffmpeg.decoders` for one under `ffmpeg`), the value and the valid range.
 */
export function resolveEngineSettings(
  given: EngineSettingsInput,
  hardwareConcurrency: number | undefined,
): ResolvedEngineSettings {
  for (const key of Object.keys(SETTING_RULES) as (keyof typeof SETTING_RULES)[]) {
    if (given[key] !== undefined) checkRule(key, SETTING_RULES[key], given[key]);
  }
  const ffmpeg = given.ffmpeg ?? {};
  for (const key of Object.keys(FFMPEG_SETTING_RULES) as (keyof typeof FFMPEG_SETTING_RULES)[]) {
    if (ffmpeg[key] !== undefined) checkRule(`ffmpeg.${key}`, FFMPEG_SETTING_RULES[key], ffmpeg[key]);
  }
  return {
    engine: given.engine ?? 'auto',
    idleTimeoutMs: given.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxJobsPerEngine: given.maxJobsPerEngine ?? DEFAULT_MAX_JOBS_PER_ENGINE,
    stallTimeoutMs: given.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    ffmpeg: {
      decoders: ffmpeg.decoders ?? defaultDecoders(hardwareConcurrency),
      memfsLimit: ffmpeg.memfsLimit ?? DEFAULT_MEMFS_LIMIT_BYTES,
    },
  };
}
