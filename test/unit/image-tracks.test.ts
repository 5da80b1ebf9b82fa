// The HLS image playlist and the DASH thumbnail track: what they write, read back the way the players' specs say a
// time finds its tile, against the VTT track's cue at that time; and every job they cannot describe, refused with the
// parameter to change.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeDashThumbnails, writeHlsImagePlaylist } from '../../src/core/image-tracks.js';
import { buildManifest, type SpriteManifest } from '../../src/core/manifest.js';
import { resolveOptions, type SpriteOptions } from '../../src/core/options.js';
import type { Tile } from '../../src/core/tile.js';
import { writeVtt } from '../../src/core/vtt.js';
import { vttCues, type Thumbnail } from '../vtt-cue.js';
import { errorOf } from './support.js';

interface JobShape {
  options: Partial<SpriteOptions>;
  durationMs: number;
  /** Frame times of the tiles, ms; default: one every `inter` (or duration / num) from 0. */
  times?: number[];
  cell?: { width: number; height: number };
  type?: string;
  names?: (i: number) => string;
  missed?: number;
}

/** The manifest of a job of that shape, its tiles laid out as the compositor lays them out. */
function job(shape: JobShape): { manifest: SpriteManifest } {
  const options = resolveOptions({ f: 'jpg', pad: 0, margin: 0, ...shape.options });
  const cell = shape.cell ?? { width: 160, height: 90 };
  const perSheet = options.tw * options.th;
  const step = options.m === 'avg' ? (shape.durationMs - options.ss) / options.num : options.inter;
  const times =
    shape.times ??
    Array.from({ length: options.m === 'avg' ? options.num : Math.ceil(shape.durationMs / step) }, (_, i) => i * step);
  const tiles: Tile[] = times.map((time, n) => ({
    sheet: Math.floor(n / perSheet),
    x: options.margin + (n % options.tw) * (cell.width + options.pad),
    y: options.margin + Math.floor((n % perSheet) / options.tw) * (cell.height + options.pad),
    w: cell.width,
    h: cell.height,
    time,
  }));
  const sheetSize = {
    width: 2 * options.margin + options.tw * cell.width + (options.tw - 1) * options.pad,
    height: 2 * options.margin + options.th * cell.height + (options.th - 1) * options.pad,
  };
  const sheets = Array.from({ length: Math.ceil(times.length / perSheet) }, (_, index) => ({
    index,
    name: shape.names?.(index) ?? `sprite-${index}.${options.f}`,
    ...sheetSize,
    type: shape.type ?? `image/${options.f === 'jpg' ? 'jpeg' : options.f}`,
    encoder: 'canvas' as const,
    tiles: tiles.filter((t) => t.sheet === index),
    blob: { size: 10_000 + 1000 * index },
  }));
  return {
    manifest: buildManifest({
      options,
      source: {
        codedWidth: 1280,
        codedHeight: 720,
        sar: [1, 1],
        rotation: 0,
        durationMs: shape.durationMs,
        startTimeMs: 0,
        frameIntervalMs: 40,
        codec: 'h264',
      },
      display: { width: 1280, height: 720 },
      cell,
      sheetSize,
      sheets,
      missed: shape.missed ?? 0,
      engine: { used: 'webcodecs', reason: 'test', fallback: null, decoded: times.length, frameTable: 'targets' },
      vttName: 'sprite.vtt',
    }),
  };
}

/** The HLS image playlist's tile at `t` (s): the sheet by its EXTINF lengths, the tile by DURATION and LAYOUT. */
function hlsAt(playlist: string, t: number): Thumbnail | null {
  const lines = playlist.trim().split('\n');
  let start = 0;
  let tiles: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#EXT-X-TILES:'))
      tiles = Object.fromEntries(
        line
          .slice(13)
          .split(',')
          .map((kv) => kv.split('=') as [string, string]),
      );
    if (!line.startsWith('#EXTINF:')) continue;
    const length = parseFloat(line.slice(8));
    if (t >= start && t < start + length) {
      const [cols] = tiles.LAYOUT!.split('x').map(Number);
      const [w, h] = tiles.RESOLUTION!.split('x').map(Number);
      const n = Math.floor((t - start) / parseFloat(tiles.DURATION!));
      return { url: lines[i + 1]!, x: (n % cols!) * w!, y: Math.floor(n / cols!) * h!, w: w!, h: h! };
    }
    start += length;
  }
  return null;
}

const attr = (xml: string, element: string, name: string): string =>
  new RegExp(`<${element}\\b[^>]*\\s${name}="([^"]*)"`).exec(xml)![1]!;

/** The DASH track's tile at `t` (s): sheet number by the template's duration, tile by the sheet's grid. */
function dashAt(xml: string, t: number, durationS: number): Thumbnail | null {
  if (t >= durationS) return null;
  const [cols, rows] = attr(xml, 'EssentialProperty', 'value').split('x').map(Number);
  const sheetS = Number(attr(xml, 'SegmentTemplate', 'duration')) / Number(attr(xml, 'SegmentTemplate', 'timescale'));
  const number = Math.floor(t / sheetS);
  const w = Number(attr(xml, 'Representation', 'width')) / cols!;
  const h = Number(attr(xml, 'Representation', 'height')) / rows!;
  const n = Math.floor((t - number * sheetS) / (sheetS / (cols! * rows!)));
  const url = attr(xml, 'SegmentTemplate', 'media').replaceAll('$Number$', String(number));
  return { url, x: (n % cols!) * w, y: Math.floor(n / cols!) * h, w, h };
}

/**
 * At random times and on every tile's start, each track gives the VTT cue's sheet and rectangle. The VTT track's
 * times are whole ms: where the tiles are not a whole number of ms apart (`avg`), times within a ms of a slot's start
 * are left out, as the two round it differently.
 */
function expectTracksAgreeWithVtt(j: { manifest: SpriteManifest }) {
  const { manifest } = j;
  const cueAt = vttCues(
    writeVtt(
      manifest.tiles,
      manifest.sheets.map((s) => s.name),
      manifest.source.durationMs,
    ),
  );
  const hls = writeHlsImagePlaylist(j).playlist;
  const dash = writeDashThumbnails(j);
  const end = manifest.source.durationMs / 1000;
  const tileS = hls.match(/DURATION=([\d.]+)/)![1]!;
  const wholeMs = /\.\d{3}$/.test(tileS);
  const nearSlotStart = (t: number) => {
    const slots = t / Number(tileS);
    return Math.abs(slots - Math.round(slots)) * Number(tileS) < 0.001;
  };
  const check = (t: number) => {
    if (!wholeMs && nearSlotStart(t)) return;
    const expected = cueAt(t);
    expect(hlsAt(hls, t), `HLS at ${t}`).toEqual(expected);
    expect(dashAt(dash, t, end), `DASH at ${t}`).toEqual(expected);
  };
  fc.assert(fc.property(fc.double({ min: 0, max: end, maxExcluded: true, noNaN: true }), check), { numRuns: 300 });
  for (const tile of manifest.tiles) check(tile.time / 1000);
  for (const tile of manifest.tiles) check(tile.time / 1000 + 0.002);
}

describe('HLS image playlist', () => {
  it('a sheet per EXTINF, tiles by LAYOUT and DURATION, the last part-filled sheet to the end', () => {
    const j = job({ options: { m: 'inter', inter: 2000, tw: 5, th: 2 }, durationMs: 47_000 });
    const { playlist, name, streamInf } = writeHlsImagePlaylist(j);
    expect(name).toBe('sprite.m3u8');
    expect(playlist).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:20',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-IMAGES-ONLY',
        '#EXT-X-TILES:RESOLUTION=160x90,LAYOUT=5x2,DURATION=2.000',
        '#EXTINF:20.000,',
        'sprite-0.jpg',
        '#EXT-X-TILES:RESOLUTION=160x90,LAYOUT=5x2,DURATION=2.000',
        '#EXTINF:20.000,',
        'sprite-1.jpg',
        '#EXT-X-TILES:RESOLUTION=160x90,LAYOUT=5x2,DURATION=2.000',
        '#EXTINF:7.000,',
        'sprite-2.jpg',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
    // Peak bit rate: the last sheet's 12 000 bytes over its 7 s.
    expect(streamInf).toBe(
      `#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=${Math.ceil((12_000 * 8) / 7)},RESOLUTION=160x90,CODECS="jpeg",URI="sprite.m3u8"`,
    );
  });

  it('sheet URLs as the VTT track writes them, and the playlist URL of the master line', () => {
    const j = job({
      options: { m: 'inter', inter: 1000, tw: 2, th: 1 },
      durationMs: 3000,
      names: (i) => `my sheet ${i}.jpg`,
    });
    const { playlist, streamInf } = writeHlsImagePlaylist(j, {
      baseUrl: 'https://cdn.example/t/',
      playlistUrl: 'https://cdn.example/t/thumbs.m3u8',
    });
    expect(playlist).toContain('\nhttps://cdn.example/t/my%20sheet%200.jpg\n');
    expect(streamInf).toMatch(/URI="https:\/\/cdn\.example\/t\/thumbs\.m3u8"$/);
    expect(writeHlsImagePlaylist(j, { sheetUrl: (i) => `blob:${i}` }).playlist).toContain('\nblob:1\n');
  });
});

describe('DASH thumbnail track', () => {
  it('an image AdaptationSet: the tile descriptor on it and on the Representation, a full sheet per segment', () => {
    const j = job({ options: { m: 'inter', inter: 2000, tw: 5, th: 2 }, durationMs: 47_000 });
    expect(writeDashThumbnails(j)).toBe(
      [
        '<AdaptationSet contentType="image" mimeType="image/jpeg">',
        '  <EssentialProperty schemeIdUri="http://dashif.org/guidelines/thumbnail_tile" value="5x2"/>',
        `  <Representation id="thumbnails-160x90" bandwidth="${Math.ceil((12_000 * 8) / 7)}" width="800" height="180">`,
        '    <EssentialProperty schemeIdUri="http://dashif.org/guidelines/thumbnail_tile" value="5x2"/>',
        '    <SegmentTemplate media="sprite-$Number$.jpg" timescale="1000" duration="20000" startNumber="0"/>',
        '  </Representation>',
        '</AdaptationSet>',
        '',
      ].join('\n'),
    );
  });

  it('the $Number$ template found from the URLs: a base URL, the number twice, digits elsewhere in the name', () => {
    const media = (names: (i: number) => string, opts = {}) =>
      attr(
        writeDashThumbnails(job({ options: { inter: 1000, tw: 2, th: 1 }, durationMs: 30_000, names }), opts),
        'SegmentTemplate',
        'media',
      );
    expect(media((i) => `sprite-${i}.jpg`, { baseUrl: 'https://cdn.example/a b/' })).toBe(
      'https://cdn.example/a b/sprite-$Number$.jpg',
    );
    expect(media((i) => `v1-${i}-x${i}.jpg`)).toBe('v1-$Number$-x$Number$.jpg');
    expect(media((i) => `1${i}1.jpg`)).toBe('1$Number$1.jpg');
    // Names are percent-encoded (`$` too); a `$` in a URL as given is written `$$`, as the template syntax wants.
    expect(media((i) => `cost$${i}.jpg`)).toBe('cost%24$Number$.jpg');
    expect(media((i) => `s${i}.jpg`, { sheetUrl: (i: number) => `https://x.example/cost$/${i}.jpg` })).toBe(
      'https://x.example/cost$$/$Number$.jpg',
    );
    expect(() =>
      writeDashThumbnails(job({ options: { inter: 1000, tw: 2, th: 1 }, durationMs: 30_000 }), {
        sheetUrl: () => 'blob:x',
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', param: 'saveas' }));
  });

  it('a sharp set: one Representation per size, the same segments', () => {
    const small = job({ options: { inter: 1000, tw: 4, th: 4 }, durationMs: 60_000 });
    const large = job({
      options: { inter: 1000, tw: 4, th: 4 },
      durationMs: 60_000,
      cell: { width: 320, height: 180 },
      names: (i) => `sprite@2x-${i}.jpg`,
    });
    const xml = writeDashThumbnails([small, large]);
    expect(xml.match(/<Representation /g)).toHaveLength(2);
    expect(xml).toContain('id="thumbnails-320x180" bandwidth=');
    expect(xml).toContain('width="1280" height="720"');
    expect(xml).toContain('media="sprite%402x-$Number$.jpg" timescale="1000" duration="16000"');
    const other = job({ options: { inter: 2000, tw: 4, th: 4 }, durationMs: 60_000 });
    expect(() => writeDashThumbnails([small, other])).toThrow(/other tile times or another grid/);
  });
});

describe('both tracks give the VTT cue at every time', () => {
  it('inter: 2 s tiles, 5 × 2, three sheets, the last part-filled', () => {
    expectTracksAgreeWithVtt(job({ options: { m: 'inter', inter: 2000, tw: 5, th: 2 }, durationMs: 47_000 }));
  });

  it('avg: 7 tiles over 10 s (1.428571… s each), 3 × 1', () => {
    const j = job({ options: { m: 'avg', num: 7, tw: 3, th: 1 }, durationMs: 10_000 });
    expect(writeHlsImagePlaylist(j).playlist).toContain('DURATION=1.428571');
    expect(writeDashThumbnails(j)).toContain('timescale="1000000" duration="4285714"');
    expectTracksAgreeWithVtt(j);
  });

  it('frame times a little before their slots: each tile sits in its slot, as the VTT cue does past the slot start', () => {
    // 29.97 fps: the frame on screen at each 500 ms slot is up to 33 ms before it.
    const times = Array.from({ length: 20 }, (_, i) => Math.floor((i * 500) / (1001 / 30)) * (1001 / 30));
    expect(times.some((t, i) => t < i * 500)).toBe(true);
    const j = job({ options: { inter: 500, tw: 4, th: 2 }, durationMs: 10_000, times });
    const cueAt = vttCues(
      writeVtt(
        j.manifest.tiles,
        j.manifest.sheets.map((s) => s.name),
        10_000,
      ),
    );
    const hls = writeHlsImagePlaylist(j).playlist;
    const dash = writeDashThumbnails(j);
    // They agree from each slot's start until the next frame's own time (up to a frame before the next slot), in the
    // VTT track's whole ms.
    for (let n = 0; n < times.length; n++) {
      const next = (times[n + 1] ?? 10_000) / 1000;
      for (const t of [n * 0.5, (n * 0.5 + next) / 2, next - 0.001]) {
        expect(hlsAt(hls, t), `HLS at ${t}`).toEqual(cueAt(t));
        expect(dashAt(dash, t, 10), `DASH at ${t}`).toEqual(cueAt(t));
      }
    }
  });
});

describe('jobs the tracks cannot describe: refused, naming what to set', () => {
  const refusal = (shape: JobShape, param: string, message: RegExp) => {
    for (const write of [() => writeHlsImagePlaylist(job(shape)), () => writeDashThumbnails(job(shape))]) {
      const error = errorOf(write);
      expect(error).toMatchObject({ code: 'INVALID_OPTION', param });
      expect(error.message).toMatch(message);
    }
  };

  it('key and dhash modes: irregular times', () => {
    refusal({ options: { m: 'key' }, durationMs: 10_000, times: [0, 2100, 7300] }, 'm', /m=key .*irregular times.*VTT/);
    refusal({ options: { m: 'dhash' }, durationMs: 10_000, times: [0, 2100, 7300] }, 'm', /m=dhash .*scene changes/);
  });

  it('inter 0, a start offset, padding, a margin', () => {
    refusal({ options: { inter: 0 }, durationMs: 1000, times: [0, 40, 80] }, 'inter', /inter=0/);
    refusal({ options: { inter: 1000, ss: 500 }, durationMs: 5000, times: [500, 1500] }, 'ss', /Set ss to 0/);
    refusal({ options: { inter: 1000, pad: 2 }, durationMs: 5000 }, 'pad', /Set pad to 0/);
    refusal({ options: { inter: 1000, margin: 4 }, durationMs: 5000 }, 'margin', /Set margin to 0/);
  });

  it('formats: HLS takes JPEG; DASH JPEG or PNG, never WebP', () => {
    expect(() => writeHlsImagePlaylist(job({ options: { inter: 1000, f: 'png' }, durationMs: 5000 }))).toThrow(
      expect.objectContaining({
        param: 'f',
        message: expect.stringMatching(/must be JPEG.*image\/png.*Set f to jpg/) as unknown,
      }),
    );
    expect(writeDashThumbnails(job({ options: { inter: 1000, f: 'png' }, durationMs: 5000 }))).toContain(
      'mimeType="image/png"',
    );
    refusal({ options: { inter: 1000, f: 'webp' }, durationMs: 5000 }, 'f', /image\/webp/);
  });

  it('tiles that stop before the video ends: num caps inter, or the last frames could not be decoded', () => {
    const capped = {
      options: { inter: 1000, num: 10 },
      durationMs: 60_000,
      times: [...Array(10).keys()].map((i) => i * 1000),
    };
    refusal(
      capped,
      'num',
      /10 tiles, one every 1000 ms, stop at 10000 ms of a 60000 ms video \(num=10 caps them\).*Set num to 0/,
    );
    const cut = { options: { inter: 1000 }, durationMs: 10_000, times: [0, 1000, 2000], missed: 7 };
    for (const write of [() => writeHlsImagePlaylist(job(cut)), () => writeDashThumbnails(job(cut))])
      expect(errorOf(write).message).toMatch(/stop at 3000 ms .*7 frames could not be decoded.*VTT/);
  });

  it('tiles out of their slots: frames that could not be decoded, or fewer frames than avg asked for', () => {
    refusal(
      { options: { inter: 1000 }, durationMs: 5000, times: [0, 1000, 3000, 4000], missed: 1 },
      'inter',
      /tile 2 is at 3000 ms.*1 frames could not be decoded/,
    );
    refusal(
      { options: { m: 'avg', num: 10 }, durationMs: 5000, times: [0, 1000, 2000, 3000, 4000] },
      'num',
      /not one every 500 ms/,
    );
  });
});
