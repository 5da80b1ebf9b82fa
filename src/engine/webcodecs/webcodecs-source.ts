// The WebCodecs frame source: mediabunny reads the container (only the index and the packets asked for, from Blob
// slices or HTTP ranges) and the browser's own VideoDecoder decodes, usually far faster than ffmpeg.wasm.

import {
  BlobSource,
  CustomSource,
  EncodedPacketSink,
  Input,
  MATROSKA,
  MP4,
  MPEG_TS,
  QTFF,
  UnsupportedInputFormatError,
  WEBM,
  type EncodedPacket,
  type InputVideoTrack,
} from 'mediabunny';
import type { EngineReport, FrameTableSource } from '../../core/engine-report.js';
import { SpriteError } from '../../core/errors.js';
import { buildFrameTable, roundMs, type FrameTable, type TimedFrame } from '../../core/frame-table.js';
import type { VideoSourceInfo } from '../../core/source.js';
import type { FramePlacement } from '../../core/geometry.js';
import type { DecodedFrame, FrameRequest, FrameSource, NativeFrame, OpenOptions, PlacedFrame, ProbeResult } from '../frame-source.js';
import { firstUnreadable, listPackets, type PacketIndex } from '../container-index.js';
import { readRange, type EngineInput } from '../input.js';
import type { Watch } from '../watchdog.js';
import { chooseSar } from './aspect.js';
import { planRuns, type DecodeRun } from './decode-plan.js';
import { findSps, spsSar } from './h264-sps.js';
import { hevcTopTemporalId, isNonReference, nalFraming, type NalFraming } from './nal.js';
import { isYuvFormat, yuvMatrix, YuvPlacer } from './yuv-place.js';

/** The containers mediabunny demuxes that carry video WebCodecs can decode; the rest go to ffmpeg.wasm. */
const FORMATS = [MP4, QTFF, MATROSKA, WEBM, MPEG_TS];
/** mediabunny's codec names, as ffmpeg names them (what the manifest and messages say). */
const CODEC_NAMES: Record<string, string> = { avc: 'h264', hevc: 'hevc', vp8: 'vp8', vp9: 'vp9', av1: 'av1', prores: 'prores' };
/**
 * Chunks queued in the decoder at most: enough to keep its threads busy, few enough that frames waiting for the
 * sheet drawer stay a handful (each decoded 1080p frame holds about 3 MB).
 */
const MAX_DECODE_QUEUE = 12;
/** Decoded frames waiting to be drawn at most; decoders hand out only a few frames before they stall. */
const MAX_WAITING_FRAMES = 4;
/** Bytes of a URL input mediabunny may keep cached: its reads are small (index, packets), not the whole file. */
const URL_CACHE_BYTES = 64 * 1024 * 1024;

/** WebCodecs could not produce a wanted frame: ffmpeg.wasm can take over from `fromMs` on. */
export class DecoderFailure extends Error {
  constructor(
    message: string,
    /** The first wanted frame not delivered, ms from the first frame. */
    readonly fromMs: number,
  ) {
    super(message);
  }
}

/** Why WebCodecs does not take a file, and the error to give when it was forced to. */
export interface Declined {
  /** In words, for the report and messages. */
  reason: string;
  /** The typed error when `engine: 'webcodecs'` was asked for, or when {@link Declined.final}. */
  error: SpriteError;
  /** The container itself rules the file out, for every decoder: ffmpeg.wasm need not be loaded to say so. */
  final: boolean;
}

function declined(reason: string, code: 'NOT_A_VIDEO' | 'UNSUPPORTED_CODEC' | 'NO_VIDEO_STREAM' | 'DECODE_FAILED'): Declined {
  return { reason, error: new SpriteError(code, `WebCodecs cannot take this file: ${reason}.`, { details: { engine: 'webcodecs' } }), final: false };
}

/**
 * Containers whose track list mediabunny reads whole, so that "no video track" is the file's truth and not a gap in
 * the demuxer. MPEG-TS is not one: mediabunny leaves out the streams it does not know (MPEG-2 video), which ffmpeg
 * decodes.
 */
const COMPLETE_TRACK_LISTS = new Set([MP4, QTFF, MATROSKA, WEBM]);

/**
 * Matroska video codec IDs ffmpeg knows, by the families of the Matroska codec registry (it matches IDs by prefix
 * too). An ID outside all of them names a codec no decoder here has.
 */
const MATROSKA_VIDEO_FAMILIES = ['V_AV1', 'V_AVS', 'V_DIRAC', 'V_FFV1', 'V_MJPEG', 'V_MPEG', 'V_MS/', 'V_PRORES', 'V_QUICKTIME', 'V_REAL/', 'V_SNOW', 'V_THEORA', 'V_UNCOMPRESSED', 'V_VP8', 'V_VP9'];

/** A verdict from the container alone, the same for every decoder: the job fails at once with it. */
function ruledOut(reason: string, error: SpriteError): Declined {
  return { reason, error, final: true };
}

/** The chunk WebCodecs decodes, with the packet's time in whole µs (the timestamp its frame comes back with). */
function chunkOf(packet: EncodedPacket): EncodedVideoChunk {
  return new EncodedVideoChunk({ type: packet.type, timestamp: Math.round(packet.timestamp * 1e6), data: packet.data });
}

/** The frames of a probed track, how to find them by time, and how to decode them. */
interface Probed {
  table: FrameTable;
  packets: PacketIndex;
  /** Decode-order index of each frame, by its time in the table (ms from the first frame). */
  indexOf: Map<number, number>;
  /** Index of the first packet whose data is missing (a cut file); the packet count when none is. */
  readable: number;
}

/** A {@link FrameSource} over mediabunny and the browser's VideoDecoder. */
export class WebCodecsSource implements FrameSource {
  readonly report: EngineReport;
  private readonly sink: EncodedPacketSink;
  private readonly placer = new FramePlacer();

  private constructor(
    private readonly input: Input,
    track: InputVideoTrack,
    private readonly config: VideoDecoderConfig,
    private readonly codec: string,
    private readonly framing: NalFraming | null,
    private readonly topTemporalId: number,
    private readonly probed: Probed,
    private readonly facts: VideoSourceInfo,
    private readonly truncatedFromMs: number | null,
    private readonly keyOnly: boolean,
    private readonly watch: Watch,
    frameTable: FrameTableSource,
  ) {
    this.sink = new EncodedPacketSink(track);
    this.report = { used: 'webcodecs', reason: `the browser decodes ${facts.codec} natively (WebCodecs)`, fallback: null, decoded: 0, frameTable };
  }

  /**
   * Opens `input` (a Blob, or an absolute URL read with Range requests) and lists its frames from the container's
   * index. Declines, with the reason, what WebCodecs cannot serve exactly: a container mediabunny does not read, a
   * codec the browser cannot decode, a file cut short (`strict`: ffmpeg.wasm recovers more of those).
   */
  static async open(input: EngineInput, options: OpenOptions & { strict: boolean }): Promise<WebCodecsSource | Declined> {
    options.watch.stage('probe');
    const source =
      input instanceof Blob
        ? new BlobSource(input)
        : // Bounded ranges, fetched as mediabunny asks: the index, then the packets of the frames a job needs.
          new CustomSource({ getSize: () => input.size, read: (start, end) => readRange(input, start, end, options.watch), maxCacheSize: URL_CACHE_BYTES, prefetchProfile: 'network' });
    const demuxed = new Input({ source, formats: FORMATS });
    try {
      const result = await WebCodecsSource.inspect(demuxed, options);
      if (!(result instanceof WebCodecsSource)) demuxed.dispose();
      return result;
    } catch (e) {
      demuxed.dispose();
      if (e instanceof UnsupportedInputFormatError) return declined('its container is not one WebCodecs is fed from here (MP4, MOV, WebM, Matroska, MPEG-TS)', 'NOT_A_VIDEO');
      if (e instanceof SpriteError) throw e;
      return declined(`the container could not be read (${e instanceof Error ? e.message : String(e)})`, 'NOT_A_VIDEO');
    }
  }

  private static async inspect(demuxed: Input, options: OpenOptions & { strict: boolean }): Promise<WebCodecsSource | Declined> {
    const format = await demuxed.getFormat();
    const isobmff = format === MP4 || format === QTFF;
    const track = await demuxed.getPrimaryVideoTrack();
    if (!track) {
      if (!COMPLETE_TRACK_LISTS.has(format)) return declined('the file has no video track it can read', 'NO_VIDEO_STREAM');
      const kinds = [...new Set((await demuxed.getTracks()).map((t) => t.type))];
      return ruledOut(
        'the container lists no video track',
        new SpriteError('NO_VIDEO_STREAM', `The file has no video stream${kinds.length ? ` (only ${kinds.join(', ')})` : ''}: there is nothing to take frames from.`, {
          details: { streams: kinds, from: 'container' },
        }),
      );
    }
    const codec = await track.getCodec();
    const given = await track.getDecoderConfig();
    if (!codec || !given) {
      const id = format === MATROSKA || format === WEBM ? await track.getInternalCodecId() : null;
      if (typeof id === 'string' && !MATROSKA_VIDEO_FAMILIES.some((family) => id.startsWith(family))) {
        return ruledOut(
          `its video codec ID ${id} is none the Matroska registry defines`,
          new SpriteError('UNSUPPORTED_CODEC', `The video's codec (${id}) is not one any decoder here knows.`, { details: { codec: id, from: 'container' } }),
        );
      }
      return declined('its video codec is not one WebCodecs decodes', 'UNSUPPORTED_CODEC');
    }
    // An MP4 or MOV index says where every frame's bytes are (and listing it reads no frame data): when not even the
    // first frame's are in the file, no decoder can show anything. Checked before the browser's decoder is asked, so
    // that it is said at once in a browser that cannot decode the codec too. (Other containers are walked packet by
    // packet, later; ffmpeg may resync past damage that stops that walk.)
    let indexed: Awaited<ReturnType<typeof listPackets>> | null = null;
    if (isobmff) {
      const packets = await listPackets(new EncodedPacketSink(track));
      // The first packet only (near the index): where the rest stops is found later, if WebCodecs takes the file.
      const first = { pts: packets.pts.subarray(0, 1), key: packets.key.subarray(0, 1), duration: packets.duration.subarray(0, 1) };
      if (packets.pts.length > 0 && (await firstUnreadable(new EncodedPacketSink(track), first)) === 0) {
        return ruledOut(
          'the data of its first frame is not in the file',
          new SpriteError('DECODE_FAILED', 'No video frame could be read from the file: its index lists frames whose data is not there (the file was cut short before its first frame).', {
            details: { planned: packets.pts.length, from: 'container' },
          }),
        );
      }
      indexed = packets;
    }
    // Only now: what the container rules out is said at once even where WebCodecs is missing.
    if (typeof VideoDecoder === 'undefined') return declined('this browser has no WebCodecs VideoDecoder here (it needs a secure context: https or localhost)', 'UNSUPPORTED_CODEC');
    const config = decoderConfig(given);
    const support = await VideoDecoder.isConfigSupported(config).catch(() => ({ supported: false }));
    if (!support.supported) return declined(`this browser has no decoder for ${config.codec}`, 'UNSUPPORTED_CODEC');

    const packets = indexed ?? (await listPackets(new EncodedPacketSink(track)));
    if (packets.pts.length === 0) return declined('the video track has no frames', 'DECODE_FAILED');
    const readable = await firstUnreadable(new EncodedPacketSink(track), packets);
    const probed = frameTable(packets, readable, isobmff);
    if (!probed) return declined('no frame of the video track can be read', 'DECODE_FAILED');
    const claimedMs = await claimedDuration(track, packets, probed.table);
    const cut = claimedMs !== null && claimedMs > probed.table.durationMs + Math.max(probed.table.frameIntervalMs, 1);
    // A cut Matroska file loses its whole last cluster here, where ffmpeg.wasm still shows its frames.
    if (cut && options.strict) return declined('the file ends before its header says it should; ffmpeg.wasm recovers more of such files', 'DECODE_FAILED');

    const codedWidth = await track.getCodedWidth();
    const codedHeight = await track.getCodedHeight();
    const description = given.description ? toBytes(given.description) : undefined;
    const framing = codec === 'avc' || codec === 'hevc' ? nalFraming(codec, description) : null;
    const codecSar = codec === 'avc' && framing ? await avcSar(track, description, framing) : null;
    const facts: VideoSourceInfo = {
      codedWidth,
      codedHeight,
      sar: chooseSar(codedWidth, codedHeight, await track.getPixelAspectRatio(), codecSar),
      rotation: await track.getRotation(),
      startTimeMs: roundMs(probed.table.startSec * 1000),
      durationMs: probed.table.durationMs,
      frameIntervalMs: probed.table.frameIntervalMs,
      codec: CODEC_NAMES[codec] ?? codec,
    };
    // MP4 and MOV list every sample in their index; other containers are walked packet by packet (headers only).
    const tableSource: FrameTableSource = isobmff ? 'index' : 'packets';
    return new WebCodecsSource(demuxed, track, config, codec, framing, codec === 'hevc' ? hevcTopTemporalId(description) : 0, probed, facts, cut ? claimedMs : null, options.keyOnly, options.watch, tableSource);
  }

  async probe(): Promise<ProbeResult> {
    return { table: this.probed.table, source: this.facts, truncatedFromMs: this.truncatedFromMs };
  }

  async frames(req: FrameRequest, onFrame: (frame: DecodedFrame) => Promise<void> | void, onProgress?: (done: number) => void): Promise<void> {
    const { packets, indexOf, readable } = this.probed;
    const wanted = req.times.map((t) => indexOf.get(t)).filter((i): i is number => i !== undefined && i < readable);
    const byTimestamp = new Map(wanted.map((i) => [Math.round(packets.pts[i]! * 1e6), roundMs((packets.pts[i]! - this.probed.table.startSec) * 1000)]));
    const expected = [...byTimestamp.values()].sort((a, b) => a - b);
    const runs: DecodeRun[] = this.keyOnly ? wanted.map((i) => ({ from: i, to: i })) : planRuns(packets.key, wanted);
    const delivery = new Delivery(expected, this.facts.rotation, (frame) => this.placer.place(frame, req.placement), onFrame, onProgress);
    const watch = this.watch;
    watch.stage('decode');
    const decoder = new VideoDecoder({
      output: (frame) => {
        watch.alive();
        delivery.take(frame, byTimestamp.get(frame.timestamp));
      },
      error: (e) => delivery.fail(new DecoderFailure(`the browser's decoder failed: ${e.message}`, delivery.nextExpected())),
    });
    decoder.addEventListener('dequeue', () => {
      watch.alive();
      delivery.wake();
    });
    // configure() and decode() throw at once on what the decoder refuses (a chunk flagged key by the container that
    // is no key frame to the browser): as much a decoder failure as one reported later.
    const refused = (e: unknown) => delivery.fail(new DecoderFailure(`the browser's decoder refused the video: ${e instanceof Error ? e.message : String(e)}`, delivery.nextExpected()));
    try {
      try {
        decoder.configure(this.config);
      } catch (e) {
        refused(e);
      }
      const wantedSet = new Set(wanted);
      let previous: DecodeRun | null = null;
      for (const run of runs) {
        // A run that does not follow on from the last starts the decoder afresh, as a seek does: nothing of the
        // skipped stretch lingers as a reference, and the browser checks that the run really starts at a key frame.
        // Key frames alone need no such care (each decodes by itself), and flushing between them would stop the
        // decoder from working on several at once.
        if (previous && run.from > previous.to + 1 && !this.keyOnly) void decoder.flush().catch((e: unknown) => delivery.stopped() || refused(e));
        previous = run;
        let packet = await this.sink.getPacket(packets.pts[run.from]!);
        for (let i = run.from; i <= run.to && packet; i++) {
          if (delivery.stopped()) break;
          if (wantedSet.has(i) || !this.disposable(packet)) {
            await delivery.room(() => decoder.decodeQueueSize < MAX_DECODE_QUEUE);
            if (delivery.stopped()) break;
            try {
              decoder.decode(chunkOf(packet));
            } catch (e) {
              refused(e);
              break;
            }
            this.report.decoded!++;
          }
          if (i < run.to) packet = await this.sink.getNextPacket(packet);
        }
        if (delivery.stopped()) break;
      }
      watch.stage('flush');
      if (!delivery.stopped()) await decoder.flush().catch((e: unknown) => delivery.stopped() || refused(e));
      watch.stage('decode');
      await delivery.drained();
    } finally {
      if (decoder.state !== 'closed') decoder.close();
      delivery.closeWaiting();
    }
  }

  /** A packet nothing later refers to, which the decoder may skip when it is not wanted. */
  private disposable(packet: EncodedPacket): boolean {
    if (!this.framing || packet.type === 'key') return false;
    return isNonReference(this.codec as 'avc' | 'hevc', packet.data, this.framing, this.topTemporalId);
  }

  async close(): Promise<void> {
    this.input.dispose();
  }
}

/**
 * Hands decoded frames to the job in time order, one at a time, and notices a wanted frame the decoder never gave:
 * decoders output in presentation order, so a later wanted frame arriving first means the earlier one is lost.
 */
class Delivery {
  private readonly waiting: NativeFrame[] = [];
  private next = 0;
  private done = 0;
  private running: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private wakers: (() => void)[] = [];

  constructor(
    private readonly expected: readonly number[],
    private readonly rotation: 0 | 90 | 180 | 270,
    /** Turns a decoded picture into what the sheet drawer takes (placed pixels where it can). */
    private readonly prepare: (frame: NativeFrame) => Promise<DecodedFrame>,
    private readonly onFrame: (frame: DecodedFrame) => Promise<void> | void,
    private readonly onProgress: ((done: number) => void) | undefined,
  ) {}

  /** The first wanted time not handed over yet (where another decoder would have to start). */
  nextExpected(): number {
    return this.expected[this.next] ?? Infinity;
  }

  stopped(): boolean {
    return this.failure !== null;
  }

  /** A frame from the decoder: handed on when it is the next wanted one, closed otherwise. */
  take(frame: VideoFrame, time: number | undefined): void {
    if (this.failure !== null || time === undefined || time < this.nextExpected()) {
      frame.close();
      return;
    }
    if (time !== this.nextExpected()) {
      frame.close();
      this.fail(new DecoderFailure(`the browser's decoder gave no frame at ${this.nextExpected()} ms`, this.nextExpected()));
      return;
    }
    this.next++;
    this.waiting.push({ kind: 'native', time, frame, rotation: this.rotation });
    this.running = this.running.then(() => this.pump());
  }

  private async pump(): Promise<void> {
    while (this.waiting.length > 0 && this.failure === null) {
      const frame = this.waiting.shift()!;
      try {
        await this.onFrame(await this.prepare(frame));
      } catch (e) {
        // The job's own failure (a sheet that cannot be encoded…): not the decoder's, so no other decoder takes over.
        this.fail(e);
        return;
      }
      this.onProgress?.(++this.done);
      this.wake();
    }
  }

  fail(error: unknown): void {
    this.failure ??= error;
    this.wake();
  }

  wake(): void {
    this.wakers.splice(0).forEach((resolve) => resolve());
  }

  /** Waits until `free()` holds and few decoded frames wait, or the delivery stopped. */
  async room(free: () => boolean): Promise<void> {
    while (this.failure === null && !(free() && this.waiting.length < MAX_WAITING_FRAMES)) {
      await new Promise<void>((resolve) => this.wakers.push(resolve));
    }
  }

  /** Resolves once every frame has been handed on; rejects with the failure, or for a wanted frame never decoded. */
  async drained(): Promise<void> {
    await this.running;
    if (this.failure !== null) throw this.failure;
    if (this.next < this.expected.length) {
      throw new DecoderFailure(`the browser's decoder gave no frame at ${this.nextExpected()} ms`, this.nextExpected());
    }
  }

  closeWaiting(): void {
    for (const frame of this.waiting.splice(0)) frame.frame.close();
  }
}

/**
 * Places decoded pictures in their cells from their YUV planes (see yuv-place.ts for why not through a canvas),
 * closing each at once; a picture in a format or colour space not handled there goes on as it is, for the canvas.
 */
class FramePlacer {
  private readonly placer = new YuvPlacer();
  /** The copied planes of one picture, reused: pictures are placed one at a time. */
  private buffer = new Uint8Array(0);

  async place(native: NativeFrame, placement: FramePlacement): Promise<DecodedFrame> {
    const { frame } = native;
    const { format, visibleRect: rect } = frame;
    const matrix = yuvMatrix(frame.colorSpace.matrix, frame.colorSpace.fullRange);
    if (!isYuvFormat(format) || !matrix || !rect) return native;
    const size = frame.allocationSize();
    if (this.buffer.length < size) this.buffer = new Uint8Array(size);
    let layout: PlaneLayout[];
    try {
      layout = await frame.copyTo(this.buffer);
    } catch {
      // A picture the browser will not copy out (a GPU frame it cannot read back): the canvas can still draw it.
      return native;
    }
    frame.close();
    const picture = { format, width: rect.width, height: rect.height, data: this.buffer, layout };
    const { width, height } = placement.crop;
    return { kind: 'placed', time: native.time, width, height, data: this.placer.place(picture, matrix, placement, native.rotation) } satisfies PlacedFrame;
  }
}

/** The decoder configuration for our drawing: no display aspect (we stretch by the SAR ourselves), colour complete. */
function decoderConfig(given: VideoDecoderConfig): VideoDecoderConfig {
  const { displayAspectWidth: _w, displayAspectHeight: _h, ...config } = given;
  const colour = config.colorSpace ?? {};
  return {
    ...config,
    // An untagged stream is BT.601 limited range to ffmpeg's scaler; Chromium would otherwise assume BT.709.
    colorSpace: {
      matrix: colour.matrix ?? 'smpte170m',
      primaries: colour.primaries ?? 'smpte170m',
      transfer: colour.transfer ?? 'smpte170m',
      fullRange: colour.fullRange ?? false,
    },
  };
}

function toBytes(source: AllowSharedBufferSource): Uint8Array {
  return source instanceof Uint8Array ? source : ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : new Uint8Array(source);
}

/** The SAR the H.264 stream's SPS declares: from avcC, or from the first key packet (MPEG-TS carries it in-band). */
async function avcSar(track: InputVideoTrack, avcC: Uint8Array | undefined, framing: NalFraming): Promise<[number, number] | null> {
  const sps = avcC ? findSps({ avcC }) : await new EncodedPacketSink(track).getFirstKeyPacket().then((p) => (p ? findSps({ unit: p.data, framing }) : null), () => null);
  return sps ? spsSar(sps) : null;
}

/**
 * The frame table of the readable packets. In MP4 and MOV, frames before an edit list's start have negative times:
 * they are decoded (later frames refer to them) but never shown, so they are not frames of the video.
 */
function frameTable(packets: PacketIndex & { duration: Float64Array }, readable: number, isobmff: boolean): Probed | null {
  const rows: (TimedFrame & { index: number })[] = [];
  for (let i = 0; i < readable; i++) {
    if (isobmff && packets.pts[i]! < 0) continue;
    rows.push({ pts: packets.pts[i]!, key: packets.key[i] === 1, index: i });
  }
  const table = buildFrameTable(rows);
  if (!table) return null;
  const indexOf = new Map<number, number>();
  for (const row of rows) indexOf.set(roundMs((row.pts! - table.startSec) * 1000), row.index);
  return { table, packets, indexOf, readable };
}

/**
 * Where the video track's header says it ends, ms from the first frame; null when it does not say. (The audio may
 * run longer: only the video counts, SPEC §3.)
 */
async function claimedDuration(track: InputVideoTrack, packets: PacketIndex & { duration: Float64Array }, table: FrameTable): Promise<number | null> {
  let end = -Infinity;
  for (let i = 0; i < packets.pts.length; i++) end = Math.max(end, packets.pts[i]! + packets.duration[i]!);
  const metadata = await track.getDurationFromMetadata().catch(() => null);
  const claimed = Math.max(end, metadata ?? -Infinity);
  return Number.isFinite(claimed) ? (claimed - table.startSec) * 1000 : null;
}
