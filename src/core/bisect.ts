// Bisection over ordered sequences: the one search the frame tables and the container readers share.

/**
 * How many of `items` `test` holds for, where it holds for a first stretch of them and for none after (ascending
 * values under "≤ x", for one): found by bisection, `test` called about log2(length) times.
 */
export function countWhile<T>(items: ArrayLike<T>, test: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (test(items[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the last element of ascending `xs` that is ≤ `x`; -1 if none. */
export function lastAtOrBefore(xs: ArrayLike<number>, x: number): number {
  return countWhile(xs, (v) => v <= x) - 1;
}
