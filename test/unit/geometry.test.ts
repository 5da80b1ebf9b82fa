import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cellBox,
  cellOfFrame,
  cellOrigin,
  checkSheetSize,
  checkSheetSizeEarly,
  framePlacement,
  MAX_SHEET_SIDE,
  planGeometry,
  sheetLayout,
  type FramePlacement,
} from '../../src/core/geometry.js';
import { resolveOptions, type ScaleType, type SpriteOptions } from '../../src/core/options.js';
import { displaySize, type Size } from '../../src/core/source.js';
import { errorOf } from './support.js';

const opts = (o: Partial<SpriteOptions> = {}) => resolveOptions({ f: 'jpg', ...o });

const LANDSCAPE: Size = { width: 1920, height: 1080 };
const PORTRAIT: Size = { width: 720, height: 1280 };
const ROTATED = displaySize({ codedWidth: 1920, codedHeight: 1080, sar: [1, 1], rotation: 90 });
const ANAMORPHIC = displaySize({ codedWidth: 640, codedHeight: 360, sar: [2, 1], rotation: 0 });

describe('display size (SPEC §2)', () => {
  it('stretches the width by the SAR and swaps sides for 90°/270°', () => {
    expect(ROTATED).toEqual({ width: 1080, height: 1920 });
    expect(ANAMORPHIC).toEqual({ width: 1280, height: 360 });
    expect(displaySize({ codedWidth: 256, codedHeight: 110, sar: [110, 109], rotation: 0 })).toEqual({
      width: 258,
      height: 110,
    });
    expect(displaySize({ codedWidth: 640, codedHeight: 360, sar: [2, 1], rotation: 270 })).toEqual({
      width: 360,
      height: 1280,
    });
    expect(displaySize({ codedWidth: 640, codedHeight: 360, sar: [0, 1], rotation: 180 })).toEqual({
      width: 640,
      height: 360,
    });
  });
});

describe('cellBox', () => {
  it('takes sw/sh when given, psw/psh of the display size otherwise, axes independent', () => {
    expect(cellBox(opts({ sw: 200 }), LANDSCAPE)).toEqual({ width: 200, height: 1080 });
    expect(cellBox(opts({ sh: 150 }), LANDSCAPE)).toEqual({ width: 1920, height: 150 });
    expect(cellBox(opts({ psw: 10, psh: 10 }), LANDSCAPE)).toEqual({ width: 192, height: 108 });
    expect(cellBox(opts({ sw: 200, psw: 10, psh: 50 }), LANDSCAPE)).toEqual({ width: 200, height: 540 });
    expect(cellBox(opts(), ANAMORPHIC)).toEqual({ width: 1280, height: 360 });
  });

  it('rounds percentages of odd sizes and never goes below 1 px', () => {
    expect(cellBox(opts({ psw: 10, psh: 10 }), { width: 721, height: 405 })).toEqual({ width: 72, height: 41 }); // 72.1, 40.5 → 41
    expect(cellBox(opts({ psw: 1, psh: 1 }), { width: 20, height: 20 })).toEqual({ width: 1, height: 1 }); // 0.2 → 0 → 1
  });
});

describe('framePlacement: the four scale types', () => {
  const BOX = { width: 200, height: 150 };

  it('stretch fills the box, aspect ignored', () => {
    for (const display of [LANDSCAPE, PORTRAIT, ROTATED, ANAMORPHIC]) {
      expect(framePlacement('stretch', display, BOX)).toEqual({
        cell: BOX,
        scaled: BOX,
        crop: { x: 0, y: 0, width: 200, height: 150 },
        dst: { x: 0, y: 0, width: 200, height: 150 },
        scaledCoded: BOX,
        rotation: 0,
      });
    }
  });

  it('crop scales by the larger ratio and cuts the overflow, centred', () => {
    // Landscape 1920×1080 into 200×150: s = max(0.1042, 0.1389) = 0.1389 → 266.67×150 → 267×150, cut 67 → x = 33.
    expect(framePlacement('crop', LANDSCAPE, BOX)).toEqual({
      cell: BOX,
      scaled: { width: 267, height: 150 },
      crop: { x: 33, y: 0, width: 200, height: 150 },
      dst: { x: 0, y: 0, width: 200, height: 150 },
      scaledCoded: { width: 267, height: 150 },
      rotation: 0,
    });
    // Portrait 720×1280: s = max(0.2778, 0.1172) = 0.2778 → 200×355.6 → 200×356, cut 206 → y = 103.
    expect(framePlacement('crop', PORTRAIT, BOX).crop).toEqual({ x: 0, y: 103, width: 200, height: 150 });
    // Rotated 1080×1920: s = 0.1852 → 200×355.6 → 200×356.
    expect(framePlacement('crop', ROTATED, BOX).scaled).toEqual({ width: 200, height: 356 });
    // Anamorphic 1280×360: s = max(0.15625, 0.41667) → 533.3×150 → 533×150, x = 166.
    expect(framePlacement('crop', ANAMORPHIC, BOX).crop).toEqual({ x: 166, y: 0, width: 200, height: 150 });
  });

  it('fill scales by the smaller ratio and centres the frame between bars', () => {
    // Landscape: s = 0.1042 → 200×112.5 → 200×113 (round half up), bars 37 → y = 18.
    expect(framePlacement('fill', LANDSCAPE, BOX)).toEqual({
      cell: BOX,
      scaled: { width: 200, height: 113 },
      crop: { x: 0, y: 0, width: 200, height: 113 },
      dst: { x: 0, y: 18, width: 200, height: 113 },
      scaledCoded: { width: 200, height: 113 },
      rotation: 0,
    });
    // Portrait: s = 0.1172 → 84.4×150 → 84×150, bars 116 → x = 58.
    expect(framePlacement('fill', PORTRAIT, BOX).dst).toEqual({ x: 58, y: 0, width: 84, height: 150 });
    // Anamorphic 1280×360: s = 0.15625 → 200×56.25 → 200×56, y = 47.
    expect(framePlacement('fill', ANAMORPHIC, BOX).dst).toEqual({ x: 0, y: 47, width: 200, height: 56 });
  });

  it('fit shrinks the cell itself to the scaled frame, no bars', () => {
    expect(framePlacement('fit', LANDSCAPE, BOX).cell).toEqual({ width: 200, height: 113 });
    expect(framePlacement('fit', PORTRAIT, BOX).cell).toEqual({ width: 84, height: 150 });
    expect(framePlacement('fit', ROTATED, BOX).cell).toEqual({ width: 84, height: 150 });
    expect(framePlacement('fit', ANAMORPHIC, BOX)).toEqual({
      cell: { width: 200, height: 56 },
      scaled: { width: 200, height: 56 },
      crop: { x: 0, y: 0, width: 200, height: 56 },
      dst: { x: 0, y: 0, width: 200, height: 56 },
      scaledCoded: { width: 200, height: 56 },
      rotation: 0,
    });
  });

  it('a turned video: the decoder scales its coded picture to the transposed size, then turns it', () => {
    // ROTATED is 1080 × 1920 on screen, a 1920 × 1080 picture turned 90°; crop into 200 × 150 scales it to 200 × 356.
    for (const rotation of [90, 270] as const) {
      const p = framePlacement('crop', ROTATED, BOX, rotation);
      expect([p.scaled, p.scaledCoded, p.rotation]).toEqual([
        { width: 200, height: 356 },
        { width: 356, height: 200 },
        rotation,
      ]);
    }
    const upsideDown = framePlacement('fill', LANDSCAPE, BOX, 180);
    expect(upsideDown.scaledCoded).toEqual(upsideDown.scaled);
  });

  it("the original document's avg example: 10 % boxes with fit", () => {
    const p = planGeometry(
      opts({ m: 'avg', psw: 10, psh: 10, scaletype: 'fit', tw: 10, th: 10, pad: 4, margin: 5 }),
      LANDSCAPE,
      0,
    );
    expect(p.layout.cell).toEqual({ width: 192, height: 108 });
    expect([p.layout.width, p.layout.height]).toEqual([2 * 5 + 10 * 192 + 9 * 4, 2 * 5 + 10 * 108 + 9 * 4]);
  });

  it('invariants hold for any display size, box and scale type', () => {
    const size = (max: number) =>
      fc.record({ width: fc.integer({ min: 1, max }), height: fc.integer({ min: 1, max }) });
    fc.assert(
      fc.property(
        size(8192),
        size(4096),
        fc.constantFrom<ScaleType>('crop', 'stretch', 'fill', 'fit'),
        (display, box, type) => {
          const p: FramePlacement = framePlacement(type, display, box);
          for (const v of [p.cell, p.scaled, p.crop, p.dst].flatMap((r) => [r.width, r.height])) {
            expect(Number.isInteger(v) && v >= 1).toBe(true);
          }
          // The kept part is inside the scaled frame, lands inside the cell, and has the same size there.
          expect(
            p.crop.x >= 0 &&
              p.crop.y >= 0 &&
              p.crop.x + p.crop.width <= p.scaled.width &&
              p.crop.y + p.crop.height <= p.scaled.height,
          ).toBe(true);
          expect(
            p.dst.x >= 0 &&
              p.dst.y >= 0 &&
              p.dst.x + p.dst.width <= p.cell.width &&
              p.dst.y + p.dst.height <= p.cell.height,
          ).toBe(true);
          expect([p.crop.width, p.crop.height]).toEqual([p.dst.width, p.dst.height]);
          if (type === 'fit') expect(p.cell.width <= box.width && p.cell.height <= box.height).toBe(true);
          else expect(p.cell).toEqual(box);
          if (type === 'fill') {
            // Bars on opposite sides differ by at most one pixel.
            expect(Math.abs(p.cell.width - p.dst.width - 2 * p.dst.x)).toBeLessThanOrEqual(1);
            expect(Math.abs(p.cell.height - p.dst.height - 2 * p.dst.y)).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('sheet layout (SPEC §4)', () => {
  it('sizes the sheet from margin, cells and pads', () => {
    const l = sheetLayout(opts({ tw: 3, th: 2, pad: 4, margin: 5 }), { width: 100, height: 50 });
    expect([l.width, l.height, l.perSheet]).toEqual([2 * 5 + 300 + 2 * 4, 2 * 5 + 100 + 4, 6]);
  });

  it('places cells row by row', () => {
    const l = sheetLayout(opts({ tw: 3, th: 2, pad: 4, margin: 5 }), { width: 100, height: 50 });
    expect([0, 1, 2, 3, 5].map((k) => cellOrigin(l, k))).toEqual([
      { x: 5, y: 5 },
      { x: 109, y: 5 },
      { x: 213, y: 5 },
      { x: 5, y: 59 },
      { x: 213, y: 59 },
    ]);
  });

  it('numbers frames across sheets', () => {
    const l = sheetLayout(opts({ tw: 2, th: 2, pad: 0, margin: 0 }), { width: 10, height: 10 });
    expect([0, 3, 4, 9].map((n) => cellOfFrame(l, n))).toEqual([
      { sheet: 0, k: 0 },
      { sheet: 0, k: 3 },
      { sheet: 1, k: 0 },
      { sheet: 2, k: 1 },
    ]);
  });
});

describe('the 16384 px limit', () => {
  // 2·margin + tw·sw + (tw−1)·pad: 2·2 + 4·4093 + 3·0 = 16376; with pad 2 → 16382; margin 3 → 16384 exactly.
  const exact = { sw: 4093, tw: 4, pad: 2, margin: 3 };

  it('passes at exactly 16384 and fails at 16385, on the width', () => {
    expect(sheetLayout(opts(exact), { width: 4093, height: 32 }).width).toBe(MAX_SHEET_SIDE);
    expect(() => planGeometry(opts(exact), LANDSCAPE, 0)).not.toThrow();
    const e = errorOf(() => planGeometry(opts({ ...exact, sw: 4094 }), LANDSCAPE, 0));
    expect(e.code).toBe('SHEET_TOO_LARGE');
    expect(e.param).toBe('tw');
    expect(e.details).toMatchObject({ width: 16388, limit: 16384, axis: 'width' });
    expect(e.message).toContain('16388 × ');
    expect(e.message).toMatch(/tw\(4\)·cell width\(4094, from sw\(4094\)\)/);
    expect(e.message).toContain('margin(3)');
    expect(e.message).toContain('pad(2)');
  });

  it('fails at exactly 16385 (one pixel over)', () => {
    // 2·0 + 5·3273 + 4·5 = 16385; and 2·2 + 5·3272 + 4·5 = 16384 passes.
    expect(() => checkSheetSizeEarly(opts({ sw: 3272, tw: 5, pad: 5, margin: 2 }))).not.toThrow();
    const e = errorOf(() => checkSheetSizeEarly(opts({ sw: 3273, tw: 5, pad: 5, margin: 0 })));
    expect(e.details).toMatchObject({ width: 16385, axis: 'width' });
    expect(e.message).toContain('16385');
  });

  it('passes at exactly 16384 and fails past it, on the height', () => {
    // 2·0 + 163·100 + 162·0 = 16300; + pad: 162·... use th 100, sh 163, pad 1, margin 8: 16300 + 99 + 16 = 16415 > limit;
    // th 100, sh 163, pad 0, margin 42: 16300 + 84 = 16384 exactly.
    const h = { sh: 163, th: 100, pad: 0, margin: 42 };
    expect(() => planGeometry(opts(h), LANDSCAPE, 0)).not.toThrow();
    expect(planGeometry(opts(h), LANDSCAPE, 0).layout.height).toBe(16384);
    const e = errorOf(() => planGeometry(opts({ ...h, margin: 43 }), LANDSCAPE, 0)); // 16386
    expect([e.param, e.details?.axis, e.details?.height]).toEqual(['th', 'height', 16386]);
    expect(e.message).toMatch(/th\(100\)·cell height\(163, from sh\(163\)\)/);
  });

  it('names psw and the source width when the box comes from a percentage', () => {
    const e = errorOf(() => planGeometry(opts({ psw: 200, tw: 5 }), LANDSCAPE, 0)); // 5 · 3840 > 16384
    expect(e.message).toContain('psw(200%) of the source width 1920 px');
    expect(e.details?.axis).toBe('width');
  });

  it('reports both axes at once', () => {
    const e = errorOf(() =>
      checkSheetSize(sheetLayout(opts({ tw: 100, th: 100 }), { width: 200, height: 200 }), opts({ tw: 100, th: 100 })),
    );
    expect(e.details?.axis).toBe('both');
    expect(e.message).toContain('width =');
    expect(e.message).toContain('height =');
  });

  it('is checked before decoding when sw/sh fix the sheet size, and left for later otherwise', () => {
    expect(errorOf(() => checkSheetSizeEarly(opts({ sw: 4094, tw: 4, pad: 2, margin: 3 }))).code).toBe(
      'SHEET_TOO_LARGE',
    );
    expect(() => checkSheetSizeEarly(opts(exact))).not.toThrow();
    // fit may shrink the cell below sw; psw depends on the source: neither can be judged yet.
    expect(() => checkSheetSizeEarly(opts({ sw: 4096, sh: 4096, tw: 100, th: 100, scaletype: 'fit' }))).not.toThrow();
    expect(() => checkSheetSizeEarly(opts({ psw: 200, tw: 100 }))).not.toThrow();
    expect(() => checkSheetSizeEarly(opts({ sh: 4096, th: 5 }))).toThrow(expect.objectContaining({ param: 'th' }));
  });
});
