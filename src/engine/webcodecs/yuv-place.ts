// Places a decoded YUV picture in its cell the way the ffmpeg.wasm path does (`scale=W:H:flags=area`, then
// transpose/flip, crop, and a plain conversion to RGBA), in plain arithmetic over the planes VideoFrame.copyTo gives.
//
// Why not canvas drawImage(VideoFrame): Chromium keeps every frame drawn onto a canvas in its image cache, about
// 5 MB per 1080p frame, up to some 700 MB per renderer (measured 2026-11-26, Chromium 156, software decoding), and
// converts the whole frame to RGB before scaling. This is as fast (5–7 ms a 1080p frame here), holds one frame's
// planes at a time, and scales in YUV like ffmpeg, chroma at its own resolution, so the two engines agree closely.
// No DOM types here: unit-tested in Node.

import type { FramePlacement } from '../../core/geometry.js';
import { toneMapPixel, type HdrTransfer } from '../../core/tone-map.js';

/** The pixel formats placed here (8, 10 or 12 bits a sample); a frame in any other is drawn by the canvas instead. */
export type YuvFormat =
  | 'I420'
  | 'I420A'
  | 'I422'
  | 'I422A'
  | 'I444'
  | 'I444A'
  | 'NV12'
  | 'I420P10'
  | 'I420AP10'
  | 'I422P10'
  | 'I422AP10'
  | 'I444P10'
  | 'I444AP10'
  | 'I420P12'
  | 'I422P12'
  | 'I444P12'
  | PackedRgbFormat;

/**
 * Packed 8-bit RGB, as some browsers decode to (Firefox gives BGRX): placed here only when a picture needs what the
 * canvas cannot do (a field at a time, tone-mapping); each channel is read as a plane of its own.
 */
export type PackedRgbFormat = 'RGBA' | 'RGBX' | 'BGRA' | 'BGRX';

/** Where red, green and blue sit in each 4-byte pixel of a packed format. */
const PACKED: Record<PackedRgbFormat, [number, number, number]> = {
  RGBA: [0, 1, 2],
  RGBX: [0, 1, 2],
  BGRA: [2, 1, 0],
  BGRX: [2, 1, 0],
};

export function isPackedRgb(format: string | null): format is PackedRgbFormat {
  return format !== null && Object.hasOwn(PACKED, format);
}

/** Where one plane starts in the copied bytes and how far apart its rows are, as VideoFrame.copyTo reports it. */
export interface PlaneLayout {
  offset: number;
  stride: number;
}

/** A picture's planes as copied out of a VideoFrame (its visible part). */
export interface YuvPicture {
  format: YuvFormat;
  width: number;
  height: number;
  /** The planes' bytes (little-endian 16-bit samples for the formats above 8 bits, as copyTo writes them). */
  data: Uint8Array;
  layout: readonly PlaneLayout[];
}

/** What a picture needs beyond its planes and matrix. */
export interface PictureTreatment {
  /** Its fields are woven (interlaced): only the first field's rows are read, so motion shows no comb teeth. */
  interlaced: boolean;
  /** Its HDR transfer: tone-mapped to SDR BT.709 (core/tone-map.ts); undefined for SDR. */
  hdr: HdrTransfer | undefined;
}

/** How YUV becomes RGB: the matrix's red and blue luma weights, and whether samples use the full 0–255 range. */
export interface YuvMatrix {
  kr: number;
  kb: number;
  fullRange: boolean;
}

/** The luma weights of the matrices WebCodecs names (VideoMatrixCoefficients); untagged video is BT.601. */
const MATRICES: Record<string, [number, number]> = {
  smpte170m: [0.299, 0.114],
  bt470bg: [0.299, 0.114],
  bt709: [0.2126, 0.0722],
  'bt2020-ncl': [0.2627, 0.0593],
};

/** The conversion for a frame's colour space (`matrix` null: BT.601, `fullRange` null: limited); null if unknown. */
export function yuvMatrix(matrix: string | null | undefined, fullRange: boolean | null | undefined): YuvMatrix | null {
  const weights = MATRICES[matrix ?? 'smpte170m'];
  return weights ? { kr: weights[0], kb: weights[1], fullRange: fullRange ?? false } : null;
}

/**
 * Chroma subsampling of each format (how many luma samples share one chroma sample, across and down) and its bits a
 * sample.
 */
const FORMATS: Record<YuvFormat, [number, number, number]> = {
  I420: [2, 2, 8],
  I420A: [2, 2, 8],
  NV12: [2, 2, 8],
  I422: [2, 1, 8],
  I422A: [2, 1, 8],
  I444: [1, 1, 8],
  I444A: [1, 1, 8],
  I420P10: [2, 2, 10],
  I420AP10: [2, 2, 10],
  I422P10: [2, 1, 10],
  I422AP10: [2, 1, 10],
  I444P10: [1, 1, 10],
  I444AP10: [1, 1, 10],
  I420P12: [2, 2, 12],
  I422P12: [2, 1, 12],
  I444P12: [1, 1, 12],
  RGBA: [1, 1, 8],
  RGBX: [1, 1, 8],
  BGRA: [1, 1, 8],
  BGRX: [1, 1, 8],
};

/** Whether frames in `format` are planar YUV, which is always placed here. */
export function isYuvFormat(format: string | null): format is Exclude<YuvFormat, PackedRgbFormat> {
  return format !== null && Object.hasOwn(FORMATS, format) && !isPackedRgb(format);
}

/**
 * One axis of a resampling: for each output sample, the first input sample it reads, how many, and their weights.
 * Shrinking averages areas (each output sample is the mean of the input span it covers, partial samples weighed by
 * the part covered), as ffmpeg's `area` does; enlarging interpolates linearly between the two nearest samples.
 */
interface Taps {
  first: Int32Array;
  count: Int32Array;
  weights: Float32Array;
}

export function resampleTaps(from: number, to: number): Taps {
  const first = new Int32Array(to);
  const count = new Int32Array(to);
  const weights: number[] = [];
  const step = from / to;
  for (let i = 0; i < to; i++) {
    if (to <= from) {
      const start = i * step;
      const end = (i + 1) * step;
      const a = Math.floor(start);
      const b = Math.min(from, Math.ceil(end - 1e-9));
      first[i] = a;
      count[i] = b - a;
      for (let j = a; j < b; j++) weights.push((Math.min(end, j + 1) - Math.max(start, j)) / step);
    } else {
      const centre = Math.min(from - 1, Math.max(0, (i + 0.5) * step - 0.5));
      const a = Math.floor(centre);
      const f = centre - a;
      first[i] = a;
      if (f > 0 && a + 1 < from) {
        count[i] = 2;
        weights.push(1 - f, f);
      } else {
        count[i] = 1;
        weights.push(1);
      }
    }
  }
  return { first, count, weights: Float32Array.from(weights) };
}

/**
 * One plane to resample: its samples, where it starts, its row stride, the distance between its samples (all in
 * samples), and what a sample is worth on the 8-bit scale.
 */
interface PlaneView {
  data: Uint8Array | Uint16Array;
  offset: number;
  stride: number;
  unit: number;
  /** 1 for a planar plane, 2 for one of NV12's interleaved chroma planes. */
  step: number;
  width: number;
  height: number;
}

/**
 * Places YUV pictures; keeps its tap tables and scratch rows between frames of one job (every frame of a job has the
 * same size and placement). Not re-entrant: one picture at a time.
 */
export class YuvPlacer {
  private readonly taps = new Map<string, Taps>();
  private row = new Float32Array(0);
  private readonly planes: [Float32Array, Float32Array, Float32Array] = [
    new Float32Array(0),
    new Float32Array(0),
    new Float32Array(0),
  ];

  /**
   * The picture scaled to `placement.scaledCoded`, turned clockwise by `placement.rotation` and cut to
   * `placement.crop`: RGBA bytes of the crop's size.
   */
  place(
    picture: YuvPicture,
    /** How YUV becomes RGB; ignored for packed RGB. */
    matrix: YuvMatrix | null,
    placement: FramePlacement,
    treatment: PictureTreatment = { interlaced: false, hdr: undefined },
  ): Uint8Array<ArrayBuffer> {
    const { width, height } = placement.scaledCoded;
    const [sx, sy] = FORMATS[picture.format];
    // Chroma as ffmpeg's scaler writing RGB keeps it: across, at the source's own subsampling (one sample for two
    // pixels, or one each for 4:4:4); down, one for every output row. Matched against ffmpeg.wasm's tiles (41–58 dB on
    // real footage, 2026-11-26); ffmpeg's x86 build rounds differently, so the CLI is only a loose oracle.
    const chromaWidth = Math.ceil(width / sx);
    const chromaHeight = height;
    const [y, u, v] = this.scaledPlanes(width * height, chromaWidth * chromaHeight);
    const sourceChroma = { width: Math.ceil(picture.width / sx), height: Math.ceil(picture.height / sy) };
    const [luma, cb, cr] = planeViews(picture, sourceChroma, treatment.interlaced);
    this.resample(luma, y, width, height);
    this.resample(cb, u, chromaWidth, chromaHeight);
    this.resample(cr, v, chromaWidth, chromaHeight);
    return toRgba(
      { y, u, v, width, chromaWidth, sx, sy: 1 },
      isPackedRgb(picture.format) ? null : matrix,
      placement,
      treatment.hdr,
    );
  }

  private scaledPlanes(lumaSize: number, chromaSize: number): [Float32Array, Float32Array, Float32Array] {
    if (this.planes[0].length !== lumaSize) this.planes[0] = new Float32Array(lumaSize);
    if (this.planes[1].length !== chromaSize) {
      this.planes[1] = new Float32Array(chromaSize);
      this.planes[2] = new Float32Array(chromaSize);
    }
    return this.planes;
  }

  private tapsFor(from: number, to: number): Taps {
    const key = `${from}>${to}`;
    let taps = this.taps.get(key);
    if (!taps) {
      taps = resampleTaps(from, to);
      this.taps.set(key, taps);
    }
    return taps;
  }

  /** Resamples `plane` into `out` (`width` × `height`): down the columns into one row at a time, then across it. */
  private resample(plane: PlaneView, out: Float32Array, width: number, height: number): void {
    const down = this.tapsFor(plane.height, height);
    const across = this.tapsFor(plane.width, width);
    if (this.row.length < plane.width) this.row = new Float32Array(plane.width);
    const row = this.row;
    const { data, offset, stride, step, unit } = plane;
    let dw = 0;
    for (let oy = 0; oy < height; oy++) {
      row.fill(0, 0, plane.width);
      const firstRow = down.first[oy]!;
      for (let k = 0; k < down.count[oy]!; k++) {
        const weight = down.weights[dw++]! * unit;
        let p = offset + (firstRow + k) * stride;
        if (step === 1) {
          for (let x = 0; x < plane.width; x++) row[x]! += weight * data[p + x]!;
        } else {
          for (let x = 0; x < plane.width; x++, p += step) row[x]! += weight * data[p]!;
        }
      }
      let aw = 0;
      const base = oy * width;
      for (let ox = 0; ox < width; ox++) {
        const firstColumn = across.first[ox]!;
        let sum = 0;
        for (let k = 0; k < across.count[ox]!; k++) sum += across.weights[aw++]! * row[firstColumn + k]!;
        out[base + ox] = sum;
      }
    }
  }
}

/**
 * The picture's three planes. Samples above 8 bits are read as 16-bit words. An interlaced picture gives its first
 * field only: every other row, of luma and of chroma alike (interlaced 4:2:0 alternates its chroma rows by field too).
 * Scaled to the cell, a field loses nothing a cell shows unless the cell is taller than the field.
 */
function planeViews(
  picture: YuvPicture,
  chroma: { width: number; height: number },
  interlaced: boolean,
): [PlaneView, PlaneView, PlaneView] {
  const { layout, width, height } = picture;
  const bits = FORMATS[picture.format][2];
  const bytes = bits > 8 ? 2 : 1;
  const data =
    bytes === 2
      ? new Uint16Array(picture.data.buffer, picture.data.byteOffset, picture.data.byteLength >> 1)
      : picture.data;
  const rows = interlaced ? 2 : 1;
  const plane = (i: number, extra: number, step: number, size: { width: number; height: number }): PlaneView => ({
    data,
    offset: layout[i]!.offset / bytes + extra,
    stride: (layout[i]!.stride / bytes) * rows,
    unit: 1 / (1 << (bits - 8)),
    step,
    width: size.width,
    height: Math.ceil(size.height / rows),
  });
  if (isPackedRgb(picture.format)) {
    const [r, g, b] = PACKED[picture.format];
    return [plane(0, r, 4, { width, height }), plane(0, g, 4, { width, height }), plane(0, b, 4, { width, height })];
  }
  const luma = plane(0, 0, 1, { width, height });
  return picture.format === 'NV12'
    ? [luma, plane(1, 0, 2, chroma), plane(1, 1, 2, chroma)]
    : [luma, plane(1, 0, 1, chroma), plane(2, 0, 1, chroma)];
}

/** Scaled planes in the picture's own orientation: luma `width` wide, chroma `chromaWidth` wide, subsampled by sx, sy. */
interface ScaledPlanes {
  y: Float32Array;
  u: Float32Array;
  v: Float32Array;
  width: number;
  chromaWidth: number;
  sx: number;
  sy: number;
}

/**
 * Converts the crop of the rotated, scaled picture to RGBA: each output pixel reads its luma sample and the chroma
 * sample it shares with its neighbours (as ffmpeg's plain conversion does), through the matrix.
 */
function toRgba(
  planes: ScaledPlanes,
  matrix: YuvMatrix | null,
  placement: FramePlacement,
  hdr: HdrTransfer | undefined,
): Uint8Array<ArrayBuffer> {
  const { y, u, v, width, chromaWidth, sx, sy } = planes;
  const { crop, scaled, rotation } = placement;
  const out = new Uint8ClampedArray(crop.width * crop.height * 4);
  // No matrix: the planes are red, green and blue already.
  const rgb = matrix === null;
  const m = matrix ?? { kr: 0, kb: 0, fullRange: true };
  const kg = 1 - m.kr - m.kb;
  const yOffset = m.fullRange ? 0 : 16;
  const yScale = m.fullRange ? 1 : 255 / 219;
  const cScale = m.fullRange ? 1 : 255 / 224;
  const rFromCr = 2 * (1 - m.kr) * cScale;
  const bFromCb = 2 * (1 - m.kb) * cScale;
  const gFromCb = ((2 * m.kb * (1 - m.kb)) / kg) * cScale;
  const gFromCr = ((2 * m.kr * (1 - m.kr)) / kg) * cScale;
  const pixel = new Float64Array(3);
  let o = 0;
  for (let cy = 0; cy < crop.height; cy++) {
    for (let cx = 0; cx < crop.width; cx++) {
      // (dx, dy) in the displayed (rotated) scaled picture; (px, py) the same point before the clockwise turn.
      const dx = crop.x + cx;
      const dy = crop.y + cy;
      let px = dx;
      let py = dy;
      if (rotation === 90) {
        px = dy;
        py = scaled.width - 1 - dx;
      } else if (rotation === 180) {
        px = scaled.width - 1 - dx;
        py = scaled.height - 1 - dy;
      } else if (rotation === 270) {
        px = scaled.height - 1 - dy;
        py = dx;
      }
      const c = Math.floor(py / sy) * chromaWidth + Math.floor(px / sx);
      let r: number;
      let g: number;
      let b: number;
      if (rgb) {
        r = y[py * width + px]!;
        g = u[c]!;
        b = v[c]!;
      } else {
        const luma = (y[py * width + px]! - yOffset) * yScale;
        const cb = u[c]! - 128;
        const cr = v[c]! - 128;
        r = luma + rFromCr * cr;
        g = luma - gFromCb * cb - gFromCr * cr;
        b = luma + bFromCb * cb;
      }
      if (hdr) {
        pixel[0] = r / 255;
        pixel[1] = g / 255;
        pixel[2] = b / 255;
        toneMapPixel(pixel, hdr);
        out[o] = pixel[0] * 255;
        out[o + 1] = pixel[1] * 255;
        out[o + 2] = pixel[2] * 255;
      } else {
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
      }
      out[o + 3] = 255;
      o += 4;
    }
  }
  return new Uint8Array(out.buffer);
}
