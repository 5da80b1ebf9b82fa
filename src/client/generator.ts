// The public entry points: a warm sprite generator that keeps its engine between jobs, and the one-shot over it.

import { SpriteError } from '../core/errors.js';
import { checkSheetSizeEarly } from '../core/geometry.js';
import { checkNameTemplate, DEFAULT_NAME_TEMPLATE, sizedTemplate } from '../core/names.js';
import { resolveOptions, type ResolvedOptions, type SpriteOptions } from '../core/options.js';
import { formatProcess, parseProcess } from '../core/process-string.js';
import type { SpriteProgress } from '../core/progress.js';
import { resolveEngineSettings, type EngineChoice } from '../core/settings.js';
import type { EngineConfig, SpriteSheet, TileDrawn } from '../protocol/engine-api.js';
import { packageAssets } from './assets.js';
import { baseAddress, host } from './host.js';
import { abortError, EngineBridge } from './engine-bridge.js';
import { engineInput, type SpriteInput } from './input.js';
import { buildResult, type SpriteResult } from './result.js';

/** What concerns ffmpeg.wasm alone: where its core is, how many cores decode at once, and how inputs reach them. */
export interface FfmpegSettings {
  /**
   * URL of `ffmpeg-core.wasm` (@ffmpeg/core 0.12.10, the one this package's decoder is built with), for apps that serve
   * the 32 MB core from a CDN or another path. Relative URLs resolve against the page. Default: the copy that ships
   * with this package, wherever the app's bundler put it.
   */
  wasmURL?: string | URL | undefined;
  /**
   * How many ffmpeg cores decode at once, each in its own worker; extra ones load while the first probes.
   * Default: the number of logical cores, at most 4; integer 1–8. Use 1 to keep memory lowest.
   */
  decoders?: number | undefined;
  /**
   * Inputs larger than this many bytes are read in place (mounted) instead of copied into the decoders' memory:
   * slower reads, but a file of any size fits. Default 268435456 (256 MiB); integer ≥ 0.
   */
  memfsLimit?: number | undefined;
}

/** How a generator decodes: which decoder, how ffmpeg.wasm runs, and how long its engine lives. */
export interface SpriteGeneratorSettings {
  /**
   * Which decoder: `auto` (default) uses the browser's own decoder through WebCodecs when the container is MP4, MOV,
   * WebM, Matroska or MPEG-TS and the browser decodes the codec (H.264, VP8, VP9, AV1, HEVC where licensed), and
   * ffmpeg.wasm otherwise, or when WebCodecs fails mid-job (it takes over from there); `webcodecs` fails on what it
   * cannot decode; `ffmpeg` always uses ffmpeg.wasm. The result's `engine` says which ran.
   */
  engine?: EngineChoice | undefined;
  /** Settings of ffmpeg.wasm alone (its core's URL, its decoder count, its memory); each has its default. */
  ffmpeg?: FfmpegSettings | undefined;
  /**
   * How long the engine stays loaded after a job, waiting for the next one, in ms; then its workers terminate and
   * free their memory. Default 30000; integer ≥ 0 (0 = terminate after every job).
   */
  idleTimeoutMs?: number | undefined;
  /**
   * Jobs one engine runs before it is replaced by a fresh one, so that the decoders' heaps cannot creep over a long
   * session. Default 16; integer ≥ 1.
   */
  maxJobsPerEngine?: number | undefined;
  /**
   * How long a job may go without any sign of life from its decoder (a packet read, a frame decoded, a line logged),
   * in ms. Past it the job fails with ENGINE_FAILED (`details.stage` says what it waited on: `exec`, `decode`,
   * `flush`…), or FETCH_FAILED when a URL's server stopped sending, and its workers are freed. Default 60000;
   * integer ≥ 100.
   */
  stallTimeoutMs?: number | undefined;
}

/** Per-job hooks of {@link SpriteGenerator.generate}. */
export interface GenerateOptions {
  /** Cancels the job: it rejects with an `AbortError` DOMException and its engine is terminated at once. */
  signal?: AbortSignal | undefined;
  /** Called as the job advances (phase, fraction 0..1). */
  onProgress?: ((progress: SpriteProgress) => void) | undefined;
  /** Called with each sheet as soon as it is encoded, before the job ends. */
  onSheet?: ((sheet: SpriteSheet) => void) | undefined;
  /**
   * Called with each tile as soon as its frame is drawn, before its sheet is encoded: its time, its cell and its
   * picture (an `ImageBitmap` the hook owns and should `close()`), in tile order and always before the sheet's
   * `onSheet`. Costs one small bitmap per tile, only when given.
   */
  onTile?: ((drawn: TileDrawn) => void) | undefined;
  /**
   * More cell sizes of the same tiles, from the same decode (a sharp set: 1× and 2× for high-DPI screens, or 160 and
   * 320 wide): each gives `sw`, `sh`, `psw` or `psh` as the options do (px 32..4096, % 1..200; those it leaves out are
   * the defaults, not the options' own) and must keep the options' picture shape. Frames are decoded once, for the
   * largest size, and scaled down for the others; each size gets sheets of its own, named with `@<w>x<h>` before the
   * extension, and a result of its own in {@link SpriteResult.extraSizes}. `onSheet` and `onTile` receive the
   * options' own size only. Default: none.
   */
  extraSizes?: readonly ExtraSize[] | undefined;
}

/** One more cell size of a job (see {@link GenerateOptions.extraSizes}): the options' size keys, px or %. */
export type ExtraSize = Pick<SpriteOptions, 'sw' | 'sh' | 'psw' | 'psh'>;

const SIZE_KEYS = ['sw', 'sh', 'psw', 'psh'] as const satisfies readonly (keyof ExtraSize)[];

/**
 * The options of each extra size, validated (INVALID_OPTION naming `extraSizes[i]` or its key): the job's options
 * with that size's keys in place of its own.
 */
function extraSizeOptions(given: unknown, options: SpriteOptions): ResolvedOptions[] {
  if (given === undefined) return [];
  if (!Array.isArray(given))
    throw new SpriteError('INVALID_OPTION', `extraSizes must be an array of cell sizes; got ${typeof given}.`, {
      param: 'extraSizes',
    });
  const { sw: _sw, sh: _sh, psw: _psw, psh: _psh, ...rest } = options;
  return (given as unknown[]).map((size, i) => {
    const name = `extraSizes[${i}]`;
    checkKeys('cell size key', size, SIZE_KEYS, `${name}.`);
    try {
      const resolved = resolveOptions({ ...rest, ...(size as ExtraSize) });
      checkSheetSizeEarly(resolved);
      return resolved;
    } catch (e) {
      if (!(e instanceof SpriteError)) throw e;
      throw new SpriteError(e.code, `${name}: ${e.message}`, {
        param: e.param ? `${name}.${e.param}` : name,
        details: e.details,
      });
    }
  });
}

/** Settings and hooks of {@link generateSprites}: one job on an engine started for it and terminated after it. */
export interface GenerateSpritesOptions
  extends Omit<SpriteGeneratorSettings, 'idleTimeoutMs' | 'maxJobsPerEngine'>, GenerateOptions {}

const SETTING_KEYS = [
  'engine',
  'ffmpeg',
  'idleTimeoutMs',
  'maxJobsPerEngine',
  'stallTimeoutMs',
] as const satisfies readonly (keyof SpriteGeneratorSettings)[];
const FFMPEG_KEYS = ['wasmURL', 'decoders', 'memfsLimit'] as const satisfies readonly (keyof FfmpegSettings)[];
const GENERATE_KEYS = [
  'signal',
  'onProgress',
  'onSheet',
  'onTile',
  'extraSizes',
] as const satisfies readonly (keyof GenerateOptions)[];
/** Settings that existed once, and what took their place. */
const RENAMED: Record<string, string> = {
  coreBaseUrl: 'ffmpeg.wasmURL (the URL of ffmpeg-core.wasm itself)',
  coreURL:
    "ffmpeg.wasmURL alone: the core's JavaScript is now built into the package's decoder worker, so only the wasm can be served from elsewhere",
  // 0.3 grouped the settings of ffmpeg.wasm alone under `ffmpeg`.
  wasmURL: 'ffmpeg.wasmURL (the settings of ffmpeg.wasm alone are grouped under ffmpeg)',
  decoders: 'ffmpeg.decoders (the settings of ffmpeg.wasm alone are grouped under ffmpeg)',
  memfsLimit: 'ffmpeg.memfsLimit (the settings of ffmpeg.wasm alone are grouped under ffmpeg)',
};

/**
 * Refuses a key that is not one of `valid`: a misspelt setting must not be silently ignored. `prefix` names the group
 * a key is in (`ffmpeg.`), for the param and the message.
 */
function checkKeys(what: string, given: unknown, valid: readonly string[], prefix = ''): void {
  if (typeof given !== 'object' || given === null) {
    throw new SpriteError(
      'INVALID_OPTION',
      `${what} must be an object; got ${given === null ? 'null' : typeof given}.`,
      { param: prefix ? prefix.slice(0, -1) : what },
    );
  }
  for (const key of Object.keys(given)) {
    if (valid.includes(key)) continue;
    const instead = !prefix && RENAMED[key] ? `; it was replaced by ${RENAMED[key]}` : '';
    throw new SpriteError(
      'INVALID_OPTION',
      `Unknown ${what} ${JSON.stringify(prefix + key)}${instead}. Valid: ${valid.map((k) => prefix + k).join(', ')}.`,
      { param: prefix + key },
    );
  }
}

/** Checks the names of the settings, those under `ffmpeg` included. */
function checkSettingKeys(what: string, given: unknown, valid: readonly string[]): void {
  checkKeys(what, given, valid);
  const { ffmpeg } = given as { ffmpeg?: unknown };
  if (ffmpeg !== undefined) checkKeys('ffmpeg setting', ffmpeg, FFMPEG_KEYS, 'ffmpeg.');
}

/** Refuses a hook that is not a function: it would otherwise fail only once the job's first event arrives. */
function checkHooks(init: GenerateOptions): void {
  for (const name of ['onProgress', 'onSheet', 'onTile'] as const) {
    const hook: unknown = init[name];
    if (hook !== undefined && typeof hook !== 'function') {
      throw new SpriteError(
        'INVALID_OPTION',
        `${name} must be a function; got ${hook === null ? 'null' : typeof hook}.`,
        {
          param: name,
        },
      );
    }
  }
}

/** A sprite generator whose engine stays loaded between jobs. Jobs run one at a time, in call order. */
export interface SpriteGenerator {
  /**
   * Generates sprite sheets, a WebVTT thumbnails track, a manifest and a storyboard from a video. `options` is a
   * {@link SpriteOptions} object or a process string (`video/sprite,f_jpg,…`). Rejects with {@link SpriteError} (see
   * its `code`), or an `AbortError` DOMException when cancelled.
   */
  generate(input: SpriteInput, options: SpriteOptions | string, init?: GenerateOptions): Promise<SpriteResult>;
  /** Terminates the engine and frees its memory; later calls to `generate` reject with ENGINE_FAILED. */
  dispose(): void;
}

/** A URL setting made absolute against the page, or an INVALID_OPTION naming it. */
function absoluteUrl(name: string, value: string | URL | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw new SpriteError('INVALID_OPTION', `${name} must be a URL or a URL string; got ${typeof value}.`, {
      param: name,
    });
  }
  try {
    return new URL(value, baseAddress()).href;
  } catch {
    throw new SpriteError('INVALID_OPTION', `${name} must be a valid URL; got ${JSON.stringify(String(value))}.`, {
      param: name,
      details: { value: String(value) },
    });
  }
}

/**
 * Creates a generator that keeps its engine (workers and loaded ffmpeg cores) between jobs, so that every job after
 * the first skips loading the engine. Throws {@link SpriteError} `INVALID_OPTION` for a bad setting.
 */
export function createSpriteGenerator(settings: SpriteGeneratorSettings = {}): SpriteGenerator {
  checkSettingKeys('setting', settings, SETTING_KEYS);
  const resolved = resolveEngineSettings(settings, host.navigator?.hardwareConcurrency);
  const assets = packageAssets();
  const config: EngineConfig = {
    engine: resolved.engine,
    memfsLimit: resolved.ffmpeg.memfsLimit,
    decoders: resolved.ffmpeg.decoders,
    stallTimeoutMs: resolved.stallTimeoutMs,
    ffmpegWorkerURL: assets.ffmpegWorkerURL,
    wasmURL: absoluteUrl('ffmpeg.wasmURL', settings.ffmpeg?.wasmURL) ?? assets.wasmURL,
  };
  const bridge = new EngineBridge(resolved);

  return {
    async generate(input, options, init = {}) {
      checkKeys('generate() option', init, GENERATE_KEYS);
      checkHooks(init);
      const { signal } = init;
      if (signal?.aborted) throw abortError();
      const parsed = typeof options === 'string' ? parseProcess(options) : { options };
      const resolved = resolveOptions(parsed.options);
      checkSheetSizeEarly(resolved);
      const template = parsed.saveas?.object ?? DEFAULT_NAME_TEMPLATE;
      checkNameTemplate(template);
      const extra = extraSizeOptions(init.extraSizes, parsed.options);
      const sheets: SpriteSheet[][] = [[], ...extra.map(() => [])];
      const summary = await bridge.run(
        {
          input: engineInput(input),
          options: resolved,
          nameTemplate: template,
          config,
          tiles: !!init.onTile,
          extraSizes: extra.map(({ sw, sh, psw, psh }) => ({
            ...(sw !== undefined && { sw }),
            ...(sh !== undefined && { sh }),
            psw,
            psh,
          })),
        },
        (event) => {
          if (event.type === 'progress') init.onProgress?.({ phase: event.phase, fraction: event.fraction });
          else if (event.type === 'tile') {
            if (init.onTile) init.onTile(event.drawn);
            else event.drawn.image.close();
          } else {
            sheets[event.set]!.push(event.sheet);
            if (event.set === 0) init.onSheet?.(event.sheet);
          }
        },
        signal,
      );
      const process = (o: SpriteOptions) => (typeof options === 'string' ? formatProcess(o, parsed) : null);
      const result = buildResult({
        sheets: sheets[0]!,
        summary,
        options: resolved,
        process: process(parsed.options),
        template,
        saveas: parsed.saveas,
        notify: parsed.notify,
      });
      result.extraSizes = extra.map((o, i) => {
        const size = summary.extraSizes[i]!;
        return buildResult({
          sheets: sheets[i + 1]!,
          summary: { ...summary, ...size, extraSizes: [] },
          options: o,
          process: process({ ...parsed.options, sw: o.sw, sh: o.sh, psw: o.psw, psh: o.psh }),
          template: sizedTemplate(template, size.cell),
          saveas: parsed.saveas,
          notify: parsed.notify,
        });
      });
      return result;
    },
    dispose: () => bridge.dispose(),
  };
}

/**
 * Generates sprite sheets, a WebVTT thumbnails track, a manifest and a storyboard from a video, entirely in the
 * browser: one job on an engine started for it and terminated after it. For several jobs, a
 * {@link createSpriteGenerator} generator skips the engine load on all but the first.
 * `options` is a {@link SpriteOptions} object or a process string (`video/sprite,f_jpg,…`).
 * Rejects with {@link SpriteError} (see its `code`), or an `AbortError` DOMException when cancelled.
 */
export async function generateSprites(
  input: SpriteInput,
  options: SpriteOptions | string,
  init: GenerateSpritesOptions = {},
): Promise<SpriteResult> {
  checkSettingKeys('generateSprites() option', init, [...GENERATE_KEYS, 'engine', 'ffmpeg', 'stallTimeoutMs']);
  const { signal, onProgress, onSheet, onTile, extraSizes, ...settings } = init;
  const generator = createSpriteGenerator({ ...settings, idleTimeoutMs: 0 });
  try {
    return await generator.generate(input, options, { signal, onProgress, onSheet, onTile, extraSizes });
  } finally {
    generator.dispose();
  }
}
