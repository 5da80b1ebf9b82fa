// Which frames each mode captures (SPEC §3): targets, the streaming "frame at t" picker, and list forms.

import { SpriteError } from './errors.js';
import { frameAt, type FrameInfo, type FrameTable } from './frame-table.js';
import type { ResolvedOptions } from './options.js';

/** One captured frame: the time asked for and the frame taken for it (both ms from the first frame). */
export interface Capture {
  /** The target time, in ms. */
  target: number;
  /** The captured frame's presentation time, in ms. */
  time: number;
  /** Whether the captured frame is a key frame. */
  key: boolean;
}

/** Facts about the source the selection needs, from the frame table. */
export type SelectionFacts = Pick<FrameTable, 'durationMs' | 'frameIntervalMs'>;

/** SPEC §3.1: an interval of 0, or one below the source's frame interval, means every frame. */
function everyFrame(inter: number, facts: SelectionFacts): boolean {
  return inter === 0 || inter < facts.frameIntervalMs;
}

/** Throws START_PAST_END when `ss` is at or past the end of the video. */
export function checkStart(ss: number, facts: SelectionFacts): void {
  if (ss >= facts.durationMs) {
    throw new SpriteError(
      'START_PAST_END',
      `ss (${ss} ms) is at or past the end of the video (${Math.round(facts.durationMs)} ms): there is nothing to capture. Use an ss below ${Math.round(facts.durationMs)}.`,
      { param: 'ss', details: { ss, durationMs: facts.durationMs } },
    );
  }
}

/**
 * Targets of `inter` mode (SPEC §3.1): `ss, ss+inter, …` while before the end; `'every'` when `inter` is 0 or below
 * the source's frame interval (every frame from `ss` is captured then). `num` is applied by the picker, not here,
 * since two targets may share a frame.
 */
export function interTargets(opts: Pick<ResolvedOptions, 'ss' | 'inter'>, facts: SelectionFacts): number[] | 'every' {
  checkStart(opts.ss, facts);
  if (everyFrame(opts.inter, facts)) return 'every';
  const targets: number[] = [];
  // Multiplying, not adding, keeps long runs free of accumulated float error.
  for (let i = 0; opts.ss + i * opts.inter < facts.durationMs; i++) targets.push(opts.ss + i * opts.inter);
  return targets;
}

/** Targets of `avg` mode (SPEC §3.3): `ss + i·span/num` for i = 0…num−1, `span = duration − ss`; exact, unrounded. */
export function avgTargets(opts: Pick<ResolvedOptions, 'ss' | 'num'>, facts: SelectionFacts): number[] {
  checkStart(opts.ss, facts);
  const span = facts.durationMs - opts.ss;
  return Array.from({ length: opts.num }, (_, i) => opts.ss + (i * span) / opts.num);
}

/**
 * Streaming "frame at t" picker. Feed frames in presentation order; it emits a {@link Capture} for a target as soon
 * as a later frame shows which frame was on screen at it (or at {@link FramePicker.end}).
 *
 * - The frame at t is the last frame whose time is ≤ t.
 * - Frames before `ss` are never captured: when the frame on screen at a target started before `ss`, the first frame
 *   at or after `ss` is taken instead.
 * - A frame is captured at most once: a target whose frame was already captured is skipped.
 * - After `limit` captures (when > 0) the picker is {@link FramePicker.done}.
 * - `'every'` captures every frame at or after `ss`.
 */
export class FramePicker {
  private readonly targets: readonly number[] | 'every';
  private readonly ss: number;
  private readonly limit: number;
  private index = 0;
  private previous: FrameInfo | undefined;
  private lastCaptured = -Infinity;
  private count = 0;

  /** `targets` ascending (ms), or `'every'`; `limit` 0 = no limit. */
  constructor(targets: readonly number[] | 'every', opts: { ss: number; limit: number }) {
    this.targets = targets;
    this.ss = opts.ss;
    this.limit = opts.limit;
  }

  /** True once no further frame can be captured. */
  get done(): boolean {
    if (this.limit > 0 && this.count >= this.limit) return true;
    return this.targets !== 'every' && this.index >= this.targets.length;
  }

  private take(target: number, frame: FrameInfo | undefined, out: Capture[]): void {
    if (!frame || this.done || frame.time <= this.lastCaptured) return;
    this.lastCaptured = frame.time;
    this.count++;
    out.push({ target, time: frame.time, key: frame.key });
  }

  /** Feeds the next frame (time ascending); returns the captures it settles. */
  push(frame: FrameInfo): Capture[] {
    const out: Capture[] = [];
    if (this.done) return out;
    if (this.targets === 'every') {
      if (frame.time >= this.ss) this.take(frame.time, frame, out);
      return out;
    }
    while (this.index < this.targets.length && frame.time > this.targets[this.index]!) {
      const target = this.targets[this.index]!;
      const onScreen = this.previous;
      // Nothing at or after ss was on screen by the target: the first frame at or after ss is this one.
      this.take(target, onScreen && onScreen.time >= this.ss ? onScreen : frame, out);
      this.index++;
    }
    this.previous = frame;
    return out;
  }

  /** Settles the targets still open after the last frame. */
  end(): Capture[] {
    const out: Capture[] = [];
    if (this.targets === 'every') return out;
    for (; this.index < this.targets.length; this.index++) {
      const onScreen = this.previous;
      if (onScreen && onScreen.time >= this.ss) this.take(this.targets[this.index]!, onScreen, out);
    }
    return out;
  }
}

function pick(table: FrameTable, targets: readonly number[] | 'every', ss: number, limit: number): Capture[] {
  const picker = new FramePicker(targets, { ss, limit });
  const out: Capture[] = [];
  for (let i = 0; i < table.times.length && !picker.done; i++) out.push(...picker.push(frameAt(table, i)));
  out.push(...picker.end());
  return out;
}

/** `inter` mode on a probed video's frames (SPEC §3.1). */
export function selectInter(table: FrameTable, opts: ResolvedOptions): Capture[] {
  return pick(table, interTargets(opts, table), opts.ss, opts.num);
}

/** `key` mode (SPEC §3.2): every key frame at or after `ss`, in order, up to `num`; the target is the frame's time. */
export function selectKey(table: FrameTable, opts: ResolvedOptions): Capture[] {
  checkStart(opts.ss, table);
  const out: Capture[] = [];
  const { times, keys } = table;
  for (let i = 0; i < times.length && !(opts.num > 0 && out.length >= opts.num); i++) {
    if (keys[i] === 1 && times[i]! >= opts.ss) out.push({ target: times[i]!, time: times[i]!, key: true });
  }
  return out;
}

/** `avg` mode (SPEC §3.3): `num` targets evenly over `[ss, end)`; fewer captures when frames are fewer. */
export function selectAvg(table: FrameTable, opts: ResolvedOptions): Capture[] {
  return pick(table, avgTargets(opts, table), opts.ss, opts.num);
}

/**
 * Targets of a truncated file that fell in the part that is gone — from the last frame's end (`facts.durationMs`) to
 * where the header says the video ends (`claimedEndMs`) — so a job can say how many it could not capture.
 * Only `inter` and `dhash` aim at fixed times; `avg` spreads over, and `key` lists, what exists, so they lose none.
 * A `num` limit already met by the `captured` frames loses nothing either.
 */
export function lostTargets(
  opts: Pick<ResolvedOptions, 'm' | 'ss' | 'inter' | 'num'>,
  facts: SelectionFacts,
  claimedEndMs: number,
  captured: number,
): number {
  if (opts.m !== 'inter' && opts.m !== 'dhash') return 0;
  const step = everyFrame(opts.inter, facts) ? facts.frameIntervalMs : opts.inter;
  if (!(step > 0)) return 0;
  const first = Math.max(0, Math.ceil((facts.durationMs - opts.ss) / step));
  let lost = 0;
  for (let i = first; opts.ss + i * step < claimedEndMs; i++) lost++;
  return opts.num > 0 ? Math.max(0, Math.min(lost, opts.num - captured)) : lost;
}

/**
 * The frames a job decodes, by `opts.m`: the captures of `inter`, `key` and `avg`; for `dhash`, the candidates (taken
 * as in `inter`, SPEC §3.4), which `DhashSelector` then filters by their pixels. A dhash `num` limits the frames kept,
 * not the candidates: it keeps the `num` largest changes of the whole video.
 */
export function selectFrames(table: FrameTable, opts: ResolvedOptions): Capture[] {
  // A partial table answers only the job it was read for (see FrameTable.partial).
  if (table.partial !== undefined && (table.partial === 'keys') !== (opts.m === 'key')) {
    throw new SpriteError('INTERNAL', `A table of ${table.partial ?? 'every'} frame(s) cannot serve m_${opts.m}.`);
  }
  switch (opts.m) {
    case 'inter':
      return selectInter(table, opts);
    case 'dhash':
      return selectInter(table, { ...opts, num: 0 });
    case 'key':
      return selectKey(table, opts);
    case 'avg':
      return selectAvg(table, opts);
  }
}
