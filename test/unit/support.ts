// Helpers shared by the unit tests.

import { expect } from 'vitest';
import { SpriteError } from '../../src/core/errors.js';

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
