// 64-bit difference hash, Hamming distance, and the streaming dhash selector with memory bounded by num (SPEC §3.4).

import { SpriteError } from './errors.js';

const HASH_W = 9;
const HASH_H = 8;
/** Coverage below this is float noise from `from`/`to` landing on a pixel edge, not a real share of a pixel. */
const MIN_COVERAGE = 1e-12;
/**
 * Two cells count as equally bright within this margin: weighted sums of the same pixels taken in a different order
 * differ in the last bits, and a flat image must hash to all zeros, not to noise.
 */
const BRIGHTER_MARGIN = 1e-9;

/** For each output cell along one axis, the source indices it covers and each one's coverage weight. */
function coverage(source: number, cells: number): { index: number; weight: number }[][] {
  const step = source / cells;
  return Array.from({ length: cells }, (_, c) => {
    const from = c * step;
    const to = (c + 1) * step;
    const parts: { index: number; weight: number }[] = [];
    for (let i = Math.floor(from); i < Math.min(source, Math.ceil(to)); i++) {
      const weight = Math.min(to, i + 1) - Math.max(from, i);
      if (weight > MIN_COVERAGE) parts.push({ index: i, weight });
    }
    return parts;
  });
}

/**
 * 64-bit difference hash (SPEC §3.4): BT.601 luma (0.299 R + 0.587 G + 0.114 B), area-averaged to 9 × 8 (each cell
 * the coverage-weighted mean of the source pixels under it, so any size ≥ 1 × 1 works), and bit (r, c) = 1 when
 * cell (r, c) is brighter than cell (r, c+1). Bit (r, c) is bit 63 − (8r + c): row 0 is the most significant byte.
 * `channels` 1 = grey, 4 = RGBA (alpha ignored); `stride` in bytes defaults to `width · channels`.
 */
export function dhash64(
  pixels: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  channels: 1 | 4,
  stride = width * channels,
): bigint {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new SpriteError('INTERNAL', `dhash64 needs an image of at least 1 × 1 px; got ${width} × ${height}.`);
  }
  if (stride < width * channels || pixels.length < stride * (height - 1) + width * channels) {
    throw new SpriteError(
      'INTERNAL',
      `dhash64: a buffer of ${pixels.length} bytes is too short for ${width} × ${height} px, ${channels} channel(s), stride ${stride}.`,
    );
  }
  const columns = coverage(width, HASH_W);
  const rows = coverage(height, HASH_H);
  const grid = new Float64Array(HASH_W * HASH_H);
  const rowSums = new Float64Array(HASH_W);
  for (let r = 0; r < HASH_H; r++) {
    for (const { index: y, weight: wy } of rows[r]!) {
      rowSums.fill(0);
      const base = y * stride;
      for (let c = 0; c < HASH_W; c++) {
        let sum = 0;
        for (const { index: x, weight: wx } of columns[c]!) {
          const p = base + x * channels;
          const luma =
            channels === 1 ? pixels[p]! : 0.299 * pixels[p]! + 0.587 * pixels[p + 1]! + 0.114 * pixels[p + 2]!;
          sum += luma * wx;
        }
        rowSums[c] = sum;
      }
      for (let c = 0; c < HASH_W; c++) grid[r * HASH_W + c]! += rowSums[c]! * wy;
    }
  }
  // Every cell covers the same area, so comparing sums is comparing means.
  let hash = 0n;
  for (let r = 0; r < HASH_H; r++) {
    for (let c = 0; c < HASH_W - 1; c++) {
      hash = (hash << 1n) | (grid[r * HASH_W + c]! > grid[r * HASH_W + c + 1]! + BRIGHTER_MARGIN ? 1n : 0n);
    }
  }
  return hash;
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Number of differing bits of two 64-bit hashes, 0..64. */
export function hamming(a: bigint, b: bigint): number {
  const x = BigInt.asUintN(64, a ^ b);
  return popcount32(Number(x & 0xffffffffn)) + popcount32(Number(x >> 32n));
}

/** A dhash candidate: its id (the caller's handle on its pixels), time in ms, and hash. */
export interface DhashCandidate {
  /** The caller's handle on the candidate's pixels. */
  id: number;
  /** Presentation time, in ms. */
  time: number;
  /** The 64-bit difference hash. */
  hash: bigint;
}

/** A kept candidate with its change. */
export interface DhashKept extends DhashCandidate {
  /** Percent of hash bits that changed since the last selected candidate, 0..100. */
  change: number;
}

/** Weaker = smaller change; among equal changes the later one is weaker (ties go to the earlier frame). */
function weaker(a: DhashKept, b: DhashKept): boolean {
  return a.change < b.change || (a.change === b.change && a.time > b.time);
}

/**
 * Streaming dhash selection (SPEC §3.4). Candidates come in time order. A candidate's change is
 * `hamming(hash, hash of the last selected candidate) · 100 / 64`, where "selected" means it passed the threshold,
 * whether or not the `num` limit later evicts it (the only reading that can be decided as frames stream by).
 * The first candidate is always selected (change 100); later ones when their change is strictly greater than `thr`.
 * With `num` > 0 only the `num` largest changes are kept (ties: the earlier wins), in a min-heap: memory O(num).
 */
export class DhashSelector {
  private readonly thr: number;
  private readonly num: number;
  private lastHash: bigint | undefined;
  /** Min-heap by weakness when num > 0; plain time-ordered list otherwise. */
  private readonly kept: DhashKept[] = [];

  constructor(opts: { thr: number; num: number }) {
    this.thr = opts.thr;
    this.num = opts.num;
  }

  /**
   * Offers the next candidate. `kept`: whether it is among the kept ones now; `evicted`: the candidate it pushed out
   * (its pixels can be freed). A later candidate may still evict a kept one while num > 0.
   */
  push(c: DhashCandidate): { kept: boolean; change: number; evicted?: DhashKept } {
    const change = this.lastHash === undefined ? 100 : (hamming(c.hash, this.lastHash) * 100) / 64;
    if (this.lastHash !== undefined && !(change > this.thr)) return { kept: false, change };
    this.lastHash = c.hash;
    const entry: DhashKept = { ...c, change };
    if (this.num === 0) {
      this.kept.push(entry);
      return { kept: true, change };
    }
    if (this.kept.length < this.num) {
      this.heapPush(entry);
      return { kept: true, change };
    }
    const root = this.kept[0]!;
    if (!weaker(root, entry)) return { kept: false, change };
    this.kept[0] = entry;
    this.siftDown(0);
    return { kept: true, change, evicted: root };
  }

  /** The kept candidates, in time order. */
  result(): DhashKept[] {
    return [...this.kept].sort((a, b) => a.time - b.time);
  }

  private heapPush(entry: DhashKept): void {
    const heap = this.kept;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!weaker(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const heap = this.kept;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && weaker(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && weaker(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
}
