// A Mux-style storyboard JSON (url, tile size, duration, tiles with start and position), for players that read it.

import { sheetUrlOf, type SheetUrlOptions } from './sheet-url.js';
import type { Tile } from './tile.js';

/** Mux's storyboard shape; times in seconds. */
export interface Storyboard {
  /** URL of the (first) sheet. */
  url: string;
  /** Tile width, px. */
  tile_width: number;
  /** Tile height, px. */
  tile_height: number;
  /** Video duration, s. */
  duration: number;
  /** Every tile in time order. */
  tiles: StoryboardTile[];
}

/** One tile of a {@link Storyboard}. */
export interface StoryboardTile {
  /** Start time, s. */
  start: number;
  /** Left edge on its sheet, px. */
  x: number;
  /** Top edge on its sheet, px. */
  y: number;
  /** Its own sheet's URL, when the job has several sheets (our extension to Mux's shape). */
  url?: string;
}

const seconds = (ms: number): number => Math.round(ms) / 1000;

/**
 * `url` is the first sheet's URL; tile size is the first tile's; times in s, ms precision.
 * Mux has one image per storyboard: when a job has several sheets, each tile also carries its own sheet's `url`
 * (our extension; readers that ignore it see the first sheet only).
 */
export function buildStoryboard(
  tiles: readonly Tile[],
  sheetNames: readonly string[],
  durationMs: number,
  opts: SheetUrlOptions = {},
): Storyboard {
  const url = (sheet: number) => sheetUrlOf(sheet, sheetNames, opts);
  const ordered = [...tiles].sort((a, b) => a.time - b.time);
  const several = sheetNames.length > 1;
  return {
    url: url(0),
    tile_width: ordered[0]?.w ?? 0,
    tile_height: ordered[0]?.h ?? 0,
    duration: seconds(durationMs),
    tiles: ordered.map((t) => ({ start: seconds(t.time), x: t.x, y: t.y, ...(several ? { url: url(t.sheet) } : {}) })),
  };
}
