// A target-driven job's frames in MPEG-TS and MPEG-PS, containers without an index, found the way the CLI's `-ss`
// finds a point there: ffprobe seeks on timestamps to a short window around each target and lists that window's
// packets, instead of listing every packet of the file (about a minute for 5 GiB). Pure: this plans ffprobe's
// `-read_intervals` and reads what they print; ffmpeg-source.ts runs them.
//
// MPEG-PS leaves some packets without a time; the windows date them as ffmpeg's decoder does (packet-dating.ts).

import { FRAME_TIME_TOLERANCE_MS, roundMs, targetFramesTable, type FrameTable } from '../../core/frame-table.js';
import type { SelectionFacts } from '../../core/selection.js';
import {
  datePackets,
  smallestGap,
  WHOLE_FRAMES_TOLERANCE,
  type ListedPacket,
  type WindowPacket,
} from './packet-dating.js';

export type { ListedPacket, WindowPacket } from './packet-dating.js';

/** What ffprobe prints per packet for a window (in its own order: `pts_time,pos,flags`). */
export const WINDOW_PACKET_ENTRIES = 'packet=pts_time,pos,flags';
/** Packets the head window reads from the start: enough for the first key frame, its spacing and the frame rate. */
export const HEAD_PACKETS = 64;
/** How much of the end the tail window reads, s: the last frames, and their spacing. */
export const TAIL_SEC = 1;
/**
 * Windows together longer than this share of the video read about as much as listing every packet does, and cost a
 * seek each on top: the caller lists every packet instead.
 */
export const MAX_WINDOW_SHARE = 1 / 3;
/** The longest span searched back for a target's key frame, s; past it every packet is listed instead. */
export const MAX_LOOKBACK_SEC = 120;
/** How much longer the look back gets each time a window found no key frame before its target. */
export const LOOKBACK_GROWTH = 4;
/**
 * Two printed times of frames one interval apart agree within this, s: ffprobe prints to the microsecond, so each
 * gap read from two printed times is off by up to 1 µs.
 */
const PRINTED_GAP_TOLERANCE_S = 2e-6;

/** ffprobe's arguments listing the packets of `stream` (an index or a specifier) in `intervals`, as CSV. */
export function windowProbeArgs(stream: string, intervals: string, inputPath: string): string[] {
  return [
    '-v',
    'error',
    '-select_streams',
    stream,
    '-read_intervals',
    intervals,
    '-show_entries',
    WINDOW_PACKET_ENTRIES,
    '-of',
    'csv=p=0',
    inputPath,
  ];
}

/** Reads ffprobe's `-show_entries packet=pts_time,pos,flags -of csv=p=0` (`N/A` where it has no time or position); null on a row it cannot read. */
export function parseWindowPackets(csv: string): ListedPacket[] | null {
  const rows: ListedPacket[] = [];
  const cell = (text: string) => (text === 'N/A' ? null : Number(text));
  for (const line of csv.split('\n')) {
    const cells = line.trim().split(',');
    if (cells.length < 3 || cells[0] === '') continue;
    const flags = cells[2] ?? '';
    if (flags.includes('D')) continue;
    const pts = cell(cells[0]!);
    const pos = cell(cells[1]!);
    if (Number.isNaN(pts) || Number.isNaN(pos)) return null;
    rows.push({ pts, pos, key: flags.startsWith('K') });
  }
  return rows;
}

/**
 * ffprobe prints the windows of one call as one list. Each window after the first is preceded by a one-packet
 * interval seeking before the start (`sentinel`), which prints the file's first packet: the same packet as the first
 * window's first row, and nowhere else (no later window starts at the file's start, see planWindows).
 */
function sentinel(startSec: number): string {
  return `${(startSec - 1e6).toFixed(0)}%+#1`;
}

/** The `-read_intervals` value for `first` (read from the start, no seek) followed by seeked windows (to the end when `toSec` is infinite). */
export function intervalsArg(first: string, windows: readonly Window[], startSec: number): string {
  return [
    first,
    ...windows.map(
      (w) => `${sentinel(startSec)},${w.fromSec.toFixed(6)}%${Number.isFinite(w.toSec) ? w.toSec.toFixed(6) : ''}`,
    ),
  ].join(',');
}

/**
 * Splits the rows of an {@link intervalsArg} call into its intervals' runs (decode order each); null when the count
 * is not `expected` (a window landed on the file's first packet: the caller lists every packet instead).
 */
export function splitRuns(rows: readonly ListedPacket[], expected: number): ListedPacket[][] | null {
  const first = rows[0];
  if (!first || first.pos === null) return null;
  const runs: ListedPacket[][] = [[first]];
  for (const row of rows.slice(1)) {
    if (row.pos === first.pos && row.pts === first.pts) runs.push([]);
    else runs[runs.length - 1]!.push(row);
  }
  return runs.length === expected ? runs : null;
}

/** What the head and the tail tell of the whole stream. */
export interface StreamEnds {
  /** The first frame's time (the first key frame in presentation order), s. */
  startSec: number;
  /** The last frame's time, s. */
  lastSec: number;
  /** The frame interval, s, the same at the start and at the end. */
  intervalSec: number;
  /** Frames from the first to the last, on that interval. */
  frameCount: number;
  /** The longest span between key frames seen at the start, s (the head's span when it holds only one). */
  gopSec: number;
  /** The table's timing facts, as the full table would give them for a stream with every frame on its interval. */
  facts: SelectionFacts;
}

/** The gaps of ascending `times`, if all are equal within the printing precision. */
function evenGap(times: readonly number[]): number | null {
  if (times.length < 3) return null;
  const gap = (times[times.length - 1]! - times[0]!) / (times.length - 1);
  for (let i = 1; i < times.length; i++) {
    if (Math.abs(times[i]! - times[i - 1]! - gap) > PRINTED_GAP_TOLERANCE_S) return null;
  }
  return gap;
}

/**
 * The stream's start, end and frame count from its first packets (`head`, decode order from the file's start) and
 * its last ones (`tail`, decode order to the end), or null when they do not show one constant frame interval at both
 * ends with a whole number of intervals between the first and last frame: the frame count then cannot be known
 * without listing every packet. `reorder` is how many frames the decoder holds back (B-frames).
 */
export function streamEnds(
  head: readonly WindowPacket[],
  tail: readonly WindowPacket[],
  reorder: number,
): StreamEnds | null {
  const slack = reorder + 2;
  const firstKey = head.filter((p) => p.key).sort((a, b) => a.pts - b.pts)[0];
  if (!firstKey || tail.length <= slack || head.length <= slack) return null;
  const startSec = firstKey.pts;
  // Frames decoded later show after the earliest of the last few read: those before it are all in the head.
  const headBound = Math.min(...head.slice(-slack).map((p) => p.pts));
  const headTimes = head
    .map((p) => p.pts)
    .filter((t) => t >= startSec && t < headBound)
    .sort((a, b) => a - b);
  // Frames decoded before the tail show before the latest of its first few: those after it are all in the tail.
  const tailBound = Math.max(...tail.slice(0, slack).map((p) => p.pts));
  const tailTimes = tail
    .map((p) => p.pts)
    .filter((t) => t > tailBound)
    .sort((a, b) => a - b);
  const interval = evenGap(headTimes);
  const tailInterval = evenGap(tailTimes);
  if (interval === null || tailInterval === null || Math.abs(interval - tailInterval) > PRINTED_GAP_TOLERANCE_S) {
    return null;
  }
  const lastSec = tailTimes[tailTimes.length - 1]!;
  const spans = (lastSec - startSec) / interval;
  if (!(spans >= 0) || Math.abs(spans - Math.round(spans)) > WHOLE_FRAMES_TOLERANCE) return null;
  const frameCount = Math.round(spans) + 1;
  const keyTimes = head
    .filter((p) => p.key)
    .map((p) => p.pts)
    .sort((a, b) => a - b);
  let gopSec = 0;
  for (let i = 1; i < keyTimes.length; i++) gopSec = Math.max(gopSec, keyTimes[i]! - keyTimes[i - 1]!);
  if (keyTimes.length < 2) gopSec = Math.max(...head.map((p) => p.pts)) - startSec;
  const { durationMs, frameIntervalMs } = targetFramesTable(startSec, [], frameCount, lastSec);
  return { startSec, lastSec, intervalSec: interval, frameCount, gopSec, facts: { durationMs, frameIntervalMs } };
}

/** A span of the video whose packets one interval lists, s on ffmpeg's timeline. */
export interface Window {
  fromSec: number;
  toSec: number;
}

/** The windows for a set of targets, and which window answers each. */
export interface WindowPlan {
  /** Read from the file's start without a seek (the targets whose look back reaches the start), if any: up to here, s. */
  fromStartToSec: number | null;
  /** The seeked windows, ascending, apart from each other and from the start. */
  windows: Window[];
  /** For each target, the run that answers it: 0 the read from the start, i + 1 `windows[i]`. */
  runOf: number[];
}

/**
 * Windows around `targets` (s, ascending): from `lookbackSec` before each (a key frame must lie in it) to `marginSec`
 * after (frames decoded later may show before the target; they come within the decoder's reordering). Overlapping
 * windows are merged, and those reaching back to within `lookbackSec` of the start are read from the start.
 */
export function planWindows(
  targets: readonly number[],
  startSec: number,
  lookbackSec: number,
  marginSec: number,
): WindowPlan {
  let fromStartToSec: number | null = null;
  const windows: Window[] = [];
  const runOf: number[] = [];
  for (const t of targets) {
    const fromSec = t - lookbackSec;
    const toSec = t + marginSec;
    const last = windows[windows.length - 1];
    if (fromSec <= startSec + lookbackSec) {
      fromStartToSec = Math.max(fromStartToSec ?? toSec, toSec);
      runOf.push(0);
    } else if (last && fromSec <= last.toSec) {
      last.toSec = toSec;
      runOf.push(windows.length);
    } else if (!last && fromStartToSec !== null && fromSec <= fromStartToSec) {
      fromStartToSec = toSec;
      runOf.push(0);
    } else {
      windows.push({ fromSec, toSec });
      runOf.push(windows.length);
    }
  }
  return { fromStartToSec, windows, runOf };
}

/** How much of the video `plan` reads, s. */
export function plannedSpan(plan: WindowPlan, startSec: number): number {
  const fromStart = plan.fromStartToSec === null ? 0 : plan.fromStartToSec - startSec;
  return plan.windows.reduce((sum, w) => sum + w.toSec - w.fromSec, fromStart);
}

/** What a window tells about one target. */
export type TargetAnswer =
  /** The frames from the key frame before the target on: they hold the frame on screen at it and its key frame. */
  | { frames: WindowPacket[] }
  /** No key frame at or before the target in the window: look further back. */
  | 'no-key'
  /**
   * The frames around the target are not one interval apart (a timestamp jump, dropped frames, a change of rate),
   * or the window stops short of the frame after it: the frame count from the ends cannot be trusted.
   */
  | 'irregular';

/**
 * The frames one run holds for the target at `targetMs` (ms from `ends.startSec`): from the first key frame shown at
 * or before the target on, the run is unbroken up to where ffprobe stopped, past the target by more than the
 * decoder reorders. Times compare as the frame table rounds them.
 */
export function answerTarget(run: readonly WindowPacket[], targetMs: number, ends: StreamEnds): TargetAnswer {
  const relMs = (pts: number) => roundMs((pts - ends.startSec) * 1000);
  const k = run.findIndex((p) => p.key && relMs(p.pts) <= targetMs);
  if (k < 0) return 'no-key';
  // Frames shown before the key frame (an open GOP's leading B-frames) decode from an earlier one: left out.
  const keyPts = Math.max(run[k]!.pts, ends.startSec);
  const frames = run.slice(k).filter((p) => p.pts >= keyPts);
  // Up to the frame after the target every frame was read (the margin is past the decoder's reordering): they must
  // be one interval apart, as the frame count assumes, and the frame after the target must be there.
  const reach = targetMs + ends.intervalSec * 1000 + FRAME_TIME_TOLERANCE_MS;
  const near = frames
    .map((p) => p.pts)
    .filter((pts) => relMs(pts) <= reach)
    .sort((a, b) => a - b);
  const last = near[near.length - 1]!;
  const atEnd = Math.abs(last - ends.lastSec) * 1000 < FRAME_TIME_TOLERANCE_MS;
  if (relMs(last) <= targetMs && !atEnd) return 'irregular';
  for (let i = 1; i < near.length; i++) {
    if (Math.abs(near[i]! - near[i - 1]! - ends.intervalSec) > PRINTED_GAP_TOLERANCE_S) return 'irregular';
  }
  return { frames };
}

/**
 * The partial table from the frames the windows found (each packet once, by position) and the stream's ends: the
 * frames on screen at the targets, the next ones, and the key frames they decode from, among the frames around them.
 */
export function windowTable(found: readonly WindowPacket[], ends: StreamEnds): FrameTable {
  // A packet two windows list is one frame; so is a time listed twice (a broken muxer): the first in the file, as in
  // the full table.
  const byPts = new Map<number, WindowPacket>();
  for (const p of found) {
    const seen = byPts.get(p.pts);
    if (!seen || (p.pos !== null && seen.pos !== null && p.pos < seen.pos)) byPts.set(p.pts, p);
  }
  return targetFramesTable(ends.startSec, [...byPts.values()], ends.frameCount, ends.lastSec);
}

/** The byte position of each key frame the windows found, by its time in the table (ms from the first frame). */
export function keyPositions(found: readonly WindowPacket[], ends: StreamEnds): Map<number, number> {
  const at = new Map<number, number>();
  for (const p of found) if (p.key && p.pos !== null) at.set(roundMs((p.pts - ends.startSec) * 1000), p.pos);
  return at;
}

/** An MPEG-TS packet's size, bytes (the only one the byte starts are made for: M2TS and FEC sizes are left to seeks). */
export const TS_PACKET_BYTES = 188;

/**
 * Where to start reading so that ffmpeg meets the stream's tables before the packet at `pos`: the last packet of the
 * program association table (PID 0, starting a section) before it, among `bytes`, which are the file's bytes from
 * `from` up to `pos`. Null when there is none there, or the bytes before `pos` are not 188-byte packets.
 */
export function tableStartBefore(bytes: Uint8Array, from: number, pos: number): number | null {
  for (let p = pos - TS_PACKET_BYTES; p >= from; p -= TS_PACKET_BYTES) {
    const i = p - from;
    if (bytes[i] !== 0x47) return null;
    const pid = ((bytes[i + 1]! & 0x1f) << 8) | bytes[i + 2]!;
    if (pid === 0 && (bytes[i + 1]! & 0x40) !== 0) return p;
  }
  return null;
}

/** The look back for the first round: a whole group of pictures as the head shows it, and one frame more. */
export function firstLookback(ends: StreamEnds): number {
  return ends.gopSec + ends.intervalSec;
}

/**
 * The margin after each target: the frames the decoder reorders, twice over, and at least four frames; where packets
 * may have no time, as many again as datePackets may cut off a run's end (the last few frames, and the B-frames shown
 * before them), so that the frames next to the target are still dated.
 */
export function windowMargin(ends: StreamEnds, reorder: number, untimed = false): number {
  const dating = untimed ? 2 * (reorder + 2) + 2 : 0;
  return (Math.max(4, 2 * (reorder + 1)) + dating) * ends.intervalSec;
}

/** What the windows need to know of the stream before reading any packet. */
export interface WindowedStream {
  /** Where the header says the video ends, s (MPEG-TS: from the last timestamps). */
  claimedEndSec: number;
  /** The container's start, s (the sentinel seeks far before it). */
  formatStartSec: number;
  /** Frames the decoder holds back (B-frames). */
  reorder: number;
  /** The container may leave packets without a time (MPEG-PS): the windows reach further past their targets. */
  untimed?: boolean;
}

/**
 * The partial table of a target-driven job, from ffprobe listing windows (`list` runs ffprobe with the given
 * `-read_intervals` on decoder `lane`, of `lanes`, and returns its `WINDOW_PACKET_ENTRIES` CSV): the head and the
 * tail first, for the length and the frame count, then a window around each target, looking further back for those
 * with no key frame yet. Null when the windows cannot give the full table's answer (the caller lists every packet):
 * an interval that differs between the start and the end or around a target, no key frame within MAX_LOOKBACK_SEC,
 * windows covering much of the video, or targets wanted at every frame. With the table, the byte position of each
 * key frame found (`keyPos`, by its time in the table), where an exec can start reading instead of seeking.
 */
export async function tableFromWindows(
  list: (intervals: string, lane: number) => Promise<string>,
  stream: WindowedStream,
  targetsOf: (facts: SelectionFacts) => readonly number[] | 'every',
  lanes = 1,
): Promise<{ table: FrameTable; keyPos: Map<number, number> } | null> {
  const read = async (first: string, windows: readonly Window[], lane = 0) => {
    const rows = parseWindowPackets(await list(intervalsArg(first, windows, stream.formatStartSec), lane));
    return rows && splitRuns(rows, 1 + windows.length);
  };
  const endRuns = await read(`%+#${HEAD_PACKETS}`, [
    { fromSec: stream.claimedEndSec - TAIL_SEC, toSec: Number.POSITIVE_INFINITY },
  ]);
  if (!endRuns) return null;
  const head = datePackets(endRuns[0]!, smallestGap(endRuns[0]!), stream.reorder, { fromStart: true });
  const tail = datePackets(endRuns[1]!, smallestGap(endRuns[1]!), stream.reorder, { toEnd: true });
  const ends = head && tail && streamEnds(head, tail, stream.reorder);
  if (!ends) return null;
  const targets = targetsOf(ends.facts);
  if (targets === 'every') return null;
  const found: WindowPacket[] = [];
  const margin = windowMargin(ends, stream.reorder, stream.untimed);
  let open = targets.map((_, i) => i);
  for (let lookback = firstLookback(ends); open.length > 0; lookback *= LOOKBACK_GROWTH) {
    if (lookback > MAX_LOOKBACK_SEC) return null;
    const plan = planWindows(
      open.map((i) => ends.startSec + targets[i]! / 1000),
      ends.startSec,
      lookback,
      margin,
    );
    if (plannedSpan(plan, ends.startSec) > MAX_WINDOW_SHARE * (ends.lastSec - ends.startSec)) return null;
    // The windows are shared out, in order, among the lanes (decoders), each listing its share in one call.
    const share = Math.ceil(plan.windows.length / lanes);
    const parts = await Promise.all(
      Array.from({ length: Math.max(1, Math.min(lanes, plan.windows.length)) }, (_, lane) =>
        read(
          lane === 0 && plan.fromStartToSec !== null ? `%${plan.fromStartToSec.toFixed(6)}` : '%+#1',
          plan.windows.slice(lane * share, (lane + 1) * share),
          lane,
        ),
      ),
    );
    if (parts.some((p) => !p)) return null;
    // Run 0 is the read from the start (lane 0's first); each lane's own first run is a one-packet placeholder.
    const runs = [parts[0]![0]!, ...parts.flatMap((p) => p!.slice(1))];
    const dated = runs.map((run, r) =>
      datePackets(run, ends.intervalSec, stream.reorder, { fromStart: r === 0 && plan.fromStartToSec !== null }),
    );
    const again: number[] = [];
    for (const [j, i] of open.entries()) {
      const run = dated[plan.runOf[j]!];
      if (!run) return null;
      const answer = answerTarget(run, targets[i]!, ends);
      if (answer === 'irregular') return null;
      if (answer === 'no-key') again.push(i);
      else found.push(...answer.frames);
    }
    open = again;
  }
  return { table: windowTable(found, ends), keyPos: keyPositions(found, ends) };
}
