// The ffmpeg.wasm frame source: loads the core from our own origin, probes with its ffprobe, extracts raw RGBA frames.

import { FFmpeg } from '@ffmpeg/ffmpeg';
import { SpriteError } from '../core/errors.js';
import { balancedExecFrames, chunkArgs, maxExecFrames, planChunks, type ExtractContext } from './extract-plan.js';
import { runOrdered } from './ordered-pool.js';
import type { DecodedFrame, FrameRequest, FrameSource, ProbeResult } from './frame-source.js';
import {
  buildFrameTable,
  parsePacketCsv,
  parseShowinfo,
  parseStreamInfo,
  PROBE_ENTRIES,
  toSourceInfo,
  type FrameTable,
  type StreamInfo,
} from './probe-parse.js';

/**
 * Where the core is served, e.g. `https://host/ffmpeg/` (holding `st/`). Only the single-thread core is used: the
 * multi-thread one, started from our engine worker, hung or crashed the page in Chromium 156 (measured 2026-11-24).
 */
export interface FfmpegSourceOptions {
  coreBaseUrl: string;
  /** Inputs larger than this (bytes) are mounted with WORKERFS instead of copied; copies for all decoders count. */
  memfsLimitBytes: number;
  /** How many single-thread cores decode at once, each on its own execs (≥ 1). */
  decoders: number;
  /**
   * The job decodes key frames only. Its execs mostly read the file, so an extra decoder helps only with its own
   * copy: one reading through WORKERFS made key-frame jobs twice as slow (measured 2026-11-25).
   */
  keyOnly: boolean;
}

const INPUT_DIR = '/input';
/** A showinfo line describing one frame (not its config or side-data lines). */
const SHOWINFO_FRAME = /Parsed_showinfo.*\bn:\s*\d+\s+pts:/;
/** What demuxers log when a file stops before its own structure says it should. */
const TRUNCATED = /ended prematurely|partial file|truncat|unexpected end of file|Invalid NAL unit size|stream ends/i;
const OUTPUT = '/frames.rgba';
/**
 * How many execs past the oldest undelivered one the decoders may run ahead, per decoder: finished frames wait in
 * order, so this bounds the frames held while one decoder is on a long exec.
 */
const RUN_AHEAD_PER_DECODER = 2;

/** Maps the ffmpeg log of a failed probe or exec to one of our error codes. */
function classify(log: readonly string[], fallback: SpriteError): SpriteError {
  const text = log.join('\n');
  const decoder = /Decoder \(codec ([\w-]+)\) not found|Unsupported codec|codec not currently supported/i.exec(text);
  if (decoder) {
    return new SpriteError('UNSUPPORTED_CODEC', `This build of ffmpeg cannot decode the video's codec${decoder[1] ? ` (${decoder[1]})` : ''}.`, {
      details: { codec: decoder[1] ?? null },
    });
  }
  if (/Invalid data found when processing input|moov atom not found|EBML header parsing failed/i.test(text)) {
    return new SpriteError('NOT_A_VIDEO', 'The file is not a video the decoder recognises, or its header is damaged.');
  }
  return fallback;
}

type RawFrame = { absSec: number; data: Uint8Array<ArrayBuffer> };

/** One ffmpeg.wasm core (in its own nested worker) with the input attached; it runs one exec at a time. */
class Decoder {
  private readonly ffmpeg = new FFmpeg();
  log: string[] = [];
  /** Called for each frame showinfo reports while an exec runs: live progress inside one long exec. */
  onFrameLogged: (() => void) | null = null;
  inputPath = '';
  private mounted = false;

  constructor() {
    this.ffmpeg.on('log', ({ message }) => {
      // Bounded: a long exec logs a few lines per frame and only the recent ones explain a failure.
      if (this.log.length > 4000) this.log.splice(0, 2000);
      this.log.push(message);
      if (this.onFrameLogged && SHOWINFO_FRAME.test(message)) this.onFrameLogged();
    });
  }

  /** Loads the core from `dir` and makes `input` readable: copied into the heap when `copy`, else mounted. */
  async open(dir: string, input: Blob, copy: boolean): Promise<void> {
    try {
      await this.ffmpeg.load({ coreURL: `${dir}ffmpeg-core.js`, wasmURL: `${dir}ffmpeg-core.wasm` });
    } catch (cause) {
      throw new SpriteError('ENGINE_FAILED', `The ffmpeg core could not be loaded from ${dir}: ${String(cause)}`, { cause });
    }
    // Keep the extension: some demuxers are chosen by it when probing is ambiguous (raw H.264, MPEG-TS).
    const name = sanitiseName(input instanceof File ? input.name : '') || 'input.bin';
    await this.ffmpeg.createDir(INPUT_DIR);
    if (copy) {
      this.inputPath = `${INPUT_DIR}/${name}`;
      await this.ffmpeg.writeFile(this.inputPath, new Uint8Array(await input.arrayBuffer()));
    } else {
      // WORKERFS reads the Blob lazily: a file larger than the wasm heap still works, at slower reads.
      const file = input instanceof File ? input : new File([input], name);
      await this.ffmpeg.mount('WORKERFS' as never, { files: [file] }, INPUT_DIR);
      this.mounted = true;
      this.inputPath = `${INPUT_DIR}/${file.name}`;
    }
  }

  async probe(args: string[], out: string): Promise<string> {
    this.log = [];
    await this.ffmpeg.ffprobe([...args, '-o', out]);
    try {
      const text = new TextDecoder().decode((await this.ffmpeg.readFile(out)) as Uint8Array);
      await this.ffmpeg.deleteFile(out);
      return text;
    } catch {
      return '';
    }
  }

  async exec(args: string[]): Promise<void> {
    this.log = [];
    await this.ffmpeg.exec(args);
  }

  /** Runs one exec and splits its raw output into frames, each paired with the pts showinfo printed for it. */
  async extract(args: string[], frameBytes: number): Promise<RawFrame[]> {
    await this.exec(args);
    const infos = parseShowinfo(this.log);
    let raw: Uint8Array;
    try {
      raw = (await this.ffmpeg.readFile(OUTPUT)) as Uint8Array;
      await this.ffmpeg.deleteFile(OUTPUT);
    } catch {
      return [];
    }
    const count = Math.min(infos.length, Math.floor(raw.length / frameBytes));
    const frames: RawFrame[] = [];
    for (let i = 0; i < count; i++) {
      frames.push({ absSec: infos[i]!.pts, data: raw.slice(i * frameBytes, (i + 1) * frameBytes) });
    }
    return frames;
  }

  async close(): Promise<void> {
    try {
      if (this.mounted) await this.ffmpeg.unmount(INPUT_DIR);
    } finally {
      this.ffmpeg.terminate();
    }
  }
}

/**
 * A {@link FrameSource} backed by @ffmpeg/ffmpeg. The first core probes; the others load meanwhile and then share
 * the execs with it (each core is single-threaded, so more cores decode more in parallel).
 */
export class FfmpegSource implements FrameSource {
  private probed?: { stream: StreamInfo; table: FrameTable };

  private constructor(
    private readonly main: Decoder,
    /** The extra decoders, each with a promise of whether it loaded (a failed one is simply not used). */
    private readonly extras: { decoder: Decoder; ready: Promise<boolean> }[],
  ) {}

  /** Loads the core and makes `input` readable by it; extra decoders keep loading in the background. */
  static async open(input: Blob, options: FfmpegSourceOptions): Promise<FfmpegSource> {
    const dir = `${options.coreBaseUrl.replace(/\/?$/, '/')}st/`;
    const main = new Decoder();
    try {
      await main.open(dir, input, input.size <= options.memfsLimitBytes);
    } catch (e) {
      await main.close().catch(() => {});
      throw e;
    }
    // Every decoder holds its own copy of a copied input: they copy only while all the copies fit the limit.
    const copyAll = input.size * options.decoders <= options.memfsLimitBytes;
    const extraCount = options.keyOnly && !copyAll ? 0 : Math.max(0, options.decoders - 1);
    const extras = Array.from({ length: extraCount }, () => {
      const decoder = new Decoder();
      const ready = decoder.open(dir, input, copyAll).then(
        () => true,
        () => false,
      );
      return { decoder, ready };
    });
    return new FfmpegSource(main, extras);
  }

  async probe(): Promise<ProbeResult> {
    const main = this.main;
    const json = await main.probe(['-v', 'error', '-show_entries', PROBE_ENTRIES, '-of', 'json', main.inputPath], '/probe.json');
    let stream: StreamInfo;
    try {
      stream = parseStreamInfo(json);
    } catch (e) {
      throw e instanceof SpriteError && e.code === 'NOT_A_VIDEO' ? classify(main.log, e) : e;
    }
    const csv = await main.probe(
      ['-v', 'error', '-select_streams', String(stream.index), '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', main.inputPath],
      '/packets.csv',
    );
    const cut = main.log.some((line) => TRUNCATED.test(line));
    let table = buildFrameTable(parsePacketCsv(csv), stream.frameIntervalMs);
    // Containers without presentation times (raw H.264, some AVI): decode once, tiny, and read the times showinfo sees.
    table ??= await this.decodeTimes(stream);
    if (!table || table.frames.length === 0) {
      throw classify(main.log, new SpriteError('DECODE_FAILED', 'No video frame could be read from the file: it may be truncated or corrupt.'));
    }
    this.probed = { stream, table };
    const claimedMs = stream.claimedEndSec === null ? null : (stream.claimedEndSec - table.startSec) * 1000;
    const truncatedFromMs = cut && claimedMs !== null && claimedMs > table.durationMs ? claimedMs : null;
    return { stream, table, source: toSourceInfo(stream, table), truncatedFromMs };
  }

  private async decodeTimes(stream: StreamInfo): Promise<FrameTable | null> {
    const main = this.main;
    await main.exec(['-loglevel', 'info', '-nostats', '-copyts', '-i', main.inputPath, '-map', `0:${stream.index}`, '-an', '-sn', '-dn', '-vf', 'scale=16:16,showinfo', '-f', 'null', '-']);
    const frames = parseShowinfo(main.log);
    return buildFrameTable(frames.map((f) => ({ pts: f.pts, key: f.key })), stream.frameIntervalMs);
  }

  async frames(req: FrameRequest, onFrame: (frame: DecodedFrame) => Promise<void> | void, onProgress?: (done: number) => void): Promise<void> {
    if (!this.probed) throw new SpriteError('INTERNAL', 'frames() called before probe().');
    const { stream, table } = this.probed;
    // Each decoder reads the input at its own path (copied or mounted): the context is completed per exec.
    const ctx: Omit<ExtractContext, 'inputPath'> = {
      outputPath: OUTPUT,
      streamIndex: stream.index,
      startSec: table.startSec,
      formatStartSec: stream.formatStartSec,
      rotation: stream.rotation,
      placement: req.placement,
      keyOnly: req.keyOnly,
    };
    const keyTimes = table.frames.filter((f) => f.key).map((f) => f.time);
    const { width, height } = req.placement.crop;
    const frameBytes = width * height * 4;
    const decoders = 1 + this.extras.length;
    const hardMax = maxExecFrames(frameBytes);
    const chunks = planChunks(req.times, keyTimes, req.keyOnly, Math.min(hardMax, balancedExecFrames(req.times.length, decoders)), hardMax);

    // Progress counts the frames of finished execs plus those each running exec has logged so far.
    let handled = 0;
    const running = new Map<Decoder, number>();
    const report = () => {
      let inFlight = 0;
      for (const logged of running.values()) inFlight += logged;
      onProgress?.(handled + inFlight);
    };

    await runOrdered<Decoder, RawFrame[]>({
      count: chunks.length,
      first: this.main,
      late: this.extras.map(({ decoder, ready }) => ready.then((ok) => (ok ? decoder : null))),
      maxAhead: RUN_AHEAD_PER_DECODER * decoders,
      run: async (decoder, i) => {
        const chunk = chunks[i]!;
        const chunkCtx: ExtractContext = { ...ctx, inputPath: decoder.inputPath };
        running.set(decoder, 0);
        decoder.onFrameLogged = () => {
          running.set(decoder, Math.min((running.get(decoder) ?? 0) + 1, chunk.times.length));
          report();
        };
        try {
          const args = chunkArgs(chunk, chunkCtx);
          let got = await decoder.extract(args, frameBytes);
          // A demuxer whose index is coarse may seek past the first wanted frame: read from the start instead.
          if (got.length < chunk.times.length && args.includes('-ss')) {
            const retry = await decoder.extract(chunkArgs(chunk, chunkCtx, true), frameBytes);
            if (retry.length > got.length) got = retry;
          }
          return got;
        } finally {
          decoder.onFrameLogged = null;
          running.delete(decoder);
          handled += chunk.times.length;
          report();
        }
      },
      deliver: async (got, i) => {
        const chunk = chunks[i]!;
        const wanted = new Map(chunk.times.map((t) => [Math.round((table.startSec + t / 1000) * 1000), t]));
        for (const { absSec, data } of got) {
          const time = wanted.get(Math.round(absSec * 1000)) ?? nearest(chunk.times, (absSec - table.startSec) * 1000);
          await onFrame({ time, width, height, data });
        }
      },
    });
  }

  async close(): Promise<void> {
    // Extra decoders may still be loading: terminating them stops that too.
    await Promise.allSettled(this.extras.map(({ decoder }) => decoder.close()));
    await this.main.close();
  }
}

function nearest(times: readonly number[], t: number): number {
  let best = times[0] ?? t;
  for (const x of times) if (Math.abs(x - t) < Math.abs(best - t)) best = x;
  return best;
}

function sanitiseName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '').slice(-100);
}
