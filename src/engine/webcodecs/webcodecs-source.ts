// One job's frames from WebCodecs: the packets each wanted frame needs are fed to the browser's VideoDecoder (from the
// key frame before it, each packet once, skipping pictures nothing refers to), and the frames come back in time
// order, placed in their cells (frame-placer.ts). A wanted frame the decoder never gives is a DecoderFailure, which
// lets the next decoder take over from there.

import { type EncodedPacket, type Input, type InputVideoTrack } from 'mediabunny';
import type { FrameTableSource, WebCodecsReport } from '../../core/engine-report.js';
import { frameIndexAt, roundMs, type FrameTable } from '../../core/frame-table.js';
import type { VideoSourceInfo } from '../../core/source.js';
import type { PacketIndex, PacketLookup } from '../container-index.js';
import { turnTaker } from '../event-turns.js';
import {
  DecoderFailure,
  type DecodedFrame,
  type FrameRequest,
  type FrameSource,
  type OpenOptions,
  type ProbeResult,
} from '../frame-source.js';
import type { Watch } from '../watchdog.js';
import { keyBeforeIn, planRuns, type DecodeRun } from './decode-plan.js';
import { FramePlacer, type Picture } from './frame-placer.js';
import { isIdr, isNonReference, type NalFraming } from './nal.js';

/**
 * Chunks queued in the decoder at most: enough to keep its threads busy, few enough that frames waiting for the
 * sheet drawer stay a handful (each decoded 1080p frame holds about 3 MB).
 */
const MAX_DECODE_QUEUE = 12;
/** Decoded frames waiting to be drawn at most; decoders hand out only a few frames before they stall. */
const MAX_WAITING_FRAMES = 4;

/** How to tell the H.264 and HEVC pictures nothing refers to, which need no decoding when they are not wanted. */
export interface NalInfo {
  /** The codec, as mediabunny names it. */
  codec: 'avc' | 'hevc';
  /** How its NAL units are delimited. */
  framing: NalFraming;
  /** HEVC: the highest temporal sub-layer, whose pictures no other refers to (0 otherwise). */
  topTemporalId: number;
}

/** The packets a job's frames are found among, by decode-order number (their index, or mediabunny's sample number). */
export interface DecodeOrder {
  /** Presentation time, s, of packet `i` (any packet a frame of the table or its run starts at). */
  readonly pts: (i: number) => number;
  /** Decode-order number of the key packet at or before packet `i`, where its run starts. */
  readonly keyBefore: (i: number) => number;
  /**
   * The numbers are mediabunny's own (byte positions in MPEG-TS and Matroska, which skip), not packets counted from
   * the first: a run then ends at the packet numbered `to`, however many packets come before it.
   */
  readonly sequence?: true;
}

/** The decode order of every packet of a track, from its full list. */
export function packetOrder(packets: PacketIndex): DecodeOrder {
  return { pts: (i) => packets.pts[i]!, keyBefore: keyBeforeIn(packets.key) };
}

/** What opening a file learned (webcodecs-decoder.ts): the track, how to decode it, and its frames. */
export interface OpenedTrack {
  /** The lookups the table was read with, which number its packets: the decoder walks the same. */
  lookup: () => PacketLookup;
  /** The demuxer over the input (disposed when the source is closed). */
  input: Input;
  /** The video track. */
  track: InputVideoTrack;
  /** The decoder configuration the browser accepted. */
  config: VideoDecoderConfig;
  /** Set for H.264 and HEVC. */
  framing: NalInfo | null;
  /** The packets the job's frames and their runs are among, by decode-order number. */
  order: DecodeOrder;
  /** Decode-order number of each frame of the table (same index as `table.times`). */
  packetOf: Int32Array | Float64Array;
  /** Index of the first packet whose data is missing (a cut file); the packet count when none is. */
  readable: number;
  /** The frames of the video. */
  table: FrameTable;
  /** The stream facts. */
  facts: VideoSourceInfo;
  /** Where the header says the video ends, when the file stops before that (ms); else null. */
  truncatedFromMs: number | null;
  /** How the frame table was read. */
  frameTable: FrameTableSource;
  /** Why WebCodecs runs the job. */
  reason: string;
}

/** The chunk WebCodecs decodes, with the packet's time in whole µs (the timestamp its frame comes back with). */
function chunkOf(packet: EncodedPacket): EncodedVideoChunk {
  return new EncodedVideoChunk({ type: packet.type, timestamp: Math.round(packet.timestamp * 1e6), data: packet.data });
}

/** A {@link FrameSource} over mediabunny and the browser's VideoDecoder. */
export class WebCodecsSource implements FrameSource {
  private readonly sink: PacketLookup;
  private readonly keyOnly: boolean;
  private readonly watch: Watch;
  /** Packets fed to the decoder so far. */
  private decoded = 0;

  constructor(
    private readonly track: OpenedTrack,
    options: Pick<OpenOptions, 'keyOnly' | 'watch'>,
  ) {
    this.sink = track.lookup();
    this.keyOnly = options.keyOnly;
    this.watch = options.watch;
  }

  report(): WebCodecsReport {
    return {
      used: 'webcodecs',
      reason: this.track.reason,
      fallback: null,
      decoded: this.decoded,
      frameTable: this.track.frameTable,
    };
  }

  probe(): Promise<ProbeResult> {
    return Promise.resolve({
      table: this.track.table,
      source: this.track.facts,
      truncatedFromMs: this.track.truncatedFromMs,
    });
  }

  async frames(
    req: FrameRequest,
    onFrame: (frame: DecodedFrame) => Promise<void> | void,
    onProgress?: (done: number) => void,
  ): Promise<void> {
    const { order, packetOf, readable, table } = this.track;
    const wanted = req.times
      .map((t) => frameIndexAt(table, t))
      .filter((j) => j >= 0)
      .map((j) => packetOf[j]!)
      .filter((i) => i < readable);
    const byTimestamp = new Map(
      wanted.map((i) => [Math.round(order.pts(i) * 1e6), roundMs((order.pts(i) - table.startSec) * 1000)]),
    );
    const expected = [...byTimestamp.values()].sort((a, b) => a - b);
    const runs: DecodeRun[] = this.keyOnly
      ? wanted.map((i) => ({ from: i, to: i }))
      : planRuns(order.keyBefore, wanted);
    const placer = new FramePlacer(req.placement, this.track.facts);
    const delivery = new Delivery(expected, (frame) => placer.place(frame), onFrame, onProgress);
    const watch = this.watch;
    watch.stage('decode');
    const decoder = new VideoDecoder({
      output: (frame) => {
        watch.alive();
        delivery.take(frame, byTimestamp.get(frame.timestamp));
      },
      error: (e) =>
        delivery.fail(
          new DecoderFailure('WebCodecs', `the browser's decoder failed: ${e.message}`, delivery.nextExpected()),
        ),
    });
    decoder.addEventListener('dequeue', () => {
      watch.alive();
      delivery.wake();
    });
    // configure() and decode() throw at once on what the decoder refuses (a chunk flagged key by the container that
    // is no key frame to the browser): as much a decoder failure as one reported later.
    const refused = (e: unknown) =>
      delivery.fail(
        new DecoderFailure(
          'WebCodecs',
          `the browser's decoder refused the video: ${e instanceof Error ? e.message : String(e)}`,
          delivery.nextExpected(),
        ),
      );
    try {
      try {
        decoder.configure(this.track.config);
      } catch (e) {
        refused(e);
      }
      const wantedSet = new Set(wanted);
      const turn = turnTaker();
      let previous: DecodeRun | null = null;
      for (const run of runs) {
        let packet = await this.sink.getPacket(order.pts(run.from));
        // A run that does not follow on from the last starts the decoder afresh, as a seek does: nothing of the
        // skipped stretch lingers as a reference, and the browser checks that the run really starts at a key frame.
        // Key frames alone need no such care (each decodes by itself), and neither does an IDR picture, which clears
        // every reference itself: a flush would empty the decoder's pipeline at each run (a fifth of the time of
        // 300 exact tiles of a 4 s GOP file, measured 2026-12-05), and stop it from working on several at once.
        if (previous && run.from > previous.to + 1 && !this.keyOnly && !(packet && this.startsAfresh(packet)))
          void decoder.flush().catch((e: unknown) => delivery.stopped() || refused(e));
        previous = run;
        for (let counted = run.from; packet; counted++) {
          await turn();
          const i = order.sequence ? packet.sequenceNumber : counted;
          if (i > run.to || delivery.stopped()) break;
          if (wantedSet.has(i) || !this.disposable(packet)) {
            await delivery.room(() => decoder.decodeQueueSize < MAX_DECODE_QUEUE);
            if (delivery.stopped()) break;
            try {
              decoder.decode(chunkOf(packet));
            } catch (e) {
              refused(e);
              break;
            }
            this.decoded++;
          }
          if (i >= run.to) break;
          packet = await this.sink.getNextPacket(packet);
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
      placer.close();
    }
  }

  /** An H.264 or HEVC IDR picture, verified in the packet's own NAL units (a container's key flag may say less). */
  private startsAfresh(packet: EncodedPacket): boolean {
    const nal = this.track.framing;
    return nal !== null && packet.type === 'key' && isIdr(nal.codec, packet.data, nal.framing);
  }

  /** A packet nothing later refers to, which the decoder may skip when it is not wanted. */
  private disposable(packet: EncodedPacket): boolean {
    const nal = this.track.framing;
    if (!nal || packet.type === 'key') return false;
    return isNonReference(nal.codec, packet.data, nal.framing, nal.topTemporalId);
  }

  close(): Promise<void> {
    this.track.input.dispose();
    return Promise.resolve();
  }
}

/**
 * Hands decoded frames to the job in time order, one at a time, and notices a wanted frame the decoder never gave:
 * decoders output in presentation order, so a later wanted frame arriving first means the earlier one is lost.
 */
class Delivery {
  private readonly waiting: Picture[] = [];
  private next = 0;
  private done = 0;
  private running: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;
  private wakers: (() => void)[] = [];

  constructor(
    private readonly expected: readonly number[],
    /** Places a decoded picture in its cell (and closes it). */
    private readonly prepare: (picture: Picture) => Promise<DecodedFrame>,
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
      this.fail(
        new DecoderFailure(
          'WebCodecs',
          `the browser's decoder gave no frame at ${this.nextExpected()} ms`,
          this.nextExpected(),
        ),
      );
      return;
    }
    this.next++;
    this.waiting.push({ time, frame });
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
    this.failure ??= { error };
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
    if (this.failure !== null) throw this.failure.error;
    if (this.next < this.expected.length) {
      throw new DecoderFailure(
        'WebCodecs',
        `the browser's decoder gave no frame at ${this.nextExpected()} ms`,
        this.nextExpected(),
      );
    }
  }

  closeWaiting(): void {
    for (const picture of this.waiting.splice(0)) picture.frame.close();
  }
}
