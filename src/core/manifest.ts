// The JSON manifest of a job: parameters, source facts, grid and every tile, in plain JSON-safe data.

import type { EngineReport } from './engine-report.js';
import type { ResolvedOptions, SheetEncoder } from './options.js';
import type { Size, VideoSourceInfo } from './source.js';
import type { Tile } from './tile.js';

/** One sheet in the manifest. */
export interface ManifestSheet {
  /** Sheet number, from 0. */
  index: number;
  /** File name. */
  name: string;
  /** Width, px. */
  width: number;
  /** Height, px. */
  height: number;
  /** The file's MIME type, checked to be the one its name says. */
  type: string;
  /** Which encoder made the file. */
  encoder: SheetEncoder;
  /** Number of tiles on the sheet. */
  tiles: number;
  /** Size of the file, bytes (what the HLS and DASH tracks' bit rates are worked out from). */
  bytes: number;
}

/** The manifest (version 1). Every value is plain JSON: no undefined, no bigint. */
export interface SpriteManifest {
  /** Manifest format version: 1. */
  version: 1;
  /** Always `'video-sprite'`. */
  generator: 'video-sprite';
  /** The job's options, defaults applied. */
  options: ResolvedOptions;
  /** The process string of the job, when it was given one (normalised), else null. */
  process: string | null;
  /** Facts about the video stream. */
  source: {
    /** Display width (SAR and rotation applied), px. */
    width: number;
    /** Display height, px. */
    height: number;
    /** Coded (stored) width, px. */
    codedWidth: number;
    /** Coded (stored) height, px. */
    codedHeight: number;
    /** Sample aspect ratio `[num, den]`. */
    sar: [number, number];
    /** Clockwise display rotation, degrees: 0, 90, 180 or 270. */
    rotation: number;
    /** Where the last frame ends, ms from the first frame. */
    durationMs: number;
    /** The first frame's presentation time on the container's timeline, ms. */
    startTimeMs: number;
    /** Nominal frame interval, ms; 0 when unknown. */
    frameIntervalMs: number;
    /** Codec name, or null when unknown. */
    codec: string | null;
  };
  /** Cell size, px. */
  cell: { width: number; height: number };
  /** The sheets' grid. */
  grid: {
    /** Cells per row. */
    columns: number;
    /** Rows per sheet. */
    rows: number;
    /** Gap between cells, px. */
    pad: number;
    /** Border around the grid, px. */
    margin: number;
    /** Sheet width, px (every sheet of a job has this size). */
    sheetWidth: number;
    /** Sheet height, px. */
    sheetHeight: number;
  };
  /** Every sheet, in order. */
  sheets: ManifestSheet[];
  /** Every tile, in time order. */
  tiles: Tile[];
  /** Chosen frames that could not be decoded (a truncated or corrupt file). */
  missed: number;
  /** Which decoder made the frames, and why. */
  engine: EngineReport;
  /** File name of the WebVTT track. */
  vtt: string;
}

/** What {@link buildManifest} writes the manifest from. */
export interface ManifestInput {
  /** The job's options, defaults applied. */
  options: ResolvedOptions;
  /** The process string the job was given, if any. Default null. */
  process?: string | null | undefined;
  /** The probed stream facts. */
  source: VideoSourceInfo;
  /** Display size (SAR and rotation applied), px. */
  display: Size;
  /** Cell size, px. */
  cell: Size;
  /** Sheet size, px. */
  sheetSize: Size;
  /** The sheets with their tiles. */
  sheets: readonly {
    index: number;
    name: string;
    width: number;
    height: number;
    type: string;
    encoder: SheetEncoder;
    tiles: readonly Tile[];
    /** The encoded file: only its size is read. */
    blob: { size: number };
  }[];
  /** Chosen frames that could not be decoded. */
  missed: number;
  /** Which decoder made the frames. */
  engine: EngineReport;
  /** File name of the WebVTT track. */
  vttName: string;
}

/** The report as plain data of its own (the manifest shares nothing with the result it describes). */
function copyReport(report: EngineReport): EngineReport {
  const base = {
    reason: report.reason,
    fallback: report.fallback && { ...report.fallback },
    frameTable: report.frameTable,
  };
  return report.used === 'webcodecs'
    ? { used: 'webcodecs', decoded: report.decoded, ...base }
    : { used: 'ffmpeg', ...base };
}

/** Assembles the manifest; sheets in index order, tiles in time order. */
export function buildManifest(input: ManifestInput): SpriteManifest {
  const sheets = [...input.sheets].sort((a, b) => a.index - b.index);
  const tiles = sheets
    .flatMap((s) => s.tiles)
    .sort((a, b) => a.time - b.time)
    .map(({ sheet, x, y, w, h, time }) => ({ sheet, x, y, w, h, time }));
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
      sheetWidth: input.sheetSize.width,
      sheetHeight: input.sheetSize.height,
    },
    sheets: sheets.map((s) => ({
      index: s.index,
      name: s.name,
      width: s.width,
      height: s.height,
      type: s.type,
      encoder: s.encoder,
      tiles: s.tiles.length,
      bytes: s.blob.size,
    })),
    tiles,
    missed: input.missed,
    engine: copyReport(input.engine),
    vtt: input.vttName,
  };
}
