// What a job returns: the sheets, and the track, manifest and storyboard written from them on the main thread.

import type { EngineReport } from '../core/engine-report.js';
import { buildManifest, type SpriteManifest } from '../core/manifest.js';
import { jobBaseName } from '../core/names.js';
import type { ResolvedOptions } from '../core/options.js';
import type { Notify, SaveAs } from '../core/process-string.js';
import type { VideoSourceInfo } from '../core/source.js';
import { buildStoryboard, type Storyboard } from '../core/storyboard.js';
import type { Tile } from '../core/tile.js';
import { writeVtt } from '../core/vtt.js';
import type { EngineSummary, SpriteSheet } from '../protocol/engine-api.js';

/** Object URLs for a result's sheets and a track that points at them, for a player fed straight from memory. */
export interface SpriteObjectUrls {
  /** An object URL of the WebVTT track below, for `<track src>` or a player's thumbnails option. */
  trackUrl: string;
  /** The WebVTT track text, each cue pointing at its sheet's object URL. */
  vtt: string;
  /** The object URL of each sheet, by sheet index. */
  sheetUrls: string[];
  /** Revokes every URL above; players showing them lose the pictures. Safe to call twice. */
  revoke(): void;
}

/** What a job returns. */
export interface SpriteResult {
  /** Every sheet, in order (the same objects `onSheet` received). */
  sheets: SpriteSheet[];
  /** Every tile of the job, in time order. */
  tiles: Tile[];
  /** WebVTT thumbnails track (SPEC §6); its sheet URLs are the sheet names, relative to the track. */
  vtt: string;
  /** File name for the track, from the template (e.g. `sprite.vtt`). */
  vttName: string;
  /** The job's base file name (the template without index and extension, e.g. `sprite`), for the other files. */
  baseName: string;
  /** The JSON manifest of the whole job. */
  manifest: SpriteManifest;
  /** A Mux-style storyboard JSON object. */
  storyboard: Storyboard;
  /** The probed facts about the video stream. */
  source: VideoSourceInfo;
  /** Chosen frames that could not be decoded (truncated or corrupt input); 0 when all were captured. */
  missed: number;
  /** Which decoder made the frames (WebCodecs or ffmpeg.wasm), and why. */
  engine: EngineReport;
  /** `sys/saveas` of the process string, passed through unchanged. */
  saveas?: SaveAs;
  /** `notify` of the process string, passed through unchanged. */
  notify?: Notify;
  /**
   * The job's other cell sizes (`extraSizes`), each a result of its own: the same tiles at that size, on sheets
   * named with `@<w>x<h>`, with their own track, manifest and storyboard. Empty when none were asked for.
   */
  extraSizes: SpriteResult[];
  /**
   * The track with every sheet somewhere else than beside it: given a base URL (e.g. `https://cdn.example/sprites/`),
   * each sheet is at that base plus its percent-encoded name; given a function, at whatever it returns for the sheet,
   * used as given (not encoded).
   */
  vttWithUrls(sheetUrl: string | ((sheet: SpriteSheet) => string)): string;
  /**
   * Creates an object URL for every sheet and for a track pointing at them: hand `trackUrl` to a player and its
   * seek-bar previews work without writing any file. Each call makes new URLs; `revoke()` frees them.
   */
  objectUrls(): SpriteObjectUrls;
}

/** Everything the main thread knows once the engine is done. */
export interface ResultParts {
  /** The sheets as they arrived. */
  sheets: SpriteSheet[];
  /** The engine's summary. */
  summary: EngineSummary;
  /** The validated options. */
  options: ResolvedOptions;
  /** The normalised process string, when the job was given one. */
  process: string | null;
  /** The sheet file-name template. */
  template: string;
  /** saveas of the process string. */
  saveas: SaveAs | undefined;
  /** notify of the process string. */
  notify: Notify | undefined;
}

/** Writes the track, manifest and storyboard from the sheets (pure core writers) and assembles the result. */
export function buildResult(parts: ResultParts): SpriteResult {
  const { summary } = parts;
  const sheets = [...parts.sheets].sort((a, b) => a.index - b.index);
  const names = sheets.map((s) => s.name);
  const tiles = sheets.flatMap((s) => s.tiles);
  const durationMs = summary.source.durationMs;
  const baseName = jobBaseName(parts.template);
  const vttName = `${baseName}.vtt`;
  const vttWithUrls = (sheetUrl: string | ((sheet: SpriteSheet) => string)) =>
    writeVtt(
      tiles,
      names,
      durationMs,
      typeof sheetUrl === 'string' ? { baseUrl: sheetUrl } : { sheetUrl: (index) => sheetUrl(sheets[index]!) },
    );
  const result: SpriteResult = {
    sheets,
    tiles,
    vtt: writeVtt(tiles, names, durationMs),
    vttName,
    baseName,
    manifest: buildManifest({
      options: parts.options,
      process: parts.process,
      source: summary.source,
      display: summary.display,
      cell: summary.cell,
      sheetSize: summary.sheetSize,
      sheets,
      missed: summary.missed,
      engine: summary.engine,
      vttName,
    }),
    storyboard: buildStoryboard(tiles, names, durationMs),
    source: summary.source,
    missed: summary.missed,
    engine: summary.engine,
    vttWithUrls,
    extraSizes: [],
    objectUrls() {
      const sheetUrls = sheets.map((s) => URL.createObjectURL(s.blob));
      const vtt = vttWithUrls((sheet) => sheetUrls[sheet.index]!);
      const trackUrl = URL.createObjectURL(new Blob([vtt], { type: 'text/vtt' }));
      return {
        trackUrl,
        vtt,
        sheetUrls,
        revoke: () => [trackUrl, ...sheetUrls].forEach((url) => URL.revokeObjectURL(url)),
      };
    },
  };
  if (parts.saveas) result.saveas = parts.saveas;
  if (parts.notify) result.notify = parts.notify;
  return result;
}
