// Cell box, scale types, sheet layout and the 16384 px limit (SPEC §2 and §4), all in integer px.

import { SpriteError } from './errors.js';
import type { ResolvedOptions, ScaleType } from './options.js';
import { isSideways, type Rotation, type Size } from './source.js';

/** Largest sheet side the output may have, in px (the original API's limit). */
export const MAX_SHEET_SIDE = 16384;

/** An integer rectangle in px. */
export interface Rect {
  /** Left edge, px. */
  x: number;
  /** Top edge, px. */
  y: number;
  /** Width, px. */
  width: number;
  /** Height, px. */
  height: number;
}

/** SPEC §2 box: `W = sw ?? round(Ws·psw/100)`, `H = sh ?? round(Hs·psh/100)`, each at least 1 px. */
export function cellBox(opts: Pick<ResolvedOptions, 'sw' | 'sh' | 'psw' | 'psh'>, display: Size): Size {
  return {
    width: opts.sw ?? Math.max(1, Math.round((display.width * opts.psw) / 100)),
    height: opts.sh ?? Math.max(1, Math.round((display.height * opts.psh) / 100)),
  };
}

/**
 * How a frame of display size `display` goes into its box: what every decoder must produce and where it lands. The one
 * description of the geometry: ffmpeg's filter chain, the YUV placer and the canvas all follow it.
 */
export interface FramePlacement {
  /**
   * The size the decoded picture (coded orientation, pixels not yet square) is scaled to, before it is turned:
   * `scaled`, transposed when the turn is sideways. Scaling first leaves fewer pixels to turn.
   */
  scaledCoded: Size;
  /** The clockwise turn after scaling (the video's rotation). */
  rotation: Rotation;
  /** The cell's size on the sheet: the box, except for `fit`, where it shrinks to the scaled frame. */
  cell: Size;
  /** The whole (rotated, SAR-corrected) frame scaled to this size. */
  scaled: Size;
  /** The part of the scaled frame that is kept, in scaled px (everything but for `crop`). */
  crop: Rect;
  /** Where the kept part lands inside the cell (centred with bars around it for `fill`). */
  dst: Rect;
}

const whole = (size: Size): Rect => ({ x: 0, y: 0, width: size.width, height: size.height });

/**
 * The four scale types of SPEC §2 as integer sizes and rectangles, for a video shown at `display` (SAR and `rotation`
 * applied).
 */
export function framePlacement(scaletype: ScaleType, display: Size, box: Size, rotation: Rotation = 0): FramePlacement {
  const fitted = fitInBox(scaletype, display, box);
  const { scaled } = fitted;
  return {
    ...fitted,
    rotation,
    scaledCoded: isSideways(rotation) ? { width: scaled.height, height: scaled.width } : scaled,
  };
}

function fitInBox(scaletype: ScaleType, display: Size, box: Size): Omit<FramePlacement, 'rotation' | 'scaledCoded'> {
  const sx = box.width / display.width;
  const sy = box.height / display.height;
  switch (scaletype) {
    case 'stretch':
      return { cell: box, scaled: box, crop: whole(box), dst: whole(box) };
    case 'crop': {
      const s = Math.max(sx, sy);
      // Rounding may leave the scaled frame a pixel short of the box: never crop more than exists.
      const scaled = {
        width: Math.max(box.width, Math.round(display.width * s)),
        height: Math.max(box.height, Math.round(display.height * s)),
      };
      const crop = {
        x: Math.floor((scaled.width - box.width) / 2),
        y: Math.floor((scaled.height - box.height) / 2),
        width: box.width,
        height: box.height,
      };
      return { cell: box, scaled, crop, dst: whole(box) };
    }
    case 'fill': {
      const s = Math.min(sx, sy);
      const scaled = {
        width: Math.min(box.width, Math.max(1, Math.round(display.width * s))),
        height: Math.min(box.height, Math.max(1, Math.round(display.height * s))),
      };
      const dst = {
        x: Math.floor((box.width - scaled.width) / 2),
        y: Math.floor((box.height - scaled.height) / 2),
        width: scaled.width,
        height: scaled.height,
      };
      return { cell: box, scaled, crop: whole(scaled), dst };
    }
    case 'fit': {
      const s = Math.min(sx, sy);
      const cell = {
        width: Math.max(1, Math.round(display.width * s)),
        height: Math.max(1, Math.round(display.height * s)),
      };
      return { cell, scaled: cell, crop: whole(cell), dst: whole(cell) };
    }
  }
}

/** A sheet's grid: every sheet of a job has this size. */
export interface SheetLayout {
  /** Sheet width, px. */
  width: number;
  /** Sheet height, px. */
  height: number;
  /** Cell size, px. */
  cell: Size;
  /** Cells per row (`tw`). */
  columns: number;
  /** Rows per sheet (`th`). */
  rows: number;
  /** Cells per sheet (`columns · rows`). */
  perSheet: number;
  /** Gap between cells, px. */
  pad: number;
  /** Border around the grid, px. */
  margin: number;
}

/** One side of a sheet (SPEC §4): `2·margin + count·cell + (count−1)·pad`. */
function sheetSide(count: number, cell: number, opts: Pick<ResolvedOptions, 'pad' | 'margin'>): number {
  return 2 * opts.margin + count * cell + (count - 1) * opts.pad;
}

/** Sheet size per SPEC §4: `2·margin + tw·cellW + (tw−1)·pad` by `2·margin + th·cellH + (th−1)·pad`. */
export function sheetLayout(opts: Pick<ResolvedOptions, 'tw' | 'th' | 'pad' | 'margin'>, cell: Size): SheetLayout {
  return {
    width: sheetSide(opts.tw, cell.width, opts),
    height: sheetSide(opts.th, cell.height, opts),
    cell,
    columns: opts.tw,
    rows: opts.th,
    perSheet: opts.tw * opts.th,
    pad: opts.pad,
    margin: opts.margin,
  };
}

/** Top-left corner of cell `k` (from 0, row by row) of a sheet. */
export function cellOrigin(layout: SheetLayout, k: number): { x: number; y: number } {
  return {
    x: layout.margin + (k % layout.columns) * (layout.cell.width + layout.pad),
    y: layout.margin + Math.floor(k / layout.columns) * (layout.cell.height + layout.pad),
  };
}

/** Sheet and cell index of the `n`-th captured frame of a job (from 0). */
export function cellOfFrame(layout: SheetLayout, n: number): { sheet: number; k: number } {
  return { sheet: Math.floor(n / layout.perSheet), k: n % layout.perSheet };
}

/** Wording of what drives one axis's cell size, for the error message. */
function cellDriver(axis: 'width' | 'height', opts: ResolvedOptions, display?: Size): string {
  const [fixed, percent] = axis === 'width' ? (['sw', 'psw'] as const) : (['sh', 'psh'] as const);
  const given = opts[fixed];
  const fit = opts.scaletype === 'fit' ? ', shrunk by scaletype fit' : '';
  if (given !== undefined) return `${fixed}(${given})${fit}`;
  const source = display ? `source ${axis} ${display[axis]} px` : `source ${axis}`;
  return `${percent}(${opts[percent]}%) of the ${source}${fit}`;
}

/**
 * Throws SHEET_TOO_LARGE when the sheet exceeds 16384 px on a side, naming the computed size and every
 * parameter that drives it. `param` is `tw` or `th`, the count that multiplies the overflow.
 */
export function checkSheetSize(layout: SheetLayout, opts: ResolvedOptions, display?: Size): void {
  const wide = layout.width > MAX_SHEET_SIDE;
  const tall = layout.height > MAX_SHEET_SIDE;
  if (!wide && !tall) return;
  const parts: string[] = [];
  if (wide) {
    parts.push(
      `width = 2·margin(${opts.margin}) + tw(${opts.tw})·cell width(${layout.cell.width}, from ${cellDriver('width', opts, display)}) + ${opts.tw - 1}·pad(${opts.pad})`,
    );
  }
  if (tall) {
    parts.push(
      `height = 2·margin(${opts.margin}) + th(${opts.th})·cell height(${layout.cell.height}, from ${cellDriver('height', opts, display)}) + ${opts.th - 1}·pad(${opts.pad})`,
    );
  }
  const lower = [wide ? 'tw, sw/psw' : '', tall ? 'th, sh/psh' : '', 'pad or margin'].filter(Boolean).join(', ');
  throw new SpriteError(
    'SHEET_TOO_LARGE',
    `The sheet would be ${layout.width} × ${layout.height} px, over the ${MAX_SHEET_SIDE} px limit: ${parts.join('; ')}. Lower ${lower}.`,
    {
      param: wide ? 'tw' : 'th',
      details: {
        width: layout.width,
        height: layout.height,
        limit: MAX_SHEET_SIDE,
        axis: wide && tall ? 'both' : wide ? 'width' : 'height',
      },
    },
  );
}

/**
 * The check that can run before decoding, without the source: an axis whose cell size is fixed (`sw`/`sh` given,
 * scale type not `fit`, which may shrink the cell) already fixes that side of the sheet.
 */
export function checkSheetSizeEarly(opts: ResolvedOptions): void {
  if (opts.scaletype === 'fit') return;
  // An axis whose cell size is not known yet counts as 0 px: it cannot be over the limit.
  const layout = sheetLayout(opts, { width: opts.sw ?? 0, height: opts.sh ?? 0 });
  checkSheetSize(
    { ...layout, width: opts.sw === undefined ? 0 : layout.width, height: opts.sh === undefined ? 0 : layout.height },
    opts,
  );
}

/** Everything geometric about a job once the source's display size is known. */
export interface GeometryPlan {
  /** How each frame is scaled, cropped and placed in its cell. */
  placement: FramePlacement;
  /** The sheets' grid and size. */
  layout: SheetLayout;
}

/** Placement and layout for a source shown at `display`; throws SHEET_TOO_LARGE before any frame is decoded. */
export function planGeometry(opts: ResolvedOptions, display: Size, rotation: Rotation): GeometryPlan {
  const placement = framePlacement(opts.scaletype, display, cellBox(opts, display), rotation);
  const layout = sheetLayout(opts, placement.cell);
  checkSheetSize(layout, opts, display);
  return { placement, layout };
}
