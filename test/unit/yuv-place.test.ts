// Placing decoded YUV pictures (the WebCodecs path): area resampling, rotation and crop, colour matrices, and the
// result beside ffmpeg's own `scale=…:flags=area,transpose,crop` on real frames (the ffmpeg CLI as the oracle: the
// ffmpeg.wasm path renders tiles with that filter chain).

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FramePlacement, Rect } from '../../src/core/geometry.js';

type Size = FramePlacement['scaled'];
import {
  isYuvFormat,
  resampleTaps,
  yuvMatrix,
  YuvPlacer,
  type YuvFormat,
  type YuvPicture,
} from '../../src/engine/webcodecs/yuv-place.js';
import { toneMapFilters } from '../../src/core/tone-map.js';
import { hdrGrade } from '../hdr-grade.js';
import { rgbPsnr } from '../psnr.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** A placement as the core gives one: `scaled` in display orientation, the picture scaled transposed when sideways. */
function placement(
  scaled: Size,
  crop: Rect = { x: 0, y: 0, ...scaled },
  rotation: 0 | 90 | 180 | 270 = 0,
): FramePlacement {
  const scaledCoded = rotation === 90 || rotation === 270 ? { width: scaled.height, height: scaled.width } : scaled;
  return {
    cell: crop,
    scaled,
    crop,
    dst: { x: 0, y: 0, width: crop.width, height: crop.height },
    scaledCoded,
    rotation,
  };
}

/** PSNR over the colour channels, dB. */
function psnr(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  return rgbPsnr(a, b);
}

/** A planar picture from per-plane sample functions; chroma planes at the format's subsampling. */
function picture(
  format: Exclude<YuvFormat, 'NV12'>,
  width: number,
  height: number,
  y: (x: number, y: number) => number,
  u: (x: number, y: number) => number = () => 128,
  v: (x: number, y: number) => number = () => 128,
): YuvPicture {
  const [sx, sy] = format.startsWith('I420') ? [2, 2] : format.startsWith('I422') ? [2, 1] : [1, 1];
  const cw = Math.ceil(width / sx);
  const ch = Math.ceil(height / sy);
  // Strides wider than the rows, as decoders pad them.
  const stride = width + 3;
  const cstride = cw + 5;
  const data = new Uint8Array(stride * height + 2 * cstride * ch);
  for (let j = 0; j < height; j++) for (let i = 0; i < width; i++) data[j * stride + i] = y(i, j);
  const uOffset = stride * height;
  const vOffset = uOffset + cstride * ch;
  for (let j = 0; j < ch; j++) {
    for (let i = 0; i < cw; i++) {
      data[uOffset + j * cstride + i] = u(i, j);
      data[vOffset + j * cstride + i] = v(i, j);
    }
  }
  return {
    format,
    width,
    height,
    data,
    layout: [
      { offset: 0, stride },
      { offset: uOffset, stride: cstride },
      { offset: vOffset, stride: cstride },
    ],
  };
}

/** The same picture with its chroma interleaved, as NV12. */
function asNv12(p: YuvPicture): YuvPicture {
  const cw = Math.ceil(p.width / 2);
  const ch = Math.ceil(p.height / 2);
  const lumaBytes = p.layout[0]!.stride * p.height;
  const data = new Uint8Array(lumaBytes + cw * 2 * ch);
  data.set(p.data.subarray(0, lumaBytes));
  for (let j = 0; j < ch; j++) {
    for (let i = 0; i < cw; i++) {
      data[lumaBytes + j * cw * 2 + i * 2] = p.data[p.layout[1]!.offset + j * p.layout[1]!.stride + i]!;
      data[lumaBytes + j * cw * 2 + i * 2 + 1] = p.data[p.layout[2]!.offset + j * p.layout[2]!.stride + i]!;
    }
  }
  return { ...p, format: 'NV12', data, layout: [p.layout[0]!, { offset: lumaBytes, stride: cw * 2 }] };
}

const FULL_601 = yuvMatrix('smpte170m', true)!;

describe('resampleTaps', () => {
  it('weighs every output sample to exactly 1, reading only samples that exist (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 400 }), (from, to) => {
        const { first, count, weights } = resampleTaps(from, to);
        let w = 0;
        for (let i = 0; i < to; i++) {
          expect(first[i]).toBeGreaterThanOrEqual(0);
          expect(first[i]! + count[i]!).toBeLessThanOrEqual(from);
          let sum = 0;
          for (let k = 0; k < count[i]!; k++) sum += weights[w++]!;
          expect(sum).toBeCloseTo(1, 5);
        }
        expect(w).toBe(weights.length);
      }),
    );
  });

  it('averages areas when shrinking, partial samples by the part covered', () => {
    expect(resampleTaps(4, 2)).toEqual({
      first: Int32Array.from([0, 2]),
      count: Int32Array.from([2, 2]),
      weights: Float32Array.from([0.5, 0.5, 0.5, 0.5]),
    });
    const third = resampleTaps(4, 3); // each output covers 4/3 of a sample
    expect([...third.first]).toEqual([0, 1, 2]);
    expect([...third.weights].map((x) => Math.round(x * 100) / 100)).toEqual([0.75, 0.25, 0.5, 0.5, 0.25, 0.75]);
  });

  it('interpolates linearly when enlarging', () => {
    const { first, count, weights } = resampleTaps(2, 4);
    expect([...first]).toEqual([0, 0, 0, 1]);
    expect([...count]).toEqual([1, 2, 2, 1]);
    expect([...weights]).toEqual([1, 0.75, 0.25, 0.25, 0.75, 1]);
  });
});

describe('yuvMatrix', () => {
  it('knows the matrices WebCodecs names, takes untagged video as BT.601 limited range, and refuses the rest', () => {
    expect(yuvMatrix(null, null)).toEqual({ kr: 0.299, kb: 0.114, fullRange: false });
    expect(yuvMatrix('bt709', true)).toEqual({ kr: 0.2126, kb: 0.0722, fullRange: true });
    expect(yuvMatrix('bt2020-ncl', false)?.kr).toBe(0.2627);
    expect(yuvMatrix('rgb', false)).toBeNull();
    expect(yuvMatrix('fcc', false)).toBeNull();
    expect(isYuvFormat('I420')).toBe(true);
    expect(isYuvFormat('I420P10')).toBe(true);
    expect(isYuvFormat('RGBA')).toBe(false);
    expect(isYuvFormat(null)).toBe(false);
  });
});

describe('YuvPlacer', () => {
  it('turns BT.601 and BT.709, limited and full range, into the colours they encode', () => {
    const flat = (matrix: string, full: boolean, [y, u, v]: number[]) => [
      ...new YuvPlacer()
        .place(
          picture(
            'I420',
            8,
            8,
            () => y!,
            () => u!,
            () => v!,
          ),
          yuvMatrix(matrix, full),
          placement({ width: 2, height: 2 }),
        )
        .subarray(0, 4),
    ];
    // (176, 64, 32) as ffmpeg encodes it each way (`scale=out_color_matrix=…:out_range=…`): back within rounding (ffmpeg rounds the encoded samples, too).
    for (const [matrix, full, yuv] of [
      ['smpte170m', false, [97, 97, 179]],
      ['bt709', false, [89, 102, 178]],
      ['smpte170m', true, [94, 93, 186]],
    ] as const) {
      const [r, g, b, a] = flat(matrix, full, [...yuv]);
      expect(
        [Math.abs(r! - 176), Math.abs(g! - 64), Math.abs(b! - 32)].every((d) => d <= 2),
        `${matrix} ${full}: ${r},${g},${b}`,
      ).toBe(true);
      expect(a).toBe(255);
    }
    expect(flat('smpte170m', false, [235, 128, 128])).toEqual([255, 255, 255, 255]);
    expect(flat('smpte170m', false, [16, 128, 128])).toEqual([0, 0, 0, 255]);
  });

  it('shrinks by two as the mean of each 2 × 2 block', () => {
    const luma = (x: number, y: number) => (x * 37 + y * 91) % 256;
    const out = new YuvPlacer().place(picture('I444', 8, 6, luma), FULL_601, placement({ width: 4, height: 3 }));
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 4; i++) {
        const mean =
          (luma(2 * i, 2 * j) + luma(2 * i + 1, 2 * j) + luma(2 * i, 2 * j + 1) + luma(2 * i + 1, 2 * j + 1)) / 4;
        expect(Math.abs(out[(j * 4 + i) * 4]! - mean)).toBeLessThanOrEqual(0.5);
      }
    }
  });

  it('turns the picture clockwise and crops in display orientation (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom<0 | 90 | 180 | 270>(0, 90, 180, 270),
        fc.nat(),
        (w, h, rotation, seed) => {
          const luma = (x: number, y: number) => (x * 29 + y * 71 + seed) % 220;
          const src = picture('I444', w, h, luma);
          const sideways = rotation === 90 || rotation === 270;
          const display = sideways ? { width: h, height: w } : { width: w, height: h };
          const crop = {
            x: Math.floor(display.width / 3),
            y: Math.floor(display.height / 4),
            width: Math.ceil(display.width / 2),
            height: Math.ceil(display.height / 2),
          };
          const out = new YuvPlacer().place(src, FULL_601, placement(display, crop, rotation));
          for (let cy = 0; cy < crop.height; cy++) {
            for (let cx = 0; cx < crop.width; cx++) {
              const dx = crop.x + cx;
              const dy = crop.y + cy;
              // Where a clockwise turn by `rotation` takes each source pixel from.
              const [sx, sy] =
                rotation === 0
                  ? [dx, dy]
                  : rotation === 90
                    ? [dy, h - 1 - dx]
                    : rotation === 180
                      ? [w - 1 - dx, h - 1 - dy]
                      : [w - 1 - dy, dx];
              expect(out[(cy * crop.width + cx) * 4]).toBe(luma(sx, sy));
            }
          }
        },
      ),
    );
  });

  it('keeps 4:4:4 chroma whole across and shares 4:2:0 chroma between two pixels, as ffmpeg does', () => {
    const stripes = (x: number) => (x % 2 === 0 ? 60 : 200);
    const red = (format: 'I444' | 'I420') => {
      const out = new YuvPlacer().place(
        picture(format, 4, 2, () => 128, stripes),
        FULL_601,
        placement({ width: 4, height: 2 }),
      );
      return [0, 1, 2, 3].map((i) => out[i * 4 + 2]);
    };
    const [a, b, c, d] = red('I444');
    expect(a).toBe(c);
    expect(b).toBe(d);
    expect(Math.abs(a! - b!)).toBeGreaterThan(100);
    const shared = red('I420');
    expect(shared[0]).toBe(shared[1]);
    expect(shared[2]).toBe(shared[3]);
  });

  it('reads NV12 as it reads I420, odd sizes included', () => {
    const p = picture(
      'I420',
      13,
      7,
      (x, y) => (x * 19 + y * 43) % 256,
      (x, y) => 60 + x * 9 + y,
      (x, y) => 200 - x * 7 - y * 3,
    );
    const target = placement({ width: 3, height: 5 }, undefined, 90);
    expect(new YuvPlacer().place(asNv12(p), FULL_601, target)).toEqual(new YuvPlacer().place(p, FULL_601, target));
  });
});

describe("YuvPlacer beside ffmpeg (the ffmpeg.wasm path's filters, run by the CLI)", () => {
  const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', ...args], { maxBuffer: 1 << 28 });
  // The file, its matrix tag, the scaled size in display orientation, the turn, the crop.
  const cases: [file: string, matrix: string | null, scaled: Size, rotation: 0 | 90 | 180 | 270, crop?: Rect][] = [
    ['h264_mp4_1280x720_10frames_openshot.mp4', null, { width: 160, height: 90 }, 0],
    ['h264_mov_640x465_odd-dims_dualdiscs.mov', null, { width: 99, height: 72 }, 0],
    [
      'vp8-vorbis_webm_640x360_rocket-launch.webm',
      null,
      { width: 90, height: 160 },
      90,
      { x: 10, y: 35, width: 64, height: 64 },
    ],
    [
      'h264-aac_fmp4_320x180_bbb.mp4',
      'bt709',
      { width: 320, height: 180 },
      180,
      { x: 80, y: 45, width: 160, height: 90 },
    ],
    ['h264_ts_256x110_sar110-109.ts', null, { width: 258, height: 110 }, 270],
    ['h264_ts_256x110_sar110-109.ts', null, { width: 258, height: 110 }, 0],
    ['h264_ts_256x110_sar110-109.ts', null, { width: 110, height: 258 }, 90],
  ];
  for (const [file, matrix, scaled, rotation, crop = { x: 0, y: 0, ...scaled }] of cases) {
    it(`${file}, ${scaled.width}×${scaled.height}, turned ${rotation}°: within 40 dB of ffmpeg`, () => {
      const [width, height] = execFileSync(
        'ffprobe',
        [
          '-v',
          'error',
          '-select_streams',
          'v:0',
          '-show_entries',
          'stream=width,height',
          '-of',
          'csv=p=0',
          fixture(file),
        ],
        { encoding: 'utf8' },
      )
        // MPEG-TS lists its stream twice (in its program, then alone).
        .split('\n')[0]!
        .split(',')
        .map(Number) as [number, number];
      const yuv = ffmpeg(['-i', fixture(file), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-']);
      const sideways = rotation === 90 || rotation === 270;
      const turn = { 0: [], 90: ['transpose=clock'], 180: ['hflip', 'vflip'], 270: ['transpose=cclock'] }[rotation];
      const filters = [
        `scale=${sideways ? scaled.height : scaled.width}:${sideways ? scaled.width : scaled.height}:flags=area`,
        ...turn,
        `crop=${crop.width}:${crop.height}:${crop.x}:${crop.y}:exact=1`,
      ];
      const expected = ffmpeg([
        '-i',
        fixture(file),
        '-frames:v',
        '1',
        '-vf',
        filters.join(','),
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgba',
        '-',
      ]);
      const cw = Math.ceil(width / 2);
      const ch = Math.ceil(height / 2);
      const src: YuvPicture = {
        format: 'I420',
        width,
        height,
        data: new Uint8Array(yuv),
        layout: [
          { offset: 0, stride: width },
          { offset: width * height, stride: cw },
          { offset: width * height + cw * ch, stride: cw },
        ],
      };
      const ours = new YuvPlacer().place(src, yuvMatrix(matrix, false), placement(scaled, crop, rotation));
      // ffmpeg's plain conversion itself is off by up to 2 levels (grey 126,128,128 gives 128,126,129).
      expect(psnr(ours, new Uint8Array(expected))).toBeGreaterThanOrEqual(40);
    });
  }
});

describe('YuvPlacer: 10-bit, HDR and interlaced pictures', () => {
  const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', ...args], { maxBuffer: 1 << 28 });
  const ROCKET = fixture('vp8-vorbis_webm_640x360_rocket-launch.webm');
  const [W, H] = [640, 360];
  /** A 640 × 360 4:2:0 picture of 16-bit samples, as copyTo lays out I420P10. */
  const picture10 = (data: Buffer): YuvPicture => ({
    format: 'I420P10',
    width: W,
    height: H,
    data: new Uint8Array(data),
    layout: [
      { offset: 0, stride: W * 2 },
      { offset: W * H * 2, stride: W },
      { offset: W * H * 2 + (W / 2) * (H / 2) * 2, stride: W },
    ],
  });
  const meanLevels = (a: Uint8Array, b: Uint8Array) => {
    let sum = 0;
    for (let i = 0; i < a.length; i++) if (i % 4 !== 3) sum += Math.abs(a[i]! - b[i]!);
    return sum / ((a.length / 4) * 3);
  };
  const frame = (filters: string, format: string) =>
    ffmpeg([
      '-i',
      ROCKET,
      '-vf',
      `select=eq(n\\,40),${filters}`,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      format,
      '-',
    ]);

  it('places 10-bit SDR from its 16-bit words, as ffmpeg scales it (40 dB)', () => {
    const yuv = frame('null', 'yuv420p10le');
    const expected = frame('scale=160:90:flags=area', 'rgba');
    const ours = new YuvPlacer().place(picture10(yuv), yuvMatrix(null, false), placement({ width: 160, height: 90 }));
    expect(psnr(ours, new Uint8Array(expected))).toBeGreaterThanOrEqual(40);
  });

  for (const [transfer, limit] of [
    ['pq', 1.5],
    ['hlg', 1.5],
  ] as const) {
    it(`tone-maps ${transfer} to BT.709 within ${limit} levels on average of the CLI's zscale + tonemap`, () => {
      const grade = hdrGrade(transfer);
      const yuv = frame(grade, 'yuv420p10le');
      // The usual recipe: tone-mapped at full size, then scaled (we scale first: the same picture, less arithmetic).
      const expected = new Uint8Array(
        frame(`${grade},${toneMapFilters(transfer).join(',')},scale=160:90:flags=area`, 'rgba'),
      );
      const untouched = new Uint8Array(frame(`${grade},scale=160:90:flags=area`, 'rgba'));
      const matrix = yuvMatrix('bt2020-ncl', false)!;
      const size = placement({ width: 160, height: 90 });
      const ours = new YuvPlacer().place(picture10(yuv), matrix, size, { interlaced: false, hdr: transfer });
      expect(meanLevels(ours, expected)).toBeLessThan(limit);
      // Without the tone-mapping the picture is far off: the test tells the two apart.
      const plain = new YuvPlacer().place(picture10(yuv), matrix, size);
      expect(meanLevels(plain, expected)).toBeGreaterThan(3 * limit);
      expect(meanLevels(plain, untouched)).toBeLessThan(1);
    });
  }

  it('reads an interlaced picture by its first field only: no comb of the other field is left', () => {
    // Even rows (the first field) 180, odd rows 60: a woven picture of two fields that disagree everywhere.
    const [w, h] = [8, 8];
    const data = new Uint8Array((w * h * 3) / 2);
    for (let y = 0; y < h; y++) data.fill(y % 2 === 0 ? 180 : 60, y * w, (y + 1) * w);
    data.fill(128, w * h);
    const woven: YuvPicture = {
      format: 'I420',
      width: w,
      height: h,
      data,
      layout: [
        { offset: 0, stride: w },
        { offset: w * h, stride: w / 2 },
        { offset: w * h + (w / 2) * (h / 2), stride: w / 2 },
      ],
    };
    const matrix = yuvMatrix(null, true)!;
    for (const size of [
      { width: 8, height: 8 },
      { width: 4, height: 4 },
    ]) {
      const fields = new YuvPlacer().place(woven, matrix, placement(size), { interlaced: true, hdr: undefined });
      expect(new Set(fields.filter((_, i) => i % 4 === 1))).toEqual(new Set([180]));
    }
    const weave = new YuvPlacer().place(woven, matrix, placement({ width: 8, height: 8 }));
    expect(new Set(weave.filter((_, i) => i % 4 === 1))).toEqual(new Set([60, 180]));
  });

  it('reads packed RGB (BGRX, as Firefox decodes) channel by channel, a field at a time when interlaced', () => {
    const [w, h] = [4, 4];
    const data = new Uint8Array(w * h * 4);
    // Blue 10, green 20, red 30 in the first field's rows; 200, 210, 220 in the other's.
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) data.set(y % 2 === 0 ? [10, 20, 30, 255] : [200, 210, 220, 255], (y * w + x) * 4);
    const picture: YuvPicture = { format: 'BGRX', width: w, height: h, data, layout: [{ offset: 0, stride: w * 4 }] };
    const fields = new YuvPlacer().place(picture, null, placement({ width: 4, height: 4 }), {
      interlaced: true,
      hdr: undefined,
    });
    expect([...fields.subarray(0, 4)]).toEqual([30, 20, 10, 255]);
    expect(new Set(fields)).toEqual(new Set([30, 20, 10, 255]));
    const woven = new YuvPlacer().place(picture, null, placement({ width: 4, height: 4 }));
    expect([...woven.subarray(16, 20)]).toEqual([220, 210, 200, 255]);
  });
});
