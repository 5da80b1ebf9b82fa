// Helpers shared by the unit tests.

import { expect } from 'vitest';
import { SpriteError } from '../../src/core/errors.js';
import type { FrameInfo, FrameTable } from '../../src/core/frame-table.js';

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
