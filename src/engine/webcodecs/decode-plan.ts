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
 * Plans the runs for `wanted` decode-order indices. `key[i]` says whether packet i (decode order) is a key packet.
 * A wanted packet needs every packet from the key before it (decode order); runs that overlap or touch are merged, so
 * each packet is fed at most once and a run never starts in the middle of another.
 */
export function planRuns(key: ArrayLike<boolean | number>, wanted: readonly number[]): DecodeRun[] {
  const sorted = [...new Set(wanted)].sort((a, b) => a - b);
  const runs: DecodeRun[] = [];
  for (const w of sorted) {
    let from = w;
    while (from > 0 && !key[from]) from--;
    const last = runs[runs.length - 1];
    if (last && from <= last.to + 1) last.to = Math.max(last.to, w);
    else runs.push({ from, to: w });
  }
  return runs;
}
