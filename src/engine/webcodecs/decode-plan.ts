// Which packets a WebCodecs decoder must be fed for a set of wanted frames: from the key frame before each, in decode
// order, up to the last wanted one of that stretch; nothing fed twice (pure).

/** A stretch of packets, in decode order, to feed without a gap: it starts at a key packet. */
export interface DecodeRun {
  /** Decode-order index of the key packet the run starts at. */
  from: number;
  /** Decode-order index of the last packet to feed (a wanted one). */
  to: number;
}

/**
 * Plans the runs for `wanted` decode-order numbers. `keyBefore(i)` is the decode-order number of the key packet at or
 * before packet i. A wanted packet needs every packet from that key on; runs that overlap or touch are merged, so
 * each packet is fed at most once and a run never starts in the middle of another.
 */
export function planRuns(keyBefore: (i: number) => number, wanted: readonly number[]): DecodeRun[] {
  const sorted = [...new Set(wanted)].sort((a, b) => a - b);
  const runs: DecodeRun[] = [];
  for (const w of sorted) {
    const from = keyBefore(w);
    const last = runs[runs.length - 1];
    if (last && from <= last.to + 1) last.to = Math.max(last.to, w);
    else runs.push({ from, to: w });
  }
  return runs;
}

/** {@link planRuns}' `keyBefore` over every packet's key flag, in decode order (the first packet counts as a key). */
export function keyBeforeIn(key: ArrayLike<boolean | number>): (i: number) => number {
  return (i) => {
    let from = i;
    while (from > 0 && !key[from]) from--;
    return from;
  };
}
