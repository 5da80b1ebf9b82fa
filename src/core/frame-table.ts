// The frame table: every decodable frame's presentation time and key flag, and the timing facts decisions need.
// Decoder-neutral: ffmpeg's packet list and a container index both become one of these.

import { countWhile } from './bisect.js';
import type { VideoSourceInfo } from './source.js';

/**
 * Half-width of the window in which two times name the same frame, ms: the one tolerance of the engine. Two demuxers
 * round one frame's time differently (by a few µs), and ffmpeg's select compares float seconds; frames are never
 * closer than 1 ms (1000 fps), so the window can never hold two.
 */
export const FRAME_TIME_TOLERANCE_MS = 0.5;

/** A frame of the source: time in ms from the first frame (which is at 0), and whether it is a key frame. */
export interface FrameInfo {
  /** Presentation time, in ms from the first frame. */
  time: number;
  /** A key frame (sync sample): decoding can start here. */
  key: boolean;
}

/** One frame as a demuxer or decoder lists it: presentation time in s on the container's timeline, and its key flag. */
export interface TimedFrame {
  /** Presentation time in s; `null` when the container has none (raw streams). */
  pts: number | null;
  /** Key-flagged. */
  key: boolean;
}

/**
 * The frame list and timing facts of a probed video. The frames are two typed arrays, not an object per frame: a
 * two-hour film has 216 000 frames, and the table must weigh what its numbers weigh (13 bytes a frame).
 */
export interface FrameTable {
  /** Presentation time of the first decodable frame, in s on the container's timeline (SPEC §3 counts from here). */
  startSec: number;
  /**
   * Every frame's presentation time, in ms from `startSec`, ascending and distinct; only some frames' when `partial`
   * says so.
   */
  times: Float64Array;
  /** 1 where the frame at the same index in `times` is a key frame, else 0. */
  keys: Uint8Array;
  /**
   * `times` lists only what one job needs, read from a container index without listing every frame: the key frames
   * (`keys`, for key mode), or the frame on screen at each of the job's targets and the first frame from its start
   * on (`targets`, for the job whose targets they are). `durationMs` and `frameIntervalMs` still count every frame.
   */
  partial?: 'keys' | 'targets';
  /** Where the last frame ends, from the first frame, in whole ms. */
  durationMs: number;
  /** Mean interval between frames in ms (the span of the frame times over the gaps); 0 for a single frame. */
  frameIntervalMs: number;
}

/** A frame table, and where each of its frames was in the list it was built from. */
export interface IndexedFrameTable {
  table: FrameTable;
  /** For each frame of `table` (same index as `times`), its index in the input list (decode order, for packets). */
  source: Int32Array;
}

/** How long the last frame is taken to last when neither the container nor any gap tells (25 fps). */
const FALLBACK_FRAME_INTERVAL_MS = 1000 / 25;

/**
 * Builds the frame table from frame times in any order (decode order has B-frames out of order). Frames before the
 * first key frame are dropped: a decoder cannot show them (streams cut mid-GOP), and capturing them would fail.
 * Returns null when any time is missing (the caller must find times another way).
 *
 * Everything is derived from the frame times alone, not from declared rates or per-frame durations, which demuxers
 * read differently (ffprobe and mediabunny disagree on the last duration of 3 of 4 fixtures measured 2026-11-26), so
 * that two demuxers listing the same frames give the same table: the interval is the mean gap, and the video ends
 * one interval after its last frame.
 */
export function buildFrameTable(rows: readonly TimedFrame[]): FrameTable | null {
  if (rows.some((r) => r.pts === null)) return null;
  return (
    indexFrames(
      rows.length,
      (i) => rows[i]!.pts!,
      (i) => rows[i]!.key,
    )?.table ?? null
  );
}

/**
 * {@link buildFrameTable} over `count` frames read through accessors (a demuxer's typed arrays need no object per
 * frame), also telling where each frame of the table came from. Null when there is no frame.
 */
export function indexFrames(
  count: number,
  pts: (i: number) => number,
  key: (i: number) => boolean,
): IndexedFrameTable | null {
  if (count === 0) return null;
  const at = new Float64Array(count);
  const order = new Int32Array(count);
  let sorted = true;
  for (let i = 0; i < count; i++) {
    at[i] = pts(i);
    order[i] = i;
    if (i > 0 && at[i]! < at[i - 1]!) sorted = false;
  }
  // Ties keep the input order (the first listed is kept below), as a stable sort would.
  if (!sorted) order.sort((a, b) => at[a]! - at[b]! || a - b);
  let first = 0;
  while (first < count && !key(order[first]!)) first++;
  // No key frame at all: nothing could be decoded from the start, but every frame is still listed, as before.
  if (first === count) first = 0;
  const startSec = at[order[first]!]!;
  const times = new Float64Array(count - first);
  const keys = new Uint8Array(count - first);
  const source = new Int32Array(count - first);
  let n = 0;
  for (let j = first; j < count; j++) {
    const i = order[j]!;
    // Duplicate timestamps (broken muxers) would make two frames claim one instant; keep the first.
    if (n > 0 && at[i] === at[source[n - 1]!]) continue;
    times[n] = roundMs((at[i]! - startSec) * 1000);
    keys[n] = key(i) ? 1 : 0;
    source[n] = i;
    n++;
  }
  return {
    table: { startSec, times: times.slice(0, n), keys: keys.slice(0, n), ...timing(times[n - 1]!, n) },
    source: source.slice(0, n),
  };
}

/** The interval (the mean gap) and the duration (one interval past the last frame) of `count` frames, in ms. */
function timing(last: number, count: number): Pick<FrameTable, 'durationMs' | 'frameIntervalMs'> {
  const interval = count > 1 ? roundMs(last / (count - 1)) : 0;
  return {
    // Whole ms, like every parameter: sums of rounded frame times carry µs noise that would let a target at exactly
    // the end (5000 vs 5000.001) count as "before the end".
    durationMs: Math.round(last + (interval > 0 ? interval : FALLBACK_FRAME_INTERVAL_MS)),
    frameIntervalMs: interval,
  };
}

/**
 * The table of a key-mode job from the key frames alone (presentation times in s, ascending) and what is known of the
 * rest: how many frames there are and when the last is shown. The same duration and interval as {@link indexFrames}
 * gives for the full list.
 */
export function keyFrameTable(keySecs: ArrayLike<number>, frameCount: number, lastSec: number): FrameTable {
  const startSec = keySecs[0]!;
  const times = Float64Array.from(keySecs, (s) => roundMs((s - startSec) * 1000));
  return {
    startSec,
    times,
    keys: new Uint8Array(times.length).fill(1),
    partial: 'keys',
    ...timing(roundMs((lastSec - startSec) * 1000), frameCount),
  };
}

/**
 * The table of a target-driven job from some of the frames (presentation times in s, any order; each at most once)
 * and what is known of the rest: how many frames there are from `startSec` on and when the last is shown. The
 * duration and interval are those {@link indexFrames} gives for the full list.
 */
export function targetFramesTable(
  startSec: number,
  frames: readonly { pts: number; key: boolean }[],
  frameCount: number,
  lastSec: number,
): FrameTable {
  const shown = [...frames].sort((a, b) => a.pts - b.pts);
  return {
    startSec,
    times: Float64Array.from(shown, (f) => roundMs((f.pts - startSec) * 1000)),
    keys: Uint8Array.from(shown, (f) => (f.key ? 1 : 0)),
    partial: 'targets',
    ...timing(roundMs((lastSec - startSec) * 1000), frameCount),
  };
}

/** The frame at `i` of the table, as one object (for code that takes frames one at a time). */
export function frameAt(table: Pick<FrameTable, 'times' | 'keys'>, i: number): FrameInfo {
  return { time: table.times[i]!, key: table.keys[i] === 1 };
}

/** Index of the frame at `time` (ms, as the table lists it, within the frame-time tolerance), or -1. */
export function frameIndexAt(table: Pick<FrameTable, 'times'>, time: number): number {
  const { times } = table;
  const lo = countWhile(times, (t) => t < time - FRAME_TIME_TOLERANCE_MS);
  return lo < times.length && Math.abs(times[lo]! - time) <= FRAME_TIME_TOLERANCE_MS ? lo : -1;
}

/**
 * A time in a container's units, whole where it is a whole number to within floating-point error: mediabunny maps
 * seconds to units so before it compares them, and the readers that answer as it does must too.
 */
export function roundIfAlmostInteger(value: number): number {
  const rounded = Math.round(value);
  return Math.abs(value / rounded - 1) < 10 * Number.EPSILON ? rounded : value;
}

/** Milliseconds kept to the microsecond: enough to tell frames apart, stable under float noise. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * The stream facts every decoder reports, with the times taken from its frame table: the one place they are put
 * together, whichever decoder read the stream.
 */
export function sourceInfo(
  stream: Pick<VideoSourceInfo, 'codedWidth' | 'codedHeight' | 'sar' | 'rotation' | 'codec' | 'hdr' | 'interlaced'>,
  table: FrameTable,
): VideoSourceInfo {
  return {
    // Only when set: most videos are neither, and results compared as plain objects stay as they were.
    ...(stream.hdr ? { hdr: stream.hdr } : {}),
    ...(stream.interlaced ? { interlaced: true } : {}),
    codedWidth: stream.codedWidth,
    codedHeight: stream.codedHeight,
    sar: stream.sar,
    rotation: stream.rotation,
    startTimeMs: roundMs(table.startSec * 1000),
    durationMs: table.durationMs,
    frameIntervalMs: table.frameIntervalMs,
    codec: stream.codec,
  };
}
