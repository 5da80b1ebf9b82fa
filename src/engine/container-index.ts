// The video track's packets from a container's own index, through mediabunny: every packet's time and key flag
// without reading packet data, and where a cut file's data stops; or, for a job with targets, only the frames it
// needs (an MP4 or MOV's sample table, or the two ends and a lookup per target in a file without one). Both decoders
// use it: WebCodecs for everything it decodes, ffmpeg.wasm for MP4 and MOV files whose codec the browser cannot
// decode (instead of ffprobe's packet list, which reads the whole file).

import {
  MATROSKA,
  WEBM,
  type EncodedPacket,
  type EncodedPacketSink,
  type InputFormat,
  type InputVideoTrack,
} from 'mediabunny';
import { SpriteError } from '../core/errors.js';
import { indexFrames, roundMs, type IndexedFrameTable } from '../core/frame-table.js';
import { turnTaker } from './event-turns.js';
import { readBytes, type EngineInput } from './input.js';
import { ClustersUnreadable, ClusterSearch } from './matroska-clusters.js';
import { MATROSKA_HEAD_BYTES, readMatroskaHead } from './matroska-head.js';
import type { Watch } from './watchdog.js';

/**
 * The lookups by time and in decode order that the frame tables and the decoder make: mediabunny's sink, or for
 * Matroska without cues the search on bytes of matroska-clusters.ts.
 */
export type PacketLookup = Pick<EncodedPacketSink, 'getFirstPacket' | 'getPacket' | 'getKeyPacket' | 'getNextPacket'>;

/**
 * The lookups of {@link PacketLookup} and the key packets in decode order: mediabunny's sink, or an MP4 or MOV's sample
 * table read by mp4-sample-table.ts.
 */
export type KeyLookup = PacketLookup & Pick<EncodedPacketSink, 'getFirstKeyPacket' | 'getNextKeyPacket'>;

/** Every packet of the track in decode order, as typed arrays: a two-hour film has hundreds of thousands. */
export interface PacketIndex {
  /** Presentation time, s. */
  pts: Float64Array;
  /** 1 for a key packet. */
  key: Uint8Array;
  /** Duration, s. */
  duration: Float64Array;
}

/** Every packet's time and key flag in decode order, from the container's index (no packet data is read). */
export async function listPackets(sink: EncodedPacketSink): Promise<PacketIndex> {
  const pts: number[] = [];
  const key: number[] = [];
  const duration: number[] = [];
  // The iterator reads ahead; one await per packet still dominates (a 2-hour film has 216 000 of them).
  const turn = turnTaker();
  for await (const p of sink.packets(undefined, undefined, { metadataOnly: true })) {
    await turn();
    pts.push(p.timestamp);
    key.push(p.type === 'key' ? 1 : 0);
    duration.push(p.duration);
  }
  return { pts: Float64Array.from(pts), key: Uint8Array.from(key), duration: Float64Array.from(duration) };
}

/**
 * The decode-order index of the first packet whose data is gone (an index that promises more than the file holds: a
 * cut download); the packet count when the last one reads. A binary search: a handful of small reads near the cut.
 */
export async function firstUnreadable(sink: PacketLookup, packets: PacketIndex): Promise<number> {
  const n = packets.pts.length;
  // A packet whose bytes are not in the file is the cut; a remote read that failed is not, and ends the job.
  const gone = (e: unknown): null => {
    if (e instanceof SpriteError) throw e;
    return null;
  };
  const byTime = async (i: number) => {
    const packet = await sink.getPacket(packets.pts[i]!).catch(gone);
    return packet && packet.timestamp === packets.pts[i] ? packet : null;
  };
  const packetAt = async (i: number): Promise<EncodedPacket | null> => {
    const direct = await byTime(i);
    if (direct || i === 0) return direct;
    // mediabunny finds no packet by the time of a zero-length last sample; its predecessor's next one is it.
    const before = await byTime(i - 1);
    return before ? sink.getNextPacket(before).catch(gone) : null;
  };
  const readable = async (i: number) => (await packetAt(i)) !== null;
  if (await readable(n - 1)) return n;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (await readable(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The decode-order indices of the packets that are frames of the video, among the first `readable`: in MP4 and MOV,
 * packets before an edit list's start have negative times (decoded, since later frames refer to them, but never
 * shown); ffprobe flags the same packets discard. Other containers show every packet.
 */
export function shownIndices(packets: PacketIndex, readable: number, isobmff: boolean): Int32Array {
  const shown = new Int32Array(readable);
  let n = 0;
  for (let i = 0; i < readable; i++) if (!(isobmff && packets.pts[i]! < 0)) shown[n++] = i;
  return shown.subarray(0, n);
}

/** The frame table of the shown packets (see {@link shownIndices}), with each frame's decode-order packet index. */
export function packetFrames(packets: PacketIndex, readable: number, isobmff: boolean): IndexedFrameTable | null {
  const shown = shownIndices(packets, readable, isobmff);
  const indexed = indexFrames(
    shown.length,
    (j) => packets.pts[shown[j]!]!,
    (j) => packets.key[shown[j]!] === 1,
  );
  if (!indexed) return null;
  // From positions among the shown packets to positions among all packets.
  for (let i = 0; i < indexed.source.length; i++) indexed.source[i] = shown[indexed.source[i]!]!;
  return indexed;
}

/** Key frames alone, from a sample table's sync-sample list, and what the frame table needs of the other frames. */
export interface KeyFrameIndex {
  /** The key packets shown, in presentation order, as a {@link PacketIndex} of their own. */
  keys: PacketIndex;
  /** The frames the video has (shown, from the first key frame on): the mean interval divides by it. */
  frameCount: number;
  /** Presentation time of the first frame, s. */
  startSec: number;
  /** Presentation time of the last frame, s. */
  lastSec: number;
  /** Where the last frame ends by its own duration, s (what a header's claim is checked against). */
  endSec: number;
}

/**
 * How far decode order may put a frame from its place in presentation order, in packets, at most (B-frame
 * reordering: H.264 allows 16 reference frames, HEVC 16 pictures; 64 leaves room).
 */
const REORDER_PACKETS = 64;

/**
 * The key frames of an MP4 or MOV whose sample table lists every sample (not fragmented), read without a table of
 * every frame: the sync samples, the last sample shown and its successors in decode order (the sample count), and the
 * samples up to the first key frame shown (edit-list trims, frames shown before it). A lookup per key frame and a
 * GOP's worth of others, however long the film. Null where that cannot give the same table as listing every packet:
 * a fragmented file, samples that are not numbered from 0 one by one, a last sample whose data is not in the file (a
 * cut download), or no key frame.
 */
export async function keyFrameIndex(sink: KeyLookup): Promise<KeyFrameIndex | null> {
  const meta = { metadataOnly: true };
  const first = await sink.getFirstPacket(meta);
  // mediabunny numbers the samples of a sample table 0, 1, 2…; a fragment's from its byte offset.
  if (!first || first.sequenceNumber !== 0) return null;
  const lastShown = await sink.getPacket(Infinity, meta);
  if (!lastShown) return null;
  let lastDecoded = lastShown;
  let beforeLast: EncodedPacket | null = null;
  for (let i = 0; i < REORDER_PACKETS; i++) {
    const next = await sink.getNextPacket(lastDecoded, meta);
    if (!next) break;
    if (next.sequenceNumber !== lastDecoded.sequenceNumber + 1) return null;
    beforeLast = lastDecoded;
    lastDecoded = next;
  }
  if ((await sink.getNextPacket(lastDecoded, meta)) !== null) return null;
  // The last sample's bytes must be in the file: an index that promises more is a cut file, listed in full instead.
  // (Read through its predecessor, or as the last shown: mediabunny finds no zero-length last sample by its time.)
  const tail = await (beforeLast ? sink.getNextPacket(beforeLast) : sink.getPacket(Infinity)).catch((e: unknown) => {
    if (e instanceof SpriteError) throw e;
    return null;
  });
  if (tail?.sequenceNumber !== lastDecoded.sequenceNumber) return null;

  const pts: number[] = [];
  const duration: number[] = [];
  const seqs: number[] = [];
  for (let k = await sink.getFirstKeyPacket(meta); k; k = await sink.getNextKeyPacket(k, meta)) {
    // Before an edit list's start: decoded, never shown (see shownIndices).
    if (k.timestamp < 0) continue;
    pts.push(k.timestamp);
    duration.push(k.duration);
    seqs.push(k.sequenceNumber);
  }
  if (pts.length === 0) return null;
  // Presentation order; a time listed twice (a broken muxer) is one frame, as in the full table.
  const order = pts
    .map((_, i) => i)
    .sort((a, b) => pts[a]! - pts[b]! || a - b)
    .filter((i, j, all) => j === 0 || pts[i] !== pts[all[j - 1]!]);
  const startSec = pts[order[0]!]!;
  // The frames a full listing leaves out: trimmed by an edit list, or shown before the first key frame. Both sit at
  // the start of the decode order (reordering moves a frame by a few places at most).
  const startSeq = seqs[order[0]!]!;
  let left = 0;
  for (let p: EncodedPacket | null = first; p && p.sequenceNumber <= startSeq + REORDER_PACKETS;) {
    if (p.timestamp < startSec) left++;
    p = await sink.getNextPacket(p, meta);
  }
  const keys: PacketIndex = {
    pts: Float64Array.from(order, (i) => pts[i]!),
    key: new Uint8Array(order.length).fill(1),
    duration: Float64Array.from(order, (i) => duration[i]!),
  };
  return {
    keys,
    frameCount: lastDecoded.sequenceNumber + 1 - left,
    startSec,
    lastSec: lastShown.timestamp,
    endSec: lastShown.timestamp + lastShown.duration,
  };
}

/** A {@link KeyFrameIndex} read at a file's two ends, on a regular grid of frame times checked wherever it is read. */
export interface GridIndex extends KeyFrameIndex {
  /** The frame interval, s: every frame is at `startSec` plus a whole number of it, within `toleranceSec`. */
  intervalSec: number;
  /** How far a frame's time may be from its grid slot, s (the container's rounding of times). */
  toleranceSec: number;
}

/** Frames read at each end of an index-less file to learn its interval and check its grid. */
const END_FRAMES = 64;
/**
 * How far the mean gap of the first frames may be from a simple fraction of ticks for that to be the interval: a gap
 * a tick off shifts the mean of END_FRAMES - 1 gaps by under 0.02 tick. The last frames check it: an interval wrong
 * by a fraction of a tick is more than a tick off the grid after a hundred frames.
 */
const TICKS_SLACK = 0.05;

/** Whether `pts` is on the grid of `index` (see {@link GridIndex}). */
export function onGrid(index: Pick<GridIndex, 'startSec' | 'intervalSec' | 'toleranceSec'>, pts: number): boolean {
  const slots = (pts - index.startSec) / index.intervalSec;
  return Math.abs(pts - index.startSec - Math.round(slots) * index.intervalSec) <= index.toleranceSec;
}

/** What the container says of the track's times, beside its packets. */
export interface TrackClock {
  /** Ticks a second of the times the container stores (Matroska: 1000 for its usual 1 ms; MPEG-TS: 90 000). */
  ticksPerSec: number;
  /** The frame duration the container declares, s, exact to the ns (Matroska's DefaultDuration); else null. */
  declaredIntervalSec: number | null;
  /**
   * A time is found without reading the file up to it: MPEG-TS (mediabunny's search on bytes and timestamps),
   * Matroska with cues, and Matroska without them through {@link clusters}. A file whose cues would be past its end,
   * a file cut short, is listed packet by packet instead: the list tells where it stops.
   */
  seekable: boolean;
  /**
   * Matroska or WebM without cues: the lookups to make instead of mediabunny's, which reads every cluster from the
   * start at its first lookup without them (and on a segment of unknown size, a file written to a pipe, misses some
   * later key-frame lookups, mediabunny 1.61.0). Null for other files, and where the search cannot serve.
   */
  clusters: ClusterSearch | null;
}

/**
 * How the container times the track's frames (see {@link TrackClock}): Matroska's declared duration and cues from
 * the head of `input`, read directly, as mediabunny does not expose them.
 */
export async function trackClock(
  track: InputVideoTrack,
  format: InputFormat,
  input: EngineInput,
  watch?: Watch,
): Promise<TrackClock> {
  const ticksPerSec = await track.getTimeResolution();
  if (format !== MATROSKA && format !== WEBM)
    return { ticksPerSec, declaredIntervalSec: null, seekable: true, clusters: null };
  const head = readMatroskaHead(await readBytes(input, 0, MATROSKA_HEAD_BYTES, watch), track.id);
  const ns = head?.defaultDurationNs ?? null;
  const cuesAt = head?.cuesAt ?? null;
  const clusters = head ? await ClusterSearch.open(input, head, track.id, REORDER_PACKETS, watch) : null;
  return {
    ticksPerSec,
    declaredIntervalSec: ns === null ? null : ns / 1e9,
    seekable: (cuesAt !== null && cuesAt < input.size) || clusters !== null,
    clusters,
  };
}

/** `lookups` run, or null where the cluster search finds it cannot give the list's answers (see ClusterSearch). */
export async function unlessUnreadable<T>(lookups: Promise<T>): Promise<T | null> {
  try {
    return await lookups;
  } catch (e) {
    if (e instanceof ClustersUnreadable) return null;
    throw e;
  }
}

/**
 * The frame count and times of a file without an index of every frame (MPEG-TS, and Matroska or WebM, whose cues list
 * key frames only), read at its two ends instead of packet by packet: the first packets give the start (the first key
 * frame shown, as the full table has it) and the interval, the last GOP's packets the last frame, and the frames
 * between are as many as the grid has slots. The interval is a simple fraction of the container's ticks, or
 * the duration it declares where its times are rounded (Matroska's ms, 33 or 34 ms apart at 29.97 fps): a mean of
 * rounded gaps would miscount the slots of a long file. Null where that may not be the full table's answer: no key
 * frame among the first packets, times off the grid at either end (variable frame rate, a repeated time), rounded
 * times without a declared duration that fits them, a file so short that its list costs as little, a file that is
 * not seekable (see {@link TrackClock}). {@link framesAtTargets} checks each frame it looks up against the grid too
 * (a jump or a gap a lookup lands in); a gap of whole frames between lookups is not seen (see the README).
 */
export async function gridIndex(sink: PacketLookup, clock: TrackClock): Promise<GridIndex | null> {
  if (!clock.seekable) return null;
  const meta = { metadataOnly: true };
  // Enough packets in decode order that the END_FRAMES earliest frames are all among them, reordered or not.
  const head: EncodedPacket[] = [];
  for (let p = await sink.getFirstPacket(meta); p; p = await sink.getNextPacket(p, meta)) {
    head.push(p);
    if (head.length === END_FRAMES + REORDER_PACKETS) break;
  }
  if (head.length < END_FRAMES + REORDER_PACKETS) return null;
  const byTime = [...head].sort((a, b) => a.timestamp - b.timestamp);
  const firstKey = byTime.find((p) => p.type === 'key');
  if (!firstKey) return null;
  const startSec = firstKey.timestamp;
  const shown = byTime.filter((p) => p.timestamp >= startSec).slice(0, END_FRAMES);
  const gaps = shown.slice(1).map((p, i) => p.timestamp - shown[i]!.timestamp);
  if (gaps.some((g) => g <= 0)) return null;
  const tick = 1 / clock.ticksPerSec;
  const meanTicks = (shown[shown.length - 1]!.timestamp - startSec) / gaps.length / tick;
  // The interval the container declares, or else a number of ticks in quarters at most near the first frames' mean
  // gap (MPEG-TS: 3600 at 25 fps, 3003 at 29.97, 1501.5 at 59.94, 3753.75 at 23.976, give or take a tick of an
  // encoder's rounding; Matroska: 40 ms at 25 fps, 125/3 ms at 24): the first on whose grid both ends lie.
  const parts = [1, 2, 3, 4].find((d) => Math.abs(meanTicks * d - Math.round(meanTicks * d)) <= TICKS_SLACK * d);
  const candidates = [clock.declaredIntervalSec, parts ? (Math.round(meanTicks * parts) / parts) * tick : null];

  const lastShown = await sink.getPacket(Infinity, meta);
  if (!lastShown || lastShown.timestamp <= startSec) return null;
  // The last frames, and every packet decoded after the first of them (a reordering's reach before).
  const tailFrom = lastShown.timestamp - (END_FRAMES + REORDER_PACKETS) * meanTicks * tick;
  const tail: number[] = [];
  for (let p = await sink.getPacket(Math.max(tailFrom, startSec), meta); p; p = await sink.getNextPacket(p, meta))
    tail.push(p.timestamp);
  if (new Set(tail).size !== tail.length || tail.length < END_FRAMES) return null;
  if (tail.some((pts) => pts > lastShown.timestamp)) return null;
  // A time may be a tick off its slot: a rounded start and a rounded time (Matroska), an encoder's rounding (MPEG-TS).
  const toleranceSec = tick * (1 + 1e-6);
  const fits = (intervalSec: number) => {
    const grid = { startSec, intervalSec, toleranceSec };
    return (
      toleranceSec * 4 < intervalSec &&
      shown.every((p) => onGrid(grid, p.timestamp)) &&
      tail.every((pts) => onGrid(grid, pts))
    );
  };
  const intervalSec = candidates.find((c): c is number => c !== null && c > 0 && fits(c));
  if (intervalSec === undefined) return null;
  const slots = Math.round((lastShown.timestamp - startSec) / intervalSec);
  return {
    startSec,
    intervalSec,
    toleranceSec,
    keys: {
      pts: Float64Array.of(startSec),
      key: Uint8Array.of(1),
      duration: Float64Array.of(firstKey.duration),
    },
    frameCount: slots + 1,
    lastSec: lastShown.timestamp,
    endSec: lastShown.timestamp + lastShown.duration,
  };
}

/**
 * Packets listed for the cost of one target's lookups (the frame on screen, its key frame): above this many targets
 * per frame, listing every packet is the cheaper way to the same table.
 */
export const TARGET_LOOKUP_COST = 3;

/** A packet by its decode-order number (mediabunny's sample number) and presentation time. */
export interface NumberedPacket {
  /** Decode-order number. */
  seq: number;
  /** Presentation time, s. */
  pts: number;
  /** A key packet. */
  key: boolean;
}

/** The frames on screen at a job's targets, and the key packet each is decoded from. */
export interface FramesAtTargets {
  /** The frame on screen at each target, and the first frame from the first target on (see framesAtTargets). */
  frames: NumberedPacket[];
  /** The key packet each of `frames` is decoded from (by the frame's number). */
  keyOf: Map<number, NumberedPacket>;
}

/**
 * The frames a target-driven job (inter, avg, dhash) can take, from a sample table that lists every sample (see
 * {@link keyFrameIndex}) or on a grid read at the file's ends ({@link gridIndex}): for each target (ms from
 * `startSec`, ascending, the first at the job's start), the last frame whose time, rounded to the µs as the frame
 * table has it, is at or before it; and the first frame at or after the first target, which the job takes when
 * nothing from its start on is on screen yet. Two lookups a target, plus a
 * GOP's walk for that first frame: the same answers as the table of every frame, without listing it. Null (the
 * caller lists every frame instead) when a lookup disagrees with the rounding, finds no key frame before a frame, or
 * finds a frame or key frame off `grid`.
 */
export async function framesAtTargets(
  sink: PacketLookup,
  startSec: number,
  targets: readonly number[],
  grid: GridIndex | null = null,
): Promise<FramesAtTargets | null> {
  const meta = { metadataOnly: true };
  const frames = new Map<number, NumberedPacket>();
  const keyOf = new Map<number, NumberedPacket>();
  const numbered = (p: EncodedPacket): NumberedPacket => ({
    seq: p.sequenceNumber,
    pts: p.timestamp,
    key: p.type === 'key',
  });
  const relMs = (pts: number) => roundMs((pts - startSec) * 1000);
  // False where the answer may not be the full list's: no key frame found before a frame, or a frame off the grid.
  const add = async (p: EncodedPacket): Promise<boolean> => {
    if (frames.has(p.sequenceNumber)) return true;
    frames.set(p.sequenceNumber, numbered(p));
    const key = p.type === 'key' ? p : await sink.getKeyPacket(p.timestamp, meta);
    if (!key) return false;
    keyOf.set(p.sequenceNumber, numbered(key));
    return !grid || (onGrid(grid, p.timestamp) && onGrid(grid, key.timestamp));
  };
  let firstOnScreen: EncodedPacket | null = null;
  for (const [i, t] of targets.entries()) {
    // Half a µs past the target: a frame whose time rounds to the target is on screen at it.
    const p = await sink.getPacket(startSec + (t + 0.0005) / 1000, meta);
    if (!p || p.timestamp < startSec) continue;
    if (relMs(p.timestamp) > t) return null;
    if (i === 0) firstOnScreen = p;
    if (!(await add(p))) return null;
  }
  // The first frame at or after the first target, when the one on screen there started before it: the next frame
  // shown, found among the packets decoded from the same key frame up to a reordering's reach past it.
  const first = targets[0];
  if (first !== undefined) {
    const onScreen = firstOnScreen;
    if (onScreen && relMs(onScreen.timestamp) < first) {
      const from = keyOf.get(onScreen.sequenceNumber);
      let next: EncodedPacket | null = null;
      let p = from ? await sink.getKeyPacket(from.pts, meta) : null;
      // Counted past the frame on screen, not by number: MPEG-TS and Matroska number packets by byte position.
      let past = 0;
      for (; p && past <= REORDER_PACKETS; p = await sink.getNextPacket(p, meta)) {
        if (p.timestamp > onScreen.timestamp && (!next || p.timestamp < next.timestamp)) next = p;
        if (p.sequenceNumber >= onScreen.sequenceNumber) past++;
      }
      if (next && !(await add(next))) return null;
    }
  }
  return { frames: [...frames.values()].sort((a, b) => a.pts - b.pts), keyOf };
}
