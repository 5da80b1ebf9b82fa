// The ffmpeg.wasm decoder: single-thread ffmpeg cores, each in its own nested worker, loaded once per engine worker
// and kept warm between jobs (a warm engine skips compiling the 32 MB core). Each job gets an FfmpegSource over them.

import type { EngineConfig } from '../../protocol/engine-api.js';
import type { FrameDecoder, FrameSource, OpenOptions } from '../frame-source.js';
import { UNWATCHED } from '../watchdog.js';
import { compileCore } from './core-module.js';
import { Decoder, type CoreSource } from './decoder.js';
import { FfmpegSource, type LentDecoder } from './ffmpeg-source.js';

/** What the engine is built with: where the core is, and how it decodes. */
export interface FfmpegEngineConfig {
  /** Absolute URL of the decoder worker (`ffmpeg.worker.js`). */
  workerURL: string;
  /** Absolute URL of the core's `ffmpeg-core.wasm`. */
  wasmURL: string;
  /** Inputs larger than this (bytes) are mounted with WORKERFS instead of copied; copies for all decoders count. */
  memfsLimit: number;
  /** How many single-thread cores decode at once, each on its own execs (≥ 1). */
  decoders: number;
}

/** A decoder slot of the engine: loaded on first use, then kept; replaced when it broke. */
class Slot {
  private loading: Promise<Decoder> | null = null;
  /** Settles when the previous job has detached its input from this slot's decoder. */
  idle: Promise<void> = Promise.resolve();

  constructor(private readonly core: CoreSource) {}

  /** The loaded decoder (loading it the first time, or again after it broke). */
  decoder(): Promise<Decoder> {
    this.loading ??= Decoder.load(this.core);
    // A failed load is not kept: the next job tries again.
    this.loading.catch(() => (this.loading = null));
    return this.loading;
  }

  /** Detaches the input; a decoder that broke during the job is terminated, to be loaded afresh next time. */
  async release(decoder: Decoder): Promise<void> {
    decoder.watch = UNWATCHED;
    if (!decoder.broken) await decoder.detach().catch(() => {});
    if (decoder.broken) {
      decoder.terminate();
      this.loading = null;
    }
  }

  terminate(): void {
    void this.loading?.then(
      (d) => d.terminate(),
      () => {},
    );
    this.loading = null;
  }
}

/**
 * The decoders of one engine worker. The first slot probes; the others load in the background and then share the
 * execs with it (each core is single-threaded, so more cores decode more in parallel). All stay loaded between jobs:
 * a warm engine skips the ~0.5 s load (compiling a 32 MB wasm core) on every job after the first.
 */
export class FfmpegEngine {
  private readonly slots: Slot[];
  /** The core, fetched and compiled once for every decoder of this engine; dropped when it failed, to try again. */
  private module: Promise<WebAssembly.Module> | null = null;

  constructor(private readonly config: FfmpegEngineConfig) {
    const core: CoreSource = {
      workerURL: config.workerURL,
      module: () => {
        this.module ??= compileCore(config.wasmURL);
        this.module.catch(() => (this.module = null));
        return this.module;
      },
    };
    this.slots = Array.from({ length: config.decoders }, () => new Slot(core));
  }

  /** Attaches `input` to the decoders a job needs and returns the job's frame source; `reason` says why ffmpeg.wasm. */
  async open(input: Blob, { keyOnly, targets, watch }: OpenOptions, reason: string): Promise<FrameSource> {
    const [first, ...others] = this.slots;
    // Also mid-job, when this engine takes over from WebCodecs: loading a core shows no life until it is done.
    watch.stage('load');
    await first!.idle;
    const main = await first!.decoder();
    main.watch = watch;
    await main.attach(input, input.size <= this.config.memfsLimit).catch(async (e: unknown) => {
      await first!.release(main);
      throw e;
    });
    // Every decoder holds its own copy of a copied input: they copy only while all the copies fit the limit.
    const copyAll = input.size * this.config.decoders <= this.config.memfsLimit;
    // Key-frame execs mostly read the file: an extra decoder reading through WORKERFS made them twice as slow
    // (measured 2026-11-25), so such a job uses the first decoder only.
    const wanted = keyOnly && !copyAll ? [] : others;
    const extras = wanted.map((slot): LentDecoder => {
      const ready = slot.idle
        .then(() => slot.decoder())
        .then(async (decoder) => {
          decoder.watch = watch;
          await decoder.attach(input, copyAll).catch(async (e: unknown) => {
            await slot.release(decoder);
            throw e;
          });
          return decoder;
        })
        // A decoder that fails to load or attach is simply not used: the others do its share.
        .catch(() => null);
      // Released once it is done loading or attaching, in the background; the next job waits for that.
      return {
        ready,
        giveBack: () => {
          slot.idle = ready.then((decoder) => (decoder ? slot.release(decoder) : undefined));
        },
      };
    });
    return new FfmpegSource(input, main, () => first!.release(main), extras, keyOnly, reason, targets);
  }

  /** Stops every core at once. */
  terminate(): void {
    for (const slot of this.slots) slot.terminate();
  }
}

let current: { key: string; engine: FfmpegEngine } | null = null;

/** The engine for `config`, kept from the previous job when it is the same; it loads cores on first use. */
function engineFor(config: EngineConfig): FfmpegEngine {
  const settings = {
    workerURL: config.ffmpegWorkerURL,
    wasmURL: config.wasmURL,
    memfsLimit: config.memfsLimit,
    decoders: config.decoders,
  };
  const key = JSON.stringify(settings);
  if (current?.key !== key) {
    current?.engine.terminate();
    current = { key, engine: new FfmpegEngine(settings) };
  }
  return current.engine;
}

/** ffmpeg.wasm as a {@link FrameDecoder}: it takes every file (its errors say what it could not read). */
export const ffmpegDecoder: FrameDecoder = {
  name: 'ffmpeg',
  label: 'ffmpeg.wasm',
  async open(input, options) {
    const blob = await input.blob();
    return engineFor(options.config).open(blob, options, options.chosenBecause ?? 'ffmpeg.wasm reads this file');
  },
  terminate() {
    current?.engine.terminate();
    current = null;
  },
};
