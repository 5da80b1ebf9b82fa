// One job's frames from ffmpeg.wasm: probes with ffprobe (or the container's own index), then extracts the exact
// frames as raw RGBA, placed in their cells by ffmpeg's filters, over the engine's decoders.

import type { FfmpegReport, FrameTableSource } from '../../core/engine-report.js';
import { SpriteError } from '../../core/errors.js';
import { buildFrameTable, sourceInfo, type FrameTable } from '../../core/frame-table.js';
import type { DecodedFrame, FrameRequest, FrameSource, OpenOptions, ProbeResult } from '../frame-source.js';
import { runOrdered } from '../ordered-pool.js';
import { aviFrames, type AviFrames } from './avi-index.js';
import { blobReads } from './blob-reads.js';
import type { Decoder, RawFrame } from './decoder.js';
import {
  balancedExecFrames,
  execArgs,
  matchWantedTime,
  maxExecFrames,
  planExecs,
  type ExtractContext,
} from './extract-plan.js';
import { isobmffVideoPackets, tableOnFfmpegTimeline, TIMELINE_CHECK_PACKETS } from './ffmpeg-timeline.js';
import { matroskaTargetsTable, partFile } from './matroska-targets.js';
import { dateList } from './packet-dating.js';
import { tableFromWindows, tableStartBefore, windowProbeArgs } from './seek-windows.js';
import {
  missingDecoder,
  PACKET_ENTRIES,
  parsePacketCsv,
  parseStreamInfo,
  PROBE_ENTRIES,
  type StreamInfo,
} from './probe-parse.js';

/** What demuxers log when a file stops before its own structure says it should. */
const TRUNCATED = /ended prematurely|partial file|truncat|unexpected end of file|Invalid NAL unit size|stream ends/i;
const OUTPUT = '/frames.rgba';
/**
 * How far before a key frame's packet the stream's tables are looked for, bytes: muxers repeat them every 0.1 s or
 * so (ffmpeg's default; broadcast at most every 0.5 s), some 640 KB at 50 Mb/s.
 */
const TABLES_SEARCH_BYTES = 1 << 20;
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

/** A decoder lent to one job: its promise of itself once loaded with the input (null when it could not be). */
export interface LentDecoder {
  /** The decoder, once it has the job's input; null when it failed to load or attach (the others do its share). */
  ready: Promise<Decoder | null>;
  /** Hands it back after the job (detaching the input in the background, once it is ready). */
  giveBack(): void;
}

/** A {@link FrameSource} over the engine's decoders, for one job's input. */
export class FfmpegSource implements FrameSource {
  private probed?: { stream: StreamInfo; table: FrameTable };
  private frameTable: FrameTableSource = 'packets';
  /** Some packets had no time (MPEG-PS): the decoder dates those frames from the frame shown before them. */
  private untimedPackets = false;
  /** MPEG-TS read through windows: the byte position of each key frame they found, by its time (ms). */
  private keyPos: Map<number, number> | null = null;
  /**
   * Matroska without cues, looked up by the search on bytes: where each key frame's cluster starts, by its time (ms),
   * and the file's head. An exec reads the head and the clusters from there (partFile).
   */
  private clusterStarts: { starts: Map<number, number>; head: Blob } | null = null;
  /** Where the frame table flags only some key frames (AVI with B-frames): the ones given frames decode from. */
  private keysBefore: AviFrames['keysBefore'] = null;

  constructor(
    private readonly input: Blob,
    /** The decoder that probes (and extracts too), with the input attached. */
    private readonly main: Decoder,
    /** Hands the main decoder back after the job. */
    private readonly giveBackMain: () => Promise<void>,
    /** The extra decoders, which share the execs once they are ready. */
    private readonly extras: readonly LentDecoder[],
    private readonly keyOnly: boolean,
    /** Why ffmpeg.wasm runs the job. */
    private readonly reason: string,
    /** The job's targets once the stream's facts are known (see OpenOptions.targets). */
    private readonly targetsOf?: OpenOptions['targets'],
  ) {}

  report(): FfmpegReport {
    return { used: 'ffmpeg', reason: this.reason, fallback: null, frameTable: this.frameTable };
  }

  async probe(): Promise<ProbeResult> {
    const main = this.main;
    const json = await main.probe(
      ['-v', 'error', '-show_entries', PROBE_ENTRIES, '-of', 'json', main.inputPath],
      '/probe.json',
    );
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
      this.frameTable = 'index';
    } else if ((table = (await this.windowsTable(stream)) ?? (await this.matroskaTable(stream)))) {
      this.frameTable = 'targets';
    } else {
      const csv = await main.probe(
        [
          '-v',
          'error',
          '-select_streams',
          String(stream.index),
          '-show_entries',
          PACKET_ENTRIES,
          '-of',
          'csv=p=0',
          main.inputPath,
        ],
        '/packets.csv',
      );
      cut = main.log.some((line) => TRUNCATED.test(line));
      const rows = parsePacketCsv(csv);
      // Some packets without a time (MPEG-PS): dated from those around them, as the decoder dates them.
      this.untimedPackets = rows.some((r) => r.pts === null);
      const dated = this.untimedPackets ? dateList(rows, stream.hasBFrames) : rows;
      table = dated && buildFrameTable(dated);
      // Containers without presentation times (raw H.264, some AVI): decode once, tiny, and read the times showinfo sees.
      if (!table) {
        table = await this.decodeTimes(stream);
        this.frameTable = 'decode';
      }
    }
    if (!table || table.times.length === 0) {
      throw classify(
        main.log,
        new SpriteError('DECODE_FAILED', 'No video frame could be read from the file: it may be truncated or corrupt.'),
      );
    }
    this.probed = { stream, table };
    const claimedMs = stream.claimedEndSec === null ? null : (stream.claimedEndSec - table.startSec) * 1000;
    const truncatedFromMs = cut && claimedMs !== null && claimedMs > table.durationMs ? claimedMs : null;
    return { table, source: sourceInfo(stream, table), truncatedFromMs };
  }

  /**
   * The frame table from the container's own index, where it has one this engine reads exactly (AVI, MP4, MOV); else
   * null. A failure to read the index is no reason to fail the job: the packet list still can be read.
   */
  private async indexTable(stream: StreamInfo): Promise<FrameTable | null> {
    if (isFormat(stream, 'avi')) return this.aviTable(stream).catch(() => null);
    if ((isFormat(stream, 'mov') || isFormat(stream, 'mp4')) && stream.containerId !== null)
      return this.isobmffTable(stream, stream.containerId).catch(() => null);
    return null;
  }

  private async aviTable(stream: StreamInfo): Promise<FrameTable | null> {
    // The index is read in small pieces, a few thousand at most (frame headers), synchronously (blob-reads.ts).
    const { read, readPieces } = blobReads(this.input);
    // Key mode needs every key frame where it is shown; other jobs only those their frames decode from (frames()).
    const frames = await aviFrames(read, this.input.size, stream, { readPieces, keys: this.keyOnly ? 'all' : 'first' });
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
    return tableOnFfmpegTimeline(packets, await this.headPackets(stream));
  }

  /** The first packets ffprobe lists, which it reads without going further into the file. */
  private async headPackets(stream: StreamInfo) {
    const main = this.main;
    return parsePacketCsv(
      await main.probe(
        [
          '-v',
          'error',
          '-select_streams',
          String(stream.index),
          '-read_intervals',
          `%+#${TIMELINE_CHECK_PACKETS}`,
          '-show_entries',
          PACKET_ENTRIES,
          '-of',
          'csv=p=0',
          main.inputPath,
        ],
        '/head.csv',
      ),
    );
  }

  /**
   * A target-driven job's table in Matroska or WebM, whose cues list key frames only: read through mediabunny at the
   * two ends and at each target (matroska-targets.ts) instead of ffprobe's list of every packet; without cues, by the
   * search on bytes, keeping where each key frame's cluster starts. Null for key mode, and where that cannot give the
   * list's answer (irregular times, a start that is not ffmpeg's).
   */
  private async matroskaTable(stream: StreamInfo): Promise<FrameTable | null> {
    const targetsOf = this.targetsOf;
    if (this.keyOnly || !targetsOf || !isFormat(stream, 'matroska')) return null;
    const found = await matroskaTargetsTable(this.input, targetsOf, await this.headPackets(stream));
    if (found?.clusters) {
      // A SeekHead's positions in the head point elsewhere in a part; ffmpeg checks what it finds there, and goes on.
      const head = this.input.slice(0, found.clusters.clustersAt);
      this.clusterStarts = { starts: found.clusters.starts, head };
    }
    return found?.table ?? null;
  }

  /**
   * A target-driven job's table in MPEG-TS or MPEG-PS, which have no index: ffprobe seeks to a window around each
   * target, as the CLI's `-ss` does there, instead of listing every packet. Null (list every packet) for key mode,
   * for jobs that want frames everywhere, and when the windows cannot give the full table's answer: an interval that
   * changes between the start and the end or around a target (a timestamp jump a window sees), no key frame within
   * MAX_LOOKBACK_SEC, windows covering much of the video. Keeps the key frames' byte positions for the execs.
   */
  private async windowsTable(stream: StreamInfo): Promise<FrameTable | null> {
    const targetsOf = this.targetsOf;
    const ts = isFormat(stream, 'mpegts');
    if (this.keyOnly || !targetsOf || !(ts || isFormat(stream, 'mpeg'))) return null;
    if (stream.claimedEndSec === null) return null;
    // The windows are shared among the decoders (each lists its share in one call, reading the file in parallel);
    // one that failed to load leaves its share to the main decoder, after its own.
    let mainTurn: Promise<unknown> = Promise.resolve();
    const list = async (intervals: string, lane: number) => {
      const extra = lane > 0 ? await this.extras[lane - 1]?.ready : null;
      const decoder = extra ?? this.main;
      const run = () =>
        decoder.probe(windowProbeArgs(String(stream.index), intervals, decoder.inputPath), '/windows.csv');
      if (extra) return run();
      const turn = mainTurn.then(run);
      mainTurn = turn.catch(() => undefined);
      return turn;
    };
    const windowed = await tableFromWindows(
      list,
      {
        claimedEndSec: stream.claimedEndSec,
        formatStartSec: stream.formatStartSec,
        reorder: stream.hasBFrames,
        untimed: !ts,
      },
      targetsOf,
      1 + this.extras.length,
    );
    // An exec starts at a key frame's byte position only in MPEG-TS, at the stream tables before it; in MPEG-PS a
    // stream's index depends on which streams ffmpeg meets first, so an exec there seeks by time.
    this.keyPos = (ts && windowed?.keyPos) || null;
    return windowed?.table ?? null;
  }

  private async decodeTimes(stream: StreamInfo): Promise<FrameTable | null> {
    const main = this.main;
    await main.exec([
      '-loglevel',
      'info',
      '-nostats',
      '-copyts',
      '-i',
      main.inputPath,
      '-map',
      `0:${stream.index}`,
      '-an',
      '-sn',
      '-dn',
      '-vf',
      'scale=16:16,showinfo',
      '-f',
      'null',
      '-',
    ]);
    return buildFrameTable(main.frames);
  }

  async frames(
    req: FrameRequest,
    onFrame: (frame: DecodedFrame) => Promise<void> | void,
    onProgress?: (done: number) => void,
  ): Promise<void> {
    if (!this.probed) throw new Error('frames() called before probe()');
    const { stream, table } = this.probed;
    // Where frames get their times from decode order (AVI, raw streams) and B-frames reorder them, ffmpeg's decoder
    // dates a frame by the packets that follow it: skipping those (-skip_frame nokey) dated a key frame of an MPEG-4
    // AVI one slot after its own, so the exact-pts select lost it. Such key frames are decoded with their neighbours.
    // So is a key frame without a time of its own (MPEG-PS), which the decoder dates from the frame before it.
    const datedByDecodeOrder = isFormat(stream, 'avi') || this.frameTable === 'decode';
    const keyOnly = this.keyOnly && !(datedByDecodeOrder && stream.hasBFrames > 0) && !this.untimedPackets;
    // Each decoder reads the input at its own path (copied or mounted): the context is completed per exec.
    const ctx: Omit<ExtractContext, 'inputPath'> = {
      outputPath: OUTPUT,
      streamIndex: stream.index,
      startSec: table.startSec,
      formatStartSec: stream.formatStartSec,
      placement: req.placement,
      headersSuffice: isFormat(stream, 'avi'),
      keyOnly,
      hdr: stream.hdr,
      interlaced: stream.interlaced,
    };
    const keyTimes = this.keysBefore
      ? await this.keysBefore(req.times)
      : Array.from(table.times.filter((_, i) => table.keys[i] === 1));
    const { width, height } = req.placement.crop;
    const frameBytes = width * height * 4;
    const decoders = 1 + this.extras.length;
    const hardMax = maxExecFrames(frameBytes);
    const execs = planExecs(
      req.times,
      keyTimes,
      keyOnly,
      Math.min(hardMax, balancedExecFrames(req.times.length, decoders)),
      hardMax,
    );
    const progress = new ExecProgress(onProgress);

    await runOrdered<Decoder, RawFrame[]>({
      count: execs.length,
      first: this.main,
      late: this.extras.map(({ ready }) => ready),
      maxAhead: RUN_AHEAD_PER_DECODER * decoders,
      run: async (decoder, i) => {
        const exec = execs[i]!;
        exec.startByte = await this.startByteOf(exec.seekMs);
        // Matroska without cues: the head and the clusters from the key frame's on, where `-ss` finds it at once.
        const from = exec.seekMs > 0 ? this.clusterStarts?.starts.get(exec.seekMs) : undefined;
        const part = from === undefined ? null : partFile(this.input, this.clusterStarts!.head, from);
        const execCtx: ExtractContext = part
          ? { ...ctx, inputPath: await decoder.attachPart(part), formatStartSec: 0, seekTimestamp: true }
          : { ...ctx, inputPath: decoder.inputPath };
        progress.start(decoder, exec.times.length);
        try {
          let got = await decoder.extract(execArgs(exec, execCtx), OUTPUT, frameBytes);
          const seekArgs = execArgs({ ...exec, startByte: undefined }, execCtx);
          // Started at a byte position that did not give every frame (the stream's tables further back than read):
          // seek by time instead. Matching still allows for either dating.
          if (got.length < exec.times.length && exec.startByte !== undefined) {
            const seeked = await decoder.extract(seekArgs, OUTPUT, frameBytes);
            if (seeked.length > got.length) got = seeked;
          }
          // A demuxer whose index is coarse may seek past the first wanted frame: read from the start instead (of
          // the whole file).
          if (got.length < exec.times.length && seekArgs.includes('-ss')) {
            const whole = { ...ctx, inputPath: decoder.inputPath };
            const retry = await decoder.extract(execArgs(exec, whole, true), OUTPUT, frameBytes);
            if (retry.length > got.length) got = retry;
          }
          return got;
        } finally {
          progress.end(decoder, exec.times.length);
          if (part) await decoder.detachPart();
        }
      },
      deliver: async (got, i) => {
        const exec = execs[i]!;
        for (const { absSec, data } of got) {
          const time = matchWantedTime(exec, table.startSec, absSec);
          if (time !== null) await onFrame({ time, width, height, data });
        }
      },
    });
  }

  /**
   * Where an exec decoding from the key frame at `seekMs` can start reading (MPEG-TS, from the windows): at the
   * stream tables just before the key frame's packet, found in the MiB before it. Undefined: seek by time.
   */
  private async startByteOf(seekMs: number): Promise<number | undefined> {
    const pos = seekMs > 0 ? this.keyPos?.get(seekMs) : undefined;
    if (pos === undefined) return undefined;
    const from = Math.max(0, pos - TABLES_SEARCH_BYTES);
    const bytes = await blobReads(this.input).read(from, pos);
    return tableStartBefore(bytes, from, pos) ?? undefined;
  }

  async close(): Promise<void> {
    // Extra decoders may still be loading or attaching: each is released once it is done, in the background, and
    // the next job waits for that before it attaches its own input.
    for (const extra of this.extras) extra.giveBack();
    await this.giveBackMain();
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
