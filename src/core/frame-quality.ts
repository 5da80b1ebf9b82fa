// Which tiles are worth avoiding (the `skip` option): near-black, near-uniform (blank) and blurred pictures, judged on
// the placed picture, the size the tile shows; and, for a frame judged so, the other frames of its tile's interval,
// nearest first, that a job tries in its place.

import type { FrameTable } from './frame-table.js';
import type { Capture } from './selection.js';

/** What `skip` avoids: `none`; `black` (near-black); `blank` (also near-uniform of any colour); `all` (also blurred). */
export type SkipRule = 'none' | 'black' | 'blank' | 'all';

/** What is wrong with a picture, the first that applies in this order. */
export type FrameFlaw = 'black' | 'blank' | 'blurred';

/** Luma (0–255) below which a pixel counts as black: limited-range black and the noise of a fade's last frames. */
export const BLACK_LUMA = 32;
/** The share of pixels that must be black (or within one band of levels) for a picture to be black (or blank). */
export const FLAT_SHARE = 0.98;
/** The width of the band of luma levels that a blank picture's pixels fall in: a solid card and its coding noise. */
export const BLANK_BAND = 16;
/**
 * Sharpness ({@link sharpness}) below which a picture is blurred. Sharp footage gives 1.2–2.2 at tile sizes (a 1906
 * film 1.2); a textured frame blurred by about 3 px at the tile's size, evenly or along one axis as motion does,
 * 0.35–0.75 (measured 2026-12-06 on seven fixtures and a test pattern). A dark, mostly plain frame blurred keeps
 * some 1–2: too little texture to tell.
 */
export const BLUR_SHARPNESS = 0.9;
/**
 * Below this mean |gradient| (levels per px) a picture is flat: nothing to be sharp or blurred (blank says whether it
 * is worth showing). Kept far below what heavy blur leaves (a few tenths), which is blurred.
 */
const MIN_GRADIENT = 0.02;

/**
 * What is wrong with an RGBA picture, or null. Black: nearly every pixel dark. Blank: nearly every pixel within a
 * narrow band of luma (a solid card of any colour). Blurred: its edges are soft along some axis, by a ratio that does
 * not depend on the picture's contrast, only on how wide its edges are ({@link sharpness}).
 */
export function frameFlaw(rgba: ArrayLike<number>, width: number, height: number): FrameFlaw | null {
  const pixels = width * height;
  const luma = new Float32Array(pixels);
  const histogram = new Uint32Array(256);
  for (let i = 0, p = 0; i < pixels; i++, p += 4) {
    const y = 0.299 * rgba[p]! + 0.587 * rgba[p + 1]! + 0.114 * rgba[p + 2]!;
    luma[i] = y;
    histogram[Math.min(255, Math.round(y))]!++;
  }
  let dark = 0;
  for (let v = 0; v < BLACK_LUMA; v++) dark += histogram[v]!;
  if (dark >= FLAT_SHARE * pixels) return 'black';
  // The most pixels any band of BLANK_BAND levels holds.
  let band = 0;
  for (let v = 0; v < BLANK_BAND; v++) band += histogram[v]!;
  let densest = band;
  for (let v = BLANK_BAND; v < 256; v++) {
    band += histogram[v]! - histogram[v - BLANK_BAND]!;
    densest = Math.max(densest, band);
  }
  if (densest >= FLAT_SHARE * pixels) return 'blank';
  return sharpness(luma, width, height) < BLUR_SHARPNESS ? 'blurred' : null;
}

/**
 * How sharp a luma plane's edges are, along its sharper-blurred axis: for each axis, the mean |second difference| over
 * the mean |gradient| (interior pixels), about 1 where edges are a pixel or two wide, falling as blur widens them.
 * Motion blurs along one axis only, so the lower of the two is taken; an axis with no detail (flat along it) does not
 * count. Infinity for a flat picture.
 */
export function sharpness(luma: Float32Array, width: number, height: number): number {
  let curveX = 0;
  let slopeX = 0;
  let curveY = 0;
  let slopeY = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1, i = y * width + 1; x < width - 1; x++, i++) {
      const c = luma[i]!;
      const l = luma[i - 1]!;
      const r = luma[i + 1]!;
      const u = luma[i - width]!;
      const d = luma[i + width]!;
      curveX += Math.abs(l + r - 2 * c);
      slopeX += Math.abs(r - l) / 2;
      curveY += Math.abs(u + d - 2 * c);
      slopeY += Math.abs(d - u) / 2;
    }
  }
  const interior = Math.max(1, (width - 2) * (height - 2));
  const axis = (curve: number, slope: number) => (slope / interior < MIN_GRADIENT ? Infinity : curve / slope);
  return Math.min(axis(curveX, slopeX), axis(curveY, slopeY));
}

/** Whether `rule` avoids a picture with `flaw`. */
export function avoided(flaw: FrameFlaw | null, rule: SkipRule): boolean {
  if (flaw === null || rule === 'none') return false;
  if (rule === 'black') return flaw === 'black';
  if (rule === 'blank') return flaw !== 'blurred';
  return true;
}

/**
 * For each capture, the other frames of its tile's interval, in the order to try them: nearest the captured frame
 * first (the earlier of two as near). A tile's interval runs from its target to the next tile's (the last: to the
 * video's end); frames captured for other tiles are left out, so a frame is never shown twice.
 */
export function tileAlternatives(
  captures: readonly Capture[],
  table: Pick<FrameTable, 'times' | 'durationMs'>,
): number[][] {
  const taken = new Set(captures.map((c) => c.time));
  const { times } = table;
  let first = 0;
  return captures.map((capture, i) => {
    const from = capture.target;
    const to = captures[i + 1]?.target ?? table.durationMs;
    while (first < times.length && times[first]! < from) first++;
    const inside: number[] = [];
    for (let j = first; j < times.length && times[j]! < to; j++) if (!taken.has(times[j]!)) inside.push(times[j]!);
    return inside.sort((a, b) => Math.abs(a - capture.time) - Math.abs(b - capture.time) || a - b);
  });
}
