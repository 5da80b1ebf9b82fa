// Helpers shared by the unit tests.

import { expect } from 'vitest';
import { SpriteError } from '../../src/core/errors.js';
import type { FrameInfo, FrameTable } from '../../src/core/frame-table.js';
import type { WindowPacket } from '../../src/engine/ffmpeg/packet-dating.js';
import type { resolveOptions } from '../../src/core/options.js';
import { avgTargets, interTargets } from '../../src/core/selection.js';

/** Runs `fn`, which must throw a SpriteError, and returns that error for closer checks. */
export function errorOf(fn: () => unknown): SpriteError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SpriteError);
    return e as SpriteError;
  }
  throw new Error('expected a SpriteError, nothing was thrown');
}

/** A frame table's frames as one object each: easier to compare in tests than its two typed arrays. */
export function framesOf(table: Pick<FrameTable, 'times' | 'keys'>): FrameInfo[] {
  return Array.from(table.times, (time, i) => ({ time, key: table.keys[i] === 1 }));
}

/** The targets of an `avg` or `inter` job (`dhash` takes inter's), as the engine asks for them once the facts are known. */
export const targetsOf = (opts: ReturnType<typeof resolveOptions>) => (facts: Parameters<typeof avgTargets>[1]) =>
  opts.m === 'avg' ? avgTargets(opts, facts) : interTargets(opts, facts);

/** The key frame each capture decodes from: the last key frame at or before it, as the execs are planned. */
export function keysBefore(table: FrameTable, times: readonly number[]): number[] {
  const keys = Array.from(table.times.filter((_, i) => table.keys[i] === 1));
  return times.map((t) => keys.filter((k) => k <= t).at(-1) ?? -1);
}

/**
 * A stream's packets in decode order: CFR at `step` s from `start`; an I-frame first, then each anchor (P, or I at a
 * multiple of `gop`) sent before the `bf` B-frames shown before it.
 */
export function decodeOrderStream(count: number, start: number, step: number, gop: number, bf: number): WindowPacket[] {
  const pts = (i: number) => start + i * step;
  const packets: WindowPacket[] = [{ pts: pts(0), pos: 0, key: true }];
  for (let i = 1; i < count;) {
    const anchor = Math.min(i + bf, count - 1);
    packets.push({ pts: pts(anchor), pos: packets.length, key: anchor % gop === 0 });
    for (let b = i; b < anchor; b++) packets.push({ pts: pts(b), pos: packets.length, key: false });
    i = anchor + 1;
  }
  return packets;
}
