// The ffmpeg.wasm engine: decoders loaded once per engine worker and kept warm, and the per-job frame source that
// probes with ffprobe and extracts exact frames as raw RGBA.

import type { EngineReport } from '../../core/engine-report.js';
import { SpriteError } from '../../core/errors.js';
import { buildFrameTable, type FrameTable } from '../../core/frame-table.js';
import type { DecodedFrame, FrameRequest, FrameSource, OpenOptions, ProbeResult } from '../frame-source.js';
import { runOrdered } from '../ordered-pool.js';
import { UNWATCHED } from '../watchdog.js';
import { isobmffVideoPackets, tableOnFfmpegTimeline, TIMELINE_CHECK_PACKETS } from '../container-index.js';
import { aviFrames, type AviFrames } from './avi-index.js';
import { compileCore } from './core-module.js';
import { Decoder, type CoreSource, type RawFrame } from './decoder.js';
import { balancedExecFrames, execArgs, matchWantedTime, maxExecFrames, planExecs, type ExtractContext } from './extract-plan.js';
import { missingDecoder, PACKET_ENTRIES, parsePacketCsv, parseStreamInfo, PROBE_ENTRIES, toSourceInfo, type StreamInfo } from './probe-parse.js';

/** What demuxers log when a file stops before its own structure says it should. */
const TRUNCATED = /ended prematurely|partial file|truncat|unexpected end of file|Invalid NAL unit size|stream ends/i;
const OUTPUT = '/frames.rgba';
/**
 * Largest span of the file read at once to get several small pieces of it (frame headers): a read costs about 1 ms,
 * and a string of 600 KB (three 1080p frames at 50 Mb/s) about 5 ms more (measured 2026-11-26).
 */
const PIECES_SPAN_BYTES = 256 << 10;

/**
 * How many execs past the oldest undelivered one the decoders may run ahead, per decoder: finished frames wait in
 * order, so this bounds the frames held while one decoder is on a long exec.
 */
const RUN_AHEAD_PER_DECODER = 2;

/** Maps the ffmpeg log of a failed probe or exec to one of our error codes. */
function classify(log: readonly string[], fallback: SpriteError): SpriteError {
  const missing = missingDecoder(log);
  if (missing) return missing;
  const text = log.join('\n');
  if (/Invalid data found when processing input|moov atom not found|EBML header parsing failed/i.test(text)) {
    return new SpriteError('NOT_A_VIDEO', 'The file is not a video the decoder recognises, or its header is damaged.');
  }
  return fallback;
}

/** Whether ffmpeg's demuxer name list for the input (e.g. `mov,mp4,m4a,3gp,3g2,mj2`) includes `name`. */
function isFormat(stream: StreamInfo, name: string): boolean {
  return stream.formatName.split(',').includes(name);
}

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
    void this.loading?.then((d) => d.terminate(), () => {});
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
  async open(input: Blob, { keyOnly, watch }: OpenOptions, reason: string): Promise<FrameSource> {
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
    const extras = wanted.map((slot) => {
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
      return { slot, ready };
    });
    return new FfmpegSource(input, first!, main, extras, keyOnly, { used: 'ffmpeg', reason, fallback: null, decoded: null, frameTable: 'packets' });
  }

  /** Stops every core at once. */
  terminate(): void {
    for (const slot of this.slots) slot.terminate();
  }
}

/** A {@link FrameSource} over the engine's decoders, for one job's input. */
class FfmpegSource implements FrameSource {
  private probed?: { stream: StreamInfo; table: FrameTable };
  /** Where the frame table flags only some key frames (AVI with B-frames): the ones given frames decode from. */
  private keysBefore: AviFrames['keysBefore'] = null;

  constructor(
    private readonly input: Blob,
    private readonly mainSlot: Slot,
    private readonly main: Decoder,
    /** The extra decoders, each with a promise of itself once it has the input (null when it could not). */
    private readonly extras: readonly { slot: Slot; ready: Promise<Decoder | null> }[],
    private readonly keyOnly: boolean,
    readonly report: EngineReport,
  ) {}

  async probe(): Promise<ProbeResult> {
    const main = this.main;
    const json = await main.probe(['-v', 'error', '-show_entries', PROBE_ENTRIES, '-of', 'json', main.inputPath], '/probe.json');
    let stream: StreamInfo;
    try {
      stream = parseStreamInfo(json);
    } catch (e) {
      throw e instanceof SpriteError && e.code === 'NOT_A_VIDEO' ? classify(main.log, e) : e;
    }
    // An index that lists every frame saves reading the whole file, which is what ffprobe's packet list does (about
    // a minute for 5 GiB): only the index is read, from the Blob, in this worker.
    let table = await this.indexTable(stream);
    let cut = false;
    if (table) {
      this.report.frameTable = 'index';
    } else {
      const csv = await main.probe(
        ['-v', 'error', '-select_streams', String(stream.index), '-show_entries', PACKET_ENTRIES, '-of', 'csv=p=0', main.inputPath],
        '/packets.csv',
      );
      cut = main.log.some((line) => TRUNCATED.test(line));
      table = buildFrameTable(parsePacketCsv(csv));
      // Containers without presentation times (raw H.264, some AVI): decode once, tiny, and read the times showinfo sees.
      if (!table) {
        table = await this.decodeTimes(stream);
        this.report.frameTable = 'decode';
      }
    }
    if (!table || table.frames.length === 0) {
      throw classify(main.log, new SpriteError('DECODE_FAILED', 'No video frame could be read from the file: it may be truncated or corrupt.'));
    }
    this.probed = { stream, table };
    const claimedMs = stream.claimedEndSec === null ? null : (stream.claimedEndSec - table.startSec) * 1000;
    const truncatedFromMs = cut && claimedMs !== null && claimedMs > table.durationMs ? claimedMs : null;
    return { table, source: toSourceInfo(stream, table), truncatedFromMs };
  }

  /**
   * The frame table from the container's own index, where it has one this engine reads exactly (AVI, MP4, MOV); else
   * null. A failure to read the index is no reason to fail the job: the packet list still can be read.
   */
  private async indexTable(stream: StreamInfo): Promise<FrameTable | null> {
    if (isFormat(stream, 'avi')) return this.aviTable(stream).catch(() => null);
    if ((isFormat(stream, 'mov') || isFormat(stream, 'mp4')) && stream.containerId !== null) return this.isobmffTable(stream, stream.containerId).catch(() => null);
    return null;
  }

  private async aviTable(stream: StreamInfo): Promise<FrameTable | null> {
    const blob = this.input;
    // Synchronous reads, as strings (see workerfs-reads.ts): the index is read in small pieces, a few thousand at most
    // (frame headers), and an async Blob read costs more (1.8 against 1.4 ms for 64 bytes, measured 2026-11-26).
    const reader = new FileReaderSync();
    const bytes = (chars: string, from: number, to: number) => Uint8Array.from({ length: Math.max(0, Math.min(to, chars.length) - from) }, (_, i) => chars.charCodeAt(from + i));
    const read = async (start: number, end: number) => bytes(reader.readAsBinaryString(blob.slice(start, end)), 0, end - start);
    // Frame headers a few hundred KB apart cost one read for all, not one each.
    const readPieces = async (pieces: readonly { start: number; end: number }[]) => {
      const start = Math.min(...pieces.map((p) => p.start));
      const end = Math.max(...pieces.map((p) => p.end));
      if (end - start > PIECES_SPAN_BYTES) return Promise.all(pieces.map((p) => read(p.start, p.end)));
      const chars = reader.readAsBinaryString(blob.slice(start, end));
      return pieces.map((p) => bytes(chars, p.start - start, p.end - start));
    };
    // Key mode needs every key frame where it is shown; other jobs only those their frames decode from (frames()).
    const frames = await aviFrames(read, blob.size, stream, { readPieces, keys: this.keyOnly ? 'all' : 'first' });
    this.keysBefore = frames?.keysBefore ?? null;
    return frames?.table ?? null;
  }

  /**
   * MP4 and MOV, through mediabunny's reading of the sample tables. Its timeline must be ffmpeg's (edit lists, start
   * offsets: the execs select frames by exact pts), so the first packets are also read by ffprobe, which stops
   * there, and any difference falls back to the full packet list.
   */
  private async isobmffTable(stream: StreamInfo, trackId: number): Promise<FrameTable | null> {
    const packets = await isobmffVideoPackets(this.input, trackId);
    if (!packets) return null;
    const main = this.main;
    const head = parsePacketCsv(
      await main.probe(['-v', 'error', '-select_streams', String(stream.index), '-read_intervals', `%+#${TIMELINE_CHECK_PACKETS}`, '-show_entries', PACKET_ENTRIES, '-of', 'csv=p=0', main.inputPath], '/head.csv'),
    );
    return tableOnFfmpegTimeline(packets, head);
  }

  private async decodeTimes(stream: StreamInfo): Promise<FrameTable | null> {
    const main = this.main;
    await main.exec(['-loglevel', 'info', '-nostats', '-copyts', '-i', main.inputPath, '-map', `0:${stream.index}`, '-an', '-sn', '-dn', '-vf', 'scale=16:16,showinfo', '-f', 'null', '-']);
    return buildFrameTable(main.frames);
  }

  async frames(req: FrameRequest, onFrame: (frame: DecodedFrame) => Promise<void> | void, onProgress?: (done: number) => void): Promise<void> {
    if (!this.probed) throw new Error('frames() called before probe()');
    const { stream, table } = this.probed;
    // Where frames get their times from decode order (AVI, raw streams) and B-frames reorder them, ffmpeg's decoder
    // dates a frame by the packets that follow it: skipping those (-skip_frame nokey) dated a key frame of an MPEG-4
    // AVI one slot after its own, so the exact-pts select lost it. Such key frames are decoded with their neighbours.
    const datedByDecodeOrder = isFormat(stream, 'avi') || this.report.frameTable === 'decode';
    const keyOnly = this.keyOnly && !(datedByDecodeOrder && stream.hasBFrames > 0);
    // Each decoder reads the input at its own path (copied or mounted): the context is completed per exec.
    const ctx: Omit<ExtractContext, 'inputPath'> = {
      outputPath: OUTPUT,
      streamIndex: stream.index,
      startSec: table.startSec,
      formatStartSec: stream.formatStartSec,
      rotation: stream.rotation,
      placement: req.placement,
      keyOnly,
    };
    const keyTimes = this.keysBefore ? await this.keysBefore(req.times) : table.frames.filter((f) => f.key).map((f) => f.time);
    const { width, height } = req.placement.crop;
    const frameBytes = width * height * 4;
    const decoders = 1 + this.extras.length;
    const hardMax = maxExecFrames(frameBytes);
    const execs = planExecs(req.times, keyTimes, keyOnly, Math.min(hardMax, balancedExecFrames(req.times.length, decoders)), hardMax);
    const progress = new ExecProgress(onProgress);

    await runOrdered<Decoder, RawFrame[]>({
      count: execs.length,
      first: this.main,
      late: this.extras.map(({ ready }) => ready),
      maxAhead: RUN_AHEAD_PER_DECODER * decoders,
      run: async (decoder, i) => {
        const exec = execs[i]!;
        const execCtx: ExtractContext = { ...ctx, inputPath: decoder.inputPath };
        progress.start(decoder, exec.times.length);
        try {
          const args = execArgs(exec, execCtx);
          let got = await decoder.extract(args, OUTPUT, frameBytes);
          // A demuxer whose index is coarse may seek past the first wanted frame: read from the start instead.
          if (got.length < exec.times.length && args.includes('-ss')) {
            const retry = await decoder.extract(execArgs(exec, execCtx, true), OUTPUT, frameBytes);
            if (retry.length > got.length) got = retry;
          }
          return got;
        } finally {
          progress.end(decoder, exec.times.length);
        }
      },
      deliver: async (got, i) => {
        const exec = execs[i]!;
        for (const { absSec, data } of got) {
          const time = matchWantedTime(exec.times, table.startSec, absSec);
          if (time !== null) await onFrame({ kind: 'placed', time, width, height, data });
        }
      },
    });
  }

  async close(): Promise<void> {
    // Extra decoders may still be loading or attaching: each is released once it is done, in the background, and
    // the next job waits for that before it attaches its own input.
    for (const { slot, ready } of this.extras) {
      slot.idle = ready.then((decoder) => (decoder ? slot.release(decoder) : undefined));
    }
    await this.mainSlot.release(this.main);
  }
}

/** Frames handled so far: those of finished execs plus those each running exec has logged. */
class ExecProgress {
  private handled = 0;
  private readonly running = new Map<Decoder, number>();

  constructor(private readonly onProgress: ((done: number) => void) | undefined) {}

  start(decoder: Decoder, frames: number): void {
    this.running.set(decoder, 0);
    decoder.onFrameLogged = () => {
      this.running.set(decoder, Math.min((this.running.get(decoder) ?? 0) + 1, frames));
      this.report();
    };
  }

  end(decoder: Decoder, frames: number): void {
    decoder.onFrameLogged = null;
    this.running.delete(decoder);
    this.handled += frames;
    this.report();
  }

  private report(): void {
    let inFlight = 0;
    for (const logged of this.running.values()) inFlight += logged;
    this.onProgress?.(this.handled + inFlight);
  }
}
