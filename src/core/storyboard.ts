// A Mux-style storyboard JSON (url, tile size, duration, tiles with start and position), for players that read it.

import type { Tile } from './tile.js';

/** Mux's storyboard shape; times in seconds. */
export interface Storyboard {
  url: string;
  tile_width: number;
  tile_height: number;
  duration: number;
  tiles: { start: number; x: number; y: number; url?: string }[];
}

const seconds = (ms: number): number => Math.round(ms) / 1000;

/**
 * `url` is the first sheet's name (prefixed with `baseUrl`); tile size is the first tile's; times in s, ms precision.
 * Mux has one image per storyboard: when a job has several sheets, each tile also carries its own sheet's `url`
 * (our extension; readers that ignore it see the first sheet only).
 */
export function buildStoryboard(tiles: readonly Tile[], sheetNames: readonly string[], durationMs: number, opts: { baseUrl?: string } = {}): Storyboard {
  const base = opts.baseUrl ?? '';
  const url = (sheet: number) => `${base}${encodeURIComponent(sheetNames[sheet] ?? `sheet-${sheet}`)}`;
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
