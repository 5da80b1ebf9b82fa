// The JSON manifest of a job: parameters, source facts, grid and every tile, in plain JSON-safe data.

import type { ResolvedOptions } from './options.js';
import type { Size, VideoSourceInfo } from './source.js';
import type { Tile } from './tile.js';

/** One sheet in the manifest. */
export interface ManifestSheet {
  index: number;
  name: string;
  width: number;
  height: number;
  /** Number of tiles on the sheet. */
  tiles: number;
}

/** The manifest (version 1). Every value is plain JSON: no undefined, no bigint. */
export interface SpriteManifest {
  version: 1;
  generator: 'video-sprite';
  options: ResolvedOptions;
  /** The process string of the job, when it was given one (normalised). */
  process: string | null;
  source: {
    width: number;
    height: number;
    codedWidth: number;
    codedHeight: number;
    sar: [number, number];
    rotation: number;
    durationMs: number;
    startTimeMs: number;
    frameIntervalMs: number;
    codec: string | null;
  };
  cell: { width: number; height: number };
  grid: { columns: number; rows: number; pad: number; margin: number; sheetWidth: number; sheetHeight: number };
  sheets: ManifestSheet[];
  tiles: Tile[];
  /** Chosen frames that could not be decoded (a truncated or corrupt file). */
  missed: number;
  /** File name of the WebVTT track. */
  vtt: string;
}

/** Assembles the manifest; tiles in time order. */
export function buildManifest(input: {
  options: ResolvedOptions;
  process?: string | null;
  source: VideoSourceInfo;
  display: Size;
  cell: Size;
  sheetWidth: number;
  sheetHeight: number;
  sheets: readonly { index: number; name: string; width: number; height: number }[];
  tiles: readonly Tile[];
  missed: number;
  vttName: string;
}): SpriteManifest {
  const tiles = [...input.tiles].sort((a, b) => a.time - b.time).map(({ sheet, x, y, w, h, time }) => ({ sheet, x, y, w, h, time }));
  return {
    version: 1,
    generator: 'video-sprite',
    options: JSON.parse(JSON.stringify(input.options)) as ResolvedOptions,
    process: input.process ?? null,
    source: {
      width: input.display.width,
      height: input.display.height,
      codedWidth: input.source.codedWidth,
      codedHeight: input.source.codedHeight,
      sar: [input.source.sar[0], input.source.sar[1]],
      rotation: input.source.rotation,
      durationMs: input.source.durationMs,
      startTimeMs: input.source.startTimeMs,
      frameIntervalMs: input.source.frameIntervalMs,
      codec: input.source.codec ?? null,
    },
    cell: { width: input.cell.width, height: input.cell.height },
    grid: {
      columns: input.options.tw,
      rows: input.options.th,
      pad: input.options.pad,
      margin: input.options.margin,
      sheetWidth: input.sheetWidth,
      sheetHeight: input.sheetHeight,
    },
    sheets: input.sheets.map((s) => ({ index: s.index, name: s.name, width: s.width, height: s.height, tiles: tiles.filter((t) => t.sheet === s.index).length })),
    tiles,
    missed: input.missed,
    vtt: input.vttName,
  };
}
