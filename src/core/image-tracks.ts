// The thumbnail tracks streaming players read from the stream's own manifests: the HLS Image Media Playlist (Roku,
// Apple's draft; Shaka Player) and the DASH-IF thumbnail track (IOP v4.3 §6.2.6; Shaka Player, dash.js, Roku). Both
// describe a sheet as cols × rows equal tiles, one every fixed duration from the start of the video, so they carry
// only jobs whose tiles are exactly that: evenly spaced (`inter`, `avg`) from time 0, cells filling the sheet with no
// padding or margin. Each tile sits on its slot of the grid; the VTT track places it at its frame's own time, which
// is at most a frame earlier (the frame on screen at the slot's start).

import { SpriteError } from './errors.js';
import type { SpriteManifest } from './manifest.js';
import { sheetUrlOf, type SheetUrlOptions } from './sheet-url.js';

/** What the track writers read of a job: its manifest (a {@link SpriteResult} has one, and so does its JSON file). */
export interface ImageTrackSource {
  /** The job's manifest. */
  manifest: SpriteManifest;
}

/** A job's tiles as the grid both tracks describe: one tile every `tileMs` from 0, sheet after sheet. */
interface EvenGrid {
  tileMs: number;
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
  sheetWidth: number;
  sheetHeight: number;
  mime: string;
  /** Per sheet: its start and its length on the video's timeline, ms, and its size, bytes. */
  sheets: { startMs: number; durationMs: number; bytes: number }[];
}

function refuse(track: string, param: string | undefined, why: string, details: Record<string, unknown>): SpriteError {
  return new SpriteError('INVALID_OPTION', `${track}: ${why}`, { param, details });
}

/**
 * The grid of `manifest`, checked: a SpriteError (INVALID_OPTION, naming the parameter) for every job the track
 * cannot describe, saying what to set.
 */
function evenGrid(manifest: SpriteManifest, track: string, mimes: readonly string[]): EvenGrid {
  const { options, grid, cell, tiles, sheets, source } = manifest;
  if (options.m !== 'inter' && options.m !== 'avg')
    throw refuse(
      track,
      'm',
      `m=${options.m} places tiles at ${options.m === 'key' ? 'the key frames' : 'scene changes'}, at irregular times, and this track can only describe tiles evenly spaced. Use the VTT track for this job, or m=inter or m=avg.`,
      { m: options.m },
    );
  if (options.m === 'inter' && options.inter === 0)
    throw refuse(
      track,
      'inter',
      'inter=0 takes every frame at its own time, and this track can only describe tiles evenly spaced. Set inter to the time between tiles, in ms.',
      { inter: 0 },
    );
  if (options.ss !== 0)
    throw refuse(
      track,
      'ss',
      `its tiles start at the video's start, and this job's start at ss=${options.ss} ms. Set ss to 0, or use the VTT track.`,
      { ss: options.ss },
    );
  for (const param of ['pad', 'margin'] as const)
    if (grid[param] !== 0)
      throw refuse(
        track,
        param,
        `it divides each sheet evenly into columns × rows, so it cannot describe ${param === 'pad' ? 'gaps between cells' : 'a border around the grid'} (${param}=${grid[param]}). Set ${param} to 0.`,
        { [param]: grid[param] },
      );
  const format = sheets[0]?.type ?? '';
  if (sheets.length && !mimes.includes(format))
    throw refuse(
      track,
      'f',
      `its sheets must be ${mimes.map((m) => m.replace('image/', '').toUpperCase()).join(' or ')}, and this job's are ${format}. Set f to ${mimes.includes('image/png') ? 'jpg or png' : 'jpg'}.`,
      { f: options.f },
    );

  const span = source.durationMs - options.ss;
  const tileMs = options.m === 'inter' ? options.inter : span / options.num;
  const perSheet = grid.columns * grid.rows;
  // Each tile in its slot: the n-th tile on sheet floor(n / perSheet), in reading order, its frame shown at its slot's
  // start (at most a frame before it; half a slot allows for any frame rate the slot is longer than a frame of).
  tiles.forEach((tile, n) => {
    const slot = n % perSheet;
    const x = (slot % grid.columns) * cell.width;
    const y = Math.floor(slot / grid.columns) * cell.height;
    const inPlace =
      tile.sheet === Math.floor(n / perSheet) &&
      tile.x === x &&
      tile.y === y &&
      tile.w === cell.width &&
      tile.h === cell.height;
    if (!inPlace || Math.abs(tile.time - n * tileMs) >= tileMs / 2)
      throw refuse(
        track,
        options.m === 'avg' ? 'num' : 'inter',
        `tile ${n} is at ${tile.time} ms, where the track would put the tile for ${n * tileMs} ms: the job's tiles are not one every ${tileMs} ms (${manifest.missed ? `${manifest.missed} frames could not be decoded` : 'the video has fewer frames than tiles asked for'}). Use the VTT track for this job.`,
        { tile: n, timeMs: tile.time, slotMs: n * tileMs },
      );
  });
  // The last tile's slot must reach the video's end, as its VTT cue does: the track has no cue after its tiles.
  const coveredMs = tiles.length * tileMs;
  if (tiles.length && coveredMs + 1 < source.durationMs)
    throw refuse(
      track,
      manifest.missed ? undefined : 'num',
      `its ${tiles.length} tiles, one every ${tileMs} ms, stop at ${coveredMs} ms of a ${source.durationMs} ms video (${manifest.missed ? `${manifest.missed} frames could not be decoded` : `num=${options.num} caps them`}), and the track would show no thumbnail after. ${manifest.missed ? 'Use the VTT track for this job.' : 'Set num to 0, or use the VTT track.'}`,
      { tiles: tiles.length, coveredMs, durationMs: source.durationMs },
    );
  return {
    tileMs,
    columns: grid.columns,
    rows: grid.rows,
    tileWidth: cell.width,
    tileHeight: cell.height,
    sheetWidth: grid.sheetWidth,
    sheetHeight: grid.sheetHeight,
    mime: format || 'image/jpeg',
    sheets: sheets.map((sheet, i) => {
      const startMs = i * perSheet * tileMs;
      // The last sheet runs to the video's end, as the VTT track's last cue does.
      const endMs = i === sheets.length - 1 ? Math.max(source.durationMs, startMs) : (i + 1) * perSheet * tileMs;
      return { startMs, durationMs: endMs - startMs, bytes: sheet.bytes };
    }),
  };
}

/** Seconds as a decimal, to the ms where that is exact, else to the µs. */
function decimalSeconds(ms: number): string {
  return Math.abs(ms - Math.round(ms)) < 1e-9 ? (ms / 1000).toFixed(3) : (ms / 1000).toFixed(6);
}

/** Peak bit rate of the sheets, bits/s: a sheet's bytes over its time on screen. */
function peakBandwidth(grid: EvenGrid): number {
  let peak = 0;
  for (const s of grid.sheets) if (s.durationMs > 0) peak = Math.max(peak, (s.bytes * 8 * 1000) / s.durationMs);
  return Math.max(1, Math.ceil(peak));
}

/** Options of {@link writeHlsImagePlaylist}. */
export interface HlsImagePlaylistOptions extends SheetUrlOptions {
  /**
   * The media playlist's URL, as the master playlist's `#EXT-X-IMAGE-STREAM-INF` line gives it. Default: the job's
   * base name with `.m3u8` (e.g. `sprite.m3u8`), relative to the master playlist.
   */
  playlistUrl?: string | undefined;
}

/** An HLS Image Media Playlist, and the line that lists it in a master playlist. */
export interface HlsImagePlaylist {
  /** The media playlist (`#EXT-X-IMAGES-ONLY`, one `#EXT-X-TILES` and `#EXTINF` per sheet). */
  playlist: string;
  /** Suggested file name: the job's base name with `.m3u8` (e.g. `sprite.m3u8`). */
  name: string;
  /** The master playlist's `#EXT-X-IMAGE-STREAM-INF` line for it (tile size, peak bit rate, `URI`). */
  streamInf: string;
}

/**
 * The HLS Image Media Playlist of a job (Roku's and Apple's image playlists, read by Shaka Player and Roku): every
 * sheet with `#EXT-X-TILES:RESOLUTION=<tile>,LAYOUT=<cols>x<rows>,DURATION=<s per tile>` and its `#EXTINF` length
 * (the last, part-filled sheet to the video's end, with the same `DURATION`), and the master playlist's
 * `#EXT-X-IMAGE-STREAM-INF` line. Sheet URLs as {@link writeVtt} writes them (`baseUrl`, `sheetUrl`).
 *
 * @throws SpriteError `INVALID_OPTION` naming the parameter when the job's tiles are not what the playlist can
 *   describe: `m` other than `inter` or `avg`, `inter` 0, `ss` not 0, `pad` or `margin` not 0, sheets not JPEG (`f`),
 *   or tiles missing from their slots or stopping before the video's end (frames that could not be decoded, `num`).
 */
export function writeHlsImagePlaylist(job: ImageTrackSource, opts: HlsImagePlaylistOptions = {}): HlsImagePlaylist {
  const { manifest } = job;
  const grid = evenGrid(manifest, 'An HLS image playlist', ['image/jpeg']);
  const names = manifest.sheets.map((s) => s.name);
  const target = Math.max(1, ...grid.sheets.map((s) => Math.ceil(s.durationMs / 1000 - 1e-9)));
  // Each length from its sheet's rounded start and end, so that rounding never adds up: the lengths sum to the
  // video's duration as written, and a player's sheet boundaries stay within a µs of the grid's.
  const at = (ms: number) => Math.round(ms * 1000) / 1e6;
  const lengths = grid.sheets.map((s) => decimalSeconds((at(s.startMs + s.durationMs) - at(s.startMs)) * 1000));
  const tiles = `#EXT-X-TILES:RESOLUTION=${grid.tileWidth}x${grid.tileHeight},LAYOUT=${grid.columns}x${grid.rows},DURATION=${decimalSeconds(grid.tileMs)}`;
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-IMAGES-ONLY',
    ...grid.sheets.flatMap((_, i) => [tiles, `#EXTINF:${lengths[i]},`, sheetUrlOf(i, names, opts)]),
    '#EXT-X-ENDLIST',
  ];
  const name = `${trackBaseName(manifest)}.m3u8`;
  const uri = opts.playlistUrl ?? encodeURIComponent(name);
  return {
    playlist: lines.join('\n') + '\n',
    name,
    streamInf: `#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=${peakBandwidth(grid)},RESOLUTION=${grid.tileWidth}x${grid.tileHeight},CODECS="jpeg",URI="${uri.replace(/"/g, '%22')}"`,
  };
}

/** The job's base name, from its VTT track's name (`sprite.vtt` → `sprite`). */
function trackBaseName(manifest: SpriteManifest): string {
  return manifest.vtt.replace(/\.vtt$/i, '');
}

/** Options of {@link writeDashThumbnails}. */
export interface DashThumbnailsOptions extends SheetUrlOptions {
  /**
   * The start of each Representation's `id`, followed by its tile size (`thumbnails-160x90`). Default
   * `'thumbnails'`; no spaces (an id is one XML token).
   */
  id?: string | undefined;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (s: string) => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

/** `text` as a literal in a DASH template, where `$$` stands for `$`. */
const literal = (text: string) => text.replaceAll('$', () => '$$');

/**
 * The `$Number$` template the URLs of sheets 0, 1, 2… follow, found from the URLs themselves (so that a `sheetUrl`
 * function's URLs work too); null when they follow none.
 */
function numberTemplate(urls: readonly string[]): string | null {
  if (urls.length === 1) return literal(urls[0]!);
  const last = urls.length - 1;
  const digits = String(last);
  const at: number[] = [];
  for (let i = urls[last]!.indexOf(digits); i >= 0; i = urls[last]!.indexOf(digits, i + 1)) at.push(i);
  // Every occurrence of the last index, then each alone: the first that gives every URL is the template.
  const candidates = [at, ...at.map((i) => [i])];
  for (const positions of candidates) {
    if (!positions.length) continue;
    const parts: string[] = [];
    let from = 0;
    for (const p of positions) {
      parts.push(urls[last]!.slice(from, p));
      from = p + digits.length;
    }
    parts.push(urls[last]!.slice(from));
    if (urls.every((url, i) => parts.join(String(i)) === url)) return parts.map(literal).join('$Number$');
  }
  return null;
}

/**
 * The DASH-IF thumbnail track of a job (IOP v4.3 §6.2.6, read by Shaka Player, dash.js and Roku): an `<AdaptationSet
 * contentType="image">` to put in the MPD's Period, with a `Representation` of the sheet's size whose `SegmentTemplate`
 * names the sheets by `$Number$` from 0, each lasting one full sheet of tiles (also the last, part-filled one, as the
 * players place tiles by it), and the `thumbnail_tile` descriptor (`<cols>x<rows>`) on both the AdaptationSet, where
 * the guidelines put it, and the Representation, where Shaka Player reads it. Several jobs of the same tiles at
 * different sizes (a sharp set) give one Representation each. Sheet URLs as {@link writeVtt} writes them.
 *
 * @throws SpriteError `INVALID_OPTION` naming the parameter when a job's tiles are not what the track can describe:
 *   `m` other than `inter` or `avg`, `inter` 0, `ss` not 0, `pad` or `margin` not 0, sheets neither JPEG nor PNG
 *   (`f`: WebP is not in the guidelines), tiles missing from their slots or stopping before the video's end (`num`),
 *   sheet names that do not differ by their number alone, or jobs of a set whose tiles differ in time or grid.
 */
export function writeDashThumbnails(
  jobs: ImageTrackSource | readonly ImageTrackSource[],
  opts: DashThumbnailsOptions = {},
): string {
  const list = Array.isArray(jobs) ? (jobs as readonly ImageTrackSource[]) : [jobs as ImageTrackSource];
  if (!list.length) throw new SpriteError('INVALID_OPTION', 'writeDashThumbnails needs at least one job.', {});
  const track = 'A DASH thumbnail track';
  const grids = list.map((job) => evenGrid(job.manifest, track, ['image/jpeg', 'image/png']));
  const first = grids[0]!;
  for (const [i, g] of grids.entries())
    if (
      g.tileMs !== first.tileMs ||
      g.columns !== first.columns ||
      g.rows !== first.rows ||
      g.sheets.length !== first.sheets.length ||
      g.mime !== first.mime
    )
      throw refuse(
        track,
        undefined,
        `job ${i} of the set has other tile times or another grid than job 0 (one tile every ${g.tileMs} ms, ${g.columns}x${g.rows}, ${g.mime}, against ${first.tileMs} ms, ${first.columns}x${first.rows}, ${first.mime}): the sizes of one track share their tiles and format.`,
        { job: i },
      );
  const sheetMs = first.tileMs * first.columns * first.rows;
  const exactMs = Math.abs(sheetMs - Math.round(sheetMs)) < 1e-9;
  const timescale = exactMs ? 1000 : 1_000_000;
  const duration = Math.round((sheetMs * timescale) / 1000);
  const tile = `value="${first.columns}x${first.rows}"`;
  const property = `<EssentialProperty schemeIdUri="http://dashif.org/guidelines/thumbnail_tile" ${tile}/>`;
  const id = opts.id ?? 'thumbnails';
  if (/\s/.test(id) || id === '')
    throw new SpriteError(
      'INVALID_OPTION',
      `writeDashThumbnails: id ${JSON.stringify(id)} must be one XML token: no spaces, not empty.`,
      {
        param: 'id',
        details: { id },
      },
    );
  const representations = list.map((job, j) => {
    const g = grids[j]!;
    const names = job.manifest.sheets.map((s) => s.name);
    const media = numberTemplate(names.map((_, i) => sheetUrlOf(i, names, opts)));
    if (media === null)
      throw refuse(
        track,
        'saveas',
        `its SegmentTemplate names sheets by their number, and the sheet URLs (${names.slice(0, 2).join(', ')}…) do not differ by their number alone. Name sheets with {index} in one place, e.g. "sprite-{index}.{autoext}".`,
        { names: names.slice(0, 3) },
      );
    return [
      `  <Representation id="${xml(`${id}-${g.tileWidth}x${g.tileHeight}`)}" bandwidth="${peakBandwidth(g)}" width="${g.sheetWidth}" height="${g.sheetHeight}">`,
      `    ${property}`,
      `    <SegmentTemplate media="${xml(media)}" timescale="${timescale}" duration="${duration}" startNumber="0"/>`,
      '  </Representation>',
    ].join('\n');
  });
  return [
    `<AdaptationSet contentType="image" mimeType="${first.mime}">`,
    `  ${property}`,
    ...representations,
    '</AdaptationSet>',
    '',
  ].join('\n');
}
