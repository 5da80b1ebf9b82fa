// The frame table: every decodable frame's presentation time and key flag, and the timing facts decisions need.
// Decoder-neutral: ffmpeg's packet list and a container index both become one of these.

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

/** The frame list and timing facts of a probed video. */
export interface FrameTable {
  /** Presentation time of the first decodable frame, in s on the container's timeline (SPEC §3 counts from here). */
  startSec: number;
  /** Frames in presentation order, times in ms from `startSec`. */
  frames: FrameInfo[];
  /** Where the last frame ends, from the first frame, in whole ms. */
  durationMs: number;
  /** Mean interval between frames in ms (the span of the frame times over the gaps); 0 for a single frame. */
  frameIntervalMs: number;
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
  if (rows.length === 0 || rows.some((r) => r.pts === null)) return null;
  const sorted = rows.map((r) => ({ pts: r.pts as number, key: r.key })).sort((a, b) => a.pts - b.pts);
  const firstKey = sorted.findIndex((r) => r.key);
  const usable = firstKey > 0 ? sorted.slice(firstKey) : sorted;
  // Duplicate timestamps (broken muxers) would make two frames claim one instant; keep the first.
  const unique = usable.filter((r, i) => i === 0 || r.pts !== usable[i - 1]!.pts);
  const startSec = unique[0]!.pts;
  const frames = unique.map((r) => ({ time: roundMs((r.pts - startSec) * 1000), key: r.key }));
  const last = frames[frames.length - 1]!.time;
  const interval = frames.length > 1 ? roundMs(last / (frames.length - 1)) : 0;
  const lastDuration = interval > 0 ? interval : FALLBACK_FRAME_INTERVAL_MS;
  return {
    startSec,
    frames,
    // Whole ms, like every parameter: sums of rounded frame times carry µs noise that would let a target at exactly
    // the end (5000 vs 5000.001) count as "before the end".
    durationMs: Math.round(last + lastDuration),
    frameIntervalMs: interval,
  };
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
  stream: Pick<VideoSourceInfo, 'codedWidth' | 'codedHeight' | 'sar' | 'rotation' | 'codec'>,
  table: FrameTable,
): VideoSourceInfo {
  return {
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
