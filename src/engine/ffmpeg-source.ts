// The ffmpeg.wasm frame source: loads the core from our own origin, probes with its ffprobe, extracts raw RGBA frames.

import { FFmpeg } from '@ffmpeg/ffmpeg';
import { SpriteError } from '../core/errors.js';
import { chunkArgs, planChunks, type ExtractContext } from './extract-plan.js';
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
  /** Inputs larger than this (bytes) are mounted with WORKERFS instead of copied. */
  memfsLimitBytes: number;
}

const INPUT_DIR = '/input';
/** A showinfo line describing one frame (not its config or side-data lines). */
const SHOWINFO_FRAME = /Parsed_showinfo.*\bn:\s*\d+\s+pts:/;
/** What demuxers log when a file stops before its own structure says it should. */
const TRUNCATED = /ended prematurely|partial file|truncat|unexpected end of file|Invalid NAL unit size|stream ends/i;
const OUTPUT = '/frames.rgba';

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

/** A {@link FrameSource} backed by @ffmpeg/ffmpeg (which runs the core in its own nested worker). */
export class FfmpegSource implements FrameSource {
  private readonly ffmpeg = new FFmpeg();
  private log: string[] = [];
  /** Called for each frame showinfo reports while an exec runs: live progress inside one long exec. */
  private onFrameLogged: (() => void) | null = null;
  private inputPath = '';
  private mounted = false;
  private probed?: { stream: StreamInfo; table: FrameTable };

  private constructor() {
    this.ffmpeg.on('log', ({ message }) => {
      // Bounded: a long exec logs a few lines per frame and only the recent ones explain a failure.
      if (this.log.length > 4000) this.log.splice(0, 2000);
      this.log.push(message);
      if (this.onFrameLogged && SHOWINFO_FRAME.test(message)) this.onFrameLogged();
    });
  }

  /** Loads the core and makes `input` readable by it. */
  static async open(input: Blob, options: FfmpegSourceOptions): Promise<FfmpegSource> {
    const source = new FfmpegSource();
    const dir = `${options.coreBaseUrl.replace(/\/?$/, '/')}st/`;
    try {
      await source.ffmpeg.load({ coreURL: `${dir}ffmpeg-core.js`, wasmURL: `${dir}ffmpeg-core.wasm` });
    } catch (cause) {
      throw new SpriteError('ENGINE_FAILED', `The ffmpeg core could not be loaded from ${dir}: ${String(cause)}`, { cause });
    }
    await source.attach(input, options.memfsLimitBytes);
    return source;
  }

  private async attach(input: Blob, memfsLimit: number): Promise<void> {
    // Keep the extension: some demuxers are chosen by it when probing is ambiguous (raw H.264, MPEG-TS).
    const name = sanitiseName(input instanceof File ? input.name : '') || 'input.bin';
    await this.ffmpeg.createDir(INPUT_DIR);
    if (input.size <= memfsLimit) {
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

  private async runProbe(args: string[], out: string): Promise<string> {
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

  async probe(): Promise<ProbeResult> {
    const json = await this.runProbe(['-v', 'error', '-show_entries', PROBE_ENTRIES, '-of', 'json', this.inputPath], '/probe.json');
    let stream: StreamInfo;
    try {
      stream = parseStreamInfo(json);
    } catch (e) {
      throw e instanceof SpriteError && e.code === 'NOT_A_VIDEO' ? classify(this.log, e) : e;
    }
    const csv = await this.runProbe(
      ['-v', 'error', '-select_streams', String(stream.index), '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', this.inputPath],
      '/packets.csv',
    );
    const cut = this.log.some((line) => TRUNCATED.test(line));
    let table = buildFrameTable(parsePacketCsv(csv), stream.frameIntervalMs);
    // Containers without presentation times (raw H.264, some AVI): decode once, tiny, and read the times showinfo sees.
    table ??= await this.decodeTimes(stream);
    if (!table || table.frames.length === 0) {
      throw classify(this.log, new SpriteError('DECODE_FAILED', 'No video frame could be read from the file: it may be truncated or corrupt.'));
    }
    this.probed = { stream, table };
    const claimedMs = stream.claimedEndSec === null ? null : (stream.claimedEndSec - table.startSec) * 1000;
    const truncatedFromMs = cut && claimedMs !== null && claimedMs > table.durationMs ? claimedMs : null;
    return { stream, table, source: toSourceInfo(stream, table), truncatedFromMs };
  }

  private async decodeTimes(stream: StreamInfo): Promise<FrameTable | null> {
    this.log = [];
    await this.ffmpeg.exec(['-loglevel', 'info', '-nostats', '-copyts', '-i', this.inputPath, '-map', `0:${stream.index}`, '-an', '-sn', '-dn', '-vf', 'scale=16:16,showinfo', '-f', 'null', '-']);
    const frames = parseShowinfo(this.log);
    return buildFrameTable(frames.map((f) => ({ pts: f.pts, key: f.key })), stream.frameIntervalMs);
  }

  async frames(req: FrameRequest, onFrame: (frame: DecodedFrame) => Promise<void> | void, onProgress?: (done: number) => void): Promise<void> {
    if (!this.probed) throw new SpriteError('INTERNAL', 'frames() called before probe().');
    const { stream, table } = this.probed;
    const ctx: ExtractContext = {
      inputPath: this.inputPath,
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
    let handled = 0;
    for (const chunk of planChunks(req.times, keyTimes, req.keyOnly)) {
      let logged = 0;
      this.onFrameLogged = () => onProgress?.(handled + Math.min(++logged, chunk.times.length));
      const args = chunkArgs(chunk, ctx);
      let got = await this.extract(args, frameBytes);
      // A demuxer whose index is coarse may seek past the first wanted frame: read from the start instead.
      if (got.length < chunk.times.length && args.includes('-ss')) {
        const retry = await this.extract(chunkArgs(chunk, ctx, true), frameBytes);
        if (retry.length > got.length) got = retry;
      }
      const wanted = new Map(chunk.times.map((t) => [Math.round((table.startSec + t / 1000) * 1000), t]));
      for (const { absSec, data } of got) {
        const time = wanted.get(Math.round(absSec * 1000)) ?? nearest(chunk.times, (absSec - table.startSec) * 1000);
        await onFrame({ time, width, height, data });
      }
      handled += chunk.times.length;
      onProgress?.(handled);
    }
    this.onFrameLogged = null;
  }

  /** Runs one exec and splits its raw output into frames, each paired with the pts showinfo printed for it. */
  private async extract(args: string[], frameBytes: number): Promise<{ absSec: number; data: Uint8Array<ArrayBuffer> }[]> {
    this.log = [];
    await this.ffmpeg.exec(args);
    const infos = parseShowinfo(this.log);
    let raw: Uint8Array;
    try {
      raw = (await this.ffmpeg.readFile(OUTPUT)) as Uint8Array;
      await this.ffmpeg.deleteFile(OUTPUT);
    } catch {
      return [];
    }
    const count = Math.min(infos.length, Math.floor(raw.length / frameBytes));
    const frames: { absSec: number; data: Uint8Array<ArrayBuffer> }[] = [];
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

function nearest(times: readonly number[], t: number): number {
  let best = times[0] ?? t;
  for (const x of times) if (Math.abs(x - t) < Math.abs(best - t)) best = x;
  return best;
}

function sanitiseName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '').slice(-100);
}
