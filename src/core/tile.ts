// The unit every output is written from: one captured frame's place on a sheet.

/** One captured frame on a sheet. Coordinates and sizes in px; `time` in ms. */
export interface Tile {
  /** Index of the sheet the tile is on, from 0. */
  sheet: number;
  /** Left edge of the drawn picture on the sheet. */
  x: number;
  /** Top edge of the drawn picture on the sheet. */
  y: number;
  /** Width of the drawn picture (the cell, or the shrunken cell for `fit`). */
  w: number;
  /** Height of the drawn picture. */
  h: number;
  /** Presentation time of the frame actually captured, in ms from the video's first frame. */
  time: number;
}
