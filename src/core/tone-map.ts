// HDR to SDR: turns a PQ or HLG picture's BT.2020 R'G'B' into BT.709 R'G'B' for an 8-bit sheet, step for step as the
// ffmpeg filters that the ffmpeg.wasm path runs (tone-map-filters below) and the CLI's usual recipe do, so that the
// two engines agree. Pure arithmetic, unit-tested in Node against the CLI.

/** The HDR transfers tone-mapped here: SMPTE ST 2084 (PQ) and ARIB STD-B67 (HLG). */
export type HdrTransfer = 'pq' | 'hlg';

/** The HDR transfer a WebCodecs colour space names (`pq`, `hlg`; newer than TypeScript's DOM types), if it is one. */
export function hdrTransferOf(transfer: string | null | undefined): HdrTransfer | undefined {
  return transfer === 'pq' || transfer === 'hlg' ? transfer : undefined;
}

/**
 * Linear light that maps to the sheet's white, in units of 100 cd/m² (zscale's `npl=100`): 1000 cd/m², the peak HDR
 * masters are graded for and what ffmpeg's `tonemap` assumes when a frame carries no light-level metadata. Brighter
 * highlights are rolled off by the curve and clip at 1.
 */
export const TONE_MAP_PEAK = 10;

/** The filters that tone-map a frame in `transfer` to BT.709 8-bit RGB (gbrp), for ffmpeg's `-vf`. */
export function toneMapFilters(transfer: HdrTransfer): string[] {
  const tin = transfer === 'pq' ? 'smpte2084' : 'arib-std-b67';
  return [
    // The input's tags are named: a scaled or untagged frame may have lost them, and the probe knows them.
    `zscale=tin=${tin}:pin=bt2020:min=bt2020nc:t=linear:npl=100`,
    'format=gbrpf32le',
    'zscale=p=bt709',
    `tonemap=hable:desat=0:peak=${TONE_MAP_PEAK}`,
    'zscale=t=bt709:m=bt709:r=full',
    'format=gbrp',
  ];
}

// SMPTE ST 2084 constants.
const M1 = 2610 / 16384;
const M2 = (2523 / 4096) * 128;
const C1 = 3424 / 4096;
const C2 = (2413 / 4096) * 32;
const C3 = (2392 / 4096) * 32;
/** PQ's 1.0 is 10 000 cd/m²: in units of 100 cd/m². */
const PQ_PEAK = 100;

/** PQ signal (0–1) to linear light in units of 100 cd/m². */
export function pqToLinear(e: number): number {
  if (e <= 0) return 0;
  const p = Math.pow(e, 1 / M2);
  return PQ_PEAK * Math.pow(Math.max(p - C1, 0) / (C2 - C3 * p), 1 / M1);
}

// ARIB STD-B67 constants.
const HLG_A = 0.17883277;
const HLG_B = 1 - 4 * HLG_A;
const HLG_C = 0.5 - HLG_A * Math.log(4 * HLG_A);
/** The display HLG is shown on (BT.2100's reference), cd/m², and its system gamma. */
const HLG_DISPLAY_PEAK = 1000;
const HLG_GAMMA = 1.2;

/** HLG signal (0–1) to scene light (0–1): the inverse OETF. */
export function hlgToScene(e: number): number {
  if (e <= 0) return 0;
  return e <= 0.5 ? (e * e) / 3 : (Math.exp((e - HLG_C) / HLG_A) + HLG_B) / 12;
}

/** HLG's peak on the reference display, in units of 100 cd/m². */
const HLG_SCALE = HLG_DISPLAY_PEAK / 100;

// The BT.2020 → BT.709 primaries matrix, in linear light.
const TO_709 = [
  [1.660491002108435, -0.5876411387885495, -0.07284986331988517],
  [-0.12455047452159074, 1.13289989712596, -0.00834942260436962],
  [-0.01815076335490526, -0.10057889800800737, 1.118729661362913],
] as const;

/** Hable's filmic curve ("Uncharted 2"), as ffmpeg's `tonemap=hable`. */
function hable(x: number): number {
  const a = 0.15;
  const b = 0.5;
  const c = 0.1;
  const d = 0.2;
  const e = 0.02;
  const f = 0.3;
  return (x * (x * a + b * c) + d * e) / (x * (x * a + b) + d * f) - e / f;
}

const HABLE_PEAK = hable(TONE_MAP_PEAK);

/** Linear (0–1) to BT.709's display gamma (BT.1886's inverse, 1/2.4), as zscale's `t=bt709` writes it. */
function toBt709(l: number): number {
  return l <= 0 ? 0 : l >= 1 ? 1 : Math.pow(l, 1 / 2.4);
}

/**
 * Tone-maps one pixel: `rgb` holds BT.2020 R'G'B' (0–1) in `transfer` on the way in, BT.709 R'G'B' (0–1) on the
 * way out. Each pixel is scaled as a whole, by its brightest channel, so colours keep their hue (`desat=0`).
 */
export function toneMapPixel(rgb: Float64Array | number[], transfer: HdrTransfer): void {
  let r: number;
  let g: number;
  let b: number;
  if (transfer === 'pq') {
    r = pqToLinear(rgb[0]!);
    g = pqToLinear(rgb[1]!);
    b = pqToLinear(rgb[2]!);
  } else {
    // The OOTF (scene light to the reference display's light) with its system gamma on each channel, as zimg applies
    // it in ffmpeg's zscale (the CLI's and ffmpeg.wasm's alike; measured with zimg 3.0.4), rather than on the
    // luminance as BT.2100 writes it: the two engines then agree, within a level, where the other way differed by
    // up to a third of the range on saturated colours.
    r = HLG_SCALE * Math.pow(hlgToScene(rgb[0]!), HLG_GAMMA);
    g = HLG_SCALE * Math.pow(hlgToScene(rgb[1]!), HLG_GAMMA);
    b = HLG_SCALE * Math.pow(hlgToScene(rgb[2]!), HLG_GAMMA);
  }
  const r7 = TO_709[0][0] * r + TO_709[0][1] * g + TO_709[0][2] * b;
  const g7 = TO_709[1][0] * r + TO_709[1][1] * g + TO_709[1][2] * b;
  const b7 = TO_709[2][0] * r + TO_709[2][1] * g + TO_709[2][2] * b;
  const peak = Math.max(r7, g7, b7, 1e-6);
  const scale = hable(peak) / HABLE_PEAK / peak;
  rgb[0] = toBt709(r7 * scale);
  rgb[1] = toBt709(g7 * scale);
  rgb[2] = toBt709(b7 * scale);
}
