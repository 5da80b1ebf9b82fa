// The WebVTT thumbnails track (SPEC §6): one cue per tile pointing at its rectangle on its sheet.

import { sheetUrlOf, type SheetUrlOptions } from './sheet-url.js';
import type { Tile } from './tile.js';

/** `HH:MM:SS.mmm`, hours always written (and allowed past 99), rounded to the nearest ms. */
export function formatVttTimestamp(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const milli = total % 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(milli).padStart(3, '0')}`;
}

/**
 * The thumbnails track: `WEBVTT`, then one cue per tile in time order, from the tile's time to the next tile's time
 * (the last to `durationMs`), payload `${url}#xywh=x,y,w,h`, where the url is the sheet's percent-encoded name after
 * `opts.baseUrl`, or `opts.sheetUrl(index, name)`. A cue whose end would not follow its start (a last tile at the
 * very end) ends 1 ms later, since parsers reject empty cues. Zero tiles give a header-only track.
 */
export function writeVtt(
  tiles: readonly Tile[],
  sheetNames: readonly string[],
  durationMs: number,
  opts: SheetUrlOptions = {},
): string {
  const ordered = [...tiles].sort((a, b) => a.time - b.time);
  const cues = ordered.map((tile, i) => {
    const start = Math.round(tile.time);
    let end = Math.round(i + 1 < ordered.length ? ordered[i + 1]!.time : durationMs);
    if (end <= start) end = start + 1;
    const url = sheetUrlOf(tile.sheet, sheetNames, opts);
    return `${formatVttTimestamp(start)} --> ${formatVttTimestamp(end)}\n${url}#xywh=${tile.x},${tile.y},${tile.w},${tile.h}`;
  });
  return ['WEBVTT', ...cues].join('\n\n') + '\n';
}
