// Times for the packets ffmpeg lists without one. MPEG-PS packs pictures into 2 KiB packets, and a packet carries the
// time of the first picture that starts in it: ffmpeg's parser splits off the next one untimed (0.2–2 % of the
// packets of ffmpeg's own VOBs). ffmpeg's decoder dates that frame one interval after the frame shown before it, the
// slot no other frame takes; so do these, from the packets around it, instead of decoding the file to learn the
// times. Pure: the windows (seek-windows.ts) and the full packet list (ffmpeg-source.ts) use it.

/**
 * How far from a whole number of intervals two frames' times may be, in intervals: beyond it, they are not on one
 * grid (frames are missing or the rate changes).
 */
export const WHOLE_FRAMES_TOLERANCE = 1e-3;

/** A packet of the video stream as ffprobe lists it (a window, or the whole file), in decode order, with its time. */
export interface WindowPacket {
  /** Presentation time, s on ffmpeg's timeline (33-bit wraps already undone by ffmpeg). */
  pts: number;
  /** Byte position in the file; null for a packet ffmpeg's parser split off a PES packet (MPEG-PS). */
  pos: number | null;
  /** Key-flagged. */
  key: boolean;
}

/** A packet as ffprobe prints it: `pts` is null where the container gave it no time (MPEG-PS). */
export type ListedPacket = Omit<WindowPacket, 'pts'> & { pts: number | null };

/** The smallest gap between two of the run's times, s: the frame interval, where two frames in it are neighbours. */
export function smallestGap(run: readonly ListedPacket[]): number {
  const times = run.flatMap((p) => (p.pts === null ? [] : [p.pts])).sort((a, b) => a - b);
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) if (times[i]! > times[i - 1]!) gap = Math.min(gap, times[i]! - times[i - 1]!);
  return gap;
}

/** Which end of the stream a run reaches, if any: no frame lies beyond it. */
export interface RunEnds {
  fromStart?: boolean;
  toEnd?: boolean;
}

/**
 * Packets a run read after a seek may begin with that are not frames as the full list has them: landing inside a
 * picture (MPEG-PS packs pictures into 2 KiB packets), ffmpeg's parser emits that picture's tail as a frame, with the
 * time of the packet it landed in, and gives the next picture its successor's time.
 */
const SEEK_SETTLE_PACKETS = 2;

/**
 * Whether the untimed packets of `part` take the empty slots in their decode order without a key frame changing
 * places with another: each untimed key frame is further in decode order from every other untimed packet than any
 * timed frame is shown from where it is decoded. A codec that holds back one frame shows a frame at most a run of
 * B-frames away from its decode position, and the timed frames show how long those runs are.
 */
function keysPlaced(part: readonly ListedPacket[]): boolean {
  const timed = part.flatMap((p) => (p.pts === null ? [] : [p.pts]));
  const rank = new Map([...timed].sort((a, b) => a - b).map((pts, r) => [pts, r]));
  const shift = Math.max(...timed.map((pts, i) => Math.abs(rank.get(pts)! - i)));
  const untimed = part.flatMap((p, i) => (p.pts === null ? [i] : []));
  const reach = shift + untimed.length + 1;
  return untimed.every((i) => !part[i]!.key || untimed.every((j) => j === i || Math.abs(i - j) > reach));
}

/**
 * The packets of `run` (decode order) with a time each, where some have none (MPEG-PS): an untimed packet takes the
 * slot on the frame grid (`intervalSec` apart) that no other frame takes, within the span whose every frame the run
 * holds, as ffmpeg's decoder dates it. In codecs that hold back one frame (`reorder` ≤ 1: MPEG-1, MPEG-2, MPEG-4
 * Part 2), a frame decoded before a run's first few shows before the latest of them, and one decoded after its last
 * few after the earliest of those: the span lies between. A run read after a seek begins past the packets the seek may
 * garble, where its first few frames are timed, or else at its first key frame after them (the frames decoded before a
 * key frame show before it and the frames after it). At the stream's start or end, the span reaches the first or last
 * frame, and the file's first key frame or last packet may be the one frame beyond it. The run's end is cut back to
 * timed frames, and before an untimed packet that shows past the span. Null where it cannot be sure: a decoder that
 * holds back more frames, times off the grid or listed twice, as many untimed packets as empty slots not found, or an
 * untimed key frame near another untimed packet (which one shows where is then unknown, see keysPlaced). A run with
 * every time is given as it is.
 */
export function datePackets(
  run: readonly ListedPacket[],
  intervalSec: number,
  reorder: number,
  at: RunEnds = {},
): WindowPacket[] | null {
  const isTimed = (p: ListedPacket): p is WindowPacket => p.pts !== null;
  if (run.every(isTimed)) return [...run];
  if (reorder > 1 || !(intervalSec > 0 && Number.isFinite(intervalSec))) return null;
  const slack = reorder + 2;
  // Where the run begins: at the stream's start; after a seek, past the packets it may garble, where the first few
  // frames are timed and bound what the run holds in full; or else at its first key frame after those.
  let from = 0;
  let bounded = false;
  if (!at.fromStart) {
    from = SEEK_SETTLE_PACKETS;
    bounded = run.slice(from, from + slack).every(isTimed);
    if (!bounded) from = run.findIndex((p, i) => i >= SEEK_SETTLE_PACKETS && p.key);
    if (from < 0) return [];
  }
  const timed = run.slice(from).filter(isTimed);
  if (timed.length < 2) return null;
  const origin = timed[0]!.pts;
  const slotOf = (pts: number) => (pts - origin) / intervalSec;
  const ptsAt = new Map<number, number>();
  for (const p of timed) {
    const slot = Math.round(slotOf(p.pts));
    if (Math.abs(slotOf(p.pts) - slot) > WHOLE_FRAMES_TOLERANCE || ptsAt.has(slot)) return null;
    ptsAt.set(slot, p.pts);
  }
  // Dated from the nearest timed frame, not from the run's first: the interval is known to a few ns, not exactly.
  const slots = [...ptsAt.keys()];
  const datedAt = (slot: number) => {
    let near = slots[0]!;
    for (const s of slots) if (Math.abs(s - slot) < Math.abs(near - slot)) near = s;
    return ptsAt.get(near)! + (slot - near) * intervalSec;
  };
  // An untimed packet may show past the span's end (an anchor before the last B-frames): the run is then cut before
  // its last untimed packet, and tried again.
  for (let to = run.length; to > from;) {
    const toEnd = at.toEnd === true && to === run.length;
    if (!toEnd) while (to > from && run.slice(to - slack, to).some((p) => !isTimed(p))) to--;
    const part = run.slice(from, to);
    if (part.length < slack) return null;
    const partSlots = part.filter(isTimed).map((p) => Math.round(slotOf(p.pts)));
    const lo = bounded ? Math.max(...partSlots.slice(0, slack)) : Math.min(...partSlots);
    const hi = toEnd ? Math.max(...partSlots) : Math.min(...partSlots.slice(-slack));
    const empty: number[] = [];
    const taken = new Set(partSlots);
    for (let s = lo; s <= hi; s++) if (!taken.has(s)) empty.push(s);
    const untimed = part.filter((p) => !isTimed(p));
    if (untimed.length === empty.length + 1) {
      // A key frame shown before every frame after it (a closed GOP), or the file's last packet after every other.
      if (!bounded && !isTimed(part[0]!) && part[0]!.key) empty.unshift(lo - 1);
      else if (toEnd && !isTimed(part[part.length - 1]!)) empty.push(hi + 1);
    }
    if (untimed.length > 1 && !keysPlaced(part)) return null;
    if (untimed.length === empty.length) {
      let next = 0;
      return part.map((p) => (isTimed(p) ? p : { ...p, pts: datedAt(empty[next++]!) }));
    }
    to = from + part.length - 1;
    while (to >= from && isTimed(run[to]!)) to--;
  }
  return null;
}

/** Packets on each side of an untimed one that dateList dates it from: several runs of B-frames, enough to bound its span. */
const LIST_REACH = 24;

/**
 * Every packet of a full list (decode order, from the stream's first to its last) with a time: each untimed one
 * dated by datePackets from the packets within LIST_REACH of it, the timed ones as they are. Null where one of them
 * cannot be (the caller then decodes the file for the times).
 */
export function dateList<P extends Omit<ListedPacket, 'pos'>>(
  rows: readonly P[],
  reorder: number,
): (P & { pts: number })[] | null {
  const dated: (P & { pts: number })[] = [];
  for (const [i, p] of rows.entries()) {
    if (p.pts !== null) {
      dated.push(p as P & { pts: number });
      continue;
    }
    const from = Math.max(0, i - LIST_REACH);
    const to = Math.min(rows.length, i + LIST_REACH + 1);
    // Numbered by their place in the list, to find this packet among those datePackets gives back.
    const near: ListedPacket[] = rows.slice(from, to).map((r, k) => ({ pts: r.pts, key: r.key, pos: from + k }));
    const at = { fromStart: from === 0, toEnd: to === rows.length };
    const mine = datePackets(near, smallestGap(near), reorder, at)?.find((q) => q.pos === i);
    if (!mine) return null;
    dated.push({ ...p, pts: mine.pts });
  }
  return dated;
}
