import webvtt from 'webvtt-parser';
import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../src/core/manifest.js';
import { resolveOptions } from '../../src/core/options.js';
import { buildStoryboard } from '../../src/core/storyboard.js';
import type { Tile } from '../../src/core/tile.js';
import { formatVttTimestamp, writeVtt } from '../../src/core/vtt.js';

describe('VTT timestamps', () => {
  it('always writes hours and rounds to the nearest ms', () => {
    expect(formatVttTimestamp(0)).toBe('00:00:00.000');
    expect(formatVttTimestamp(999.6)).toBe('00:00:01.000');
    expect(formatVttTimestamp(41.6667)).toBe('00:00:00.042');
    expect(formatVttTimestamp(3_599_999)).toBe('00:59:59.999');
    expect(formatVttTimestamp(3_600_000)).toBe('01:00:00.000');
    expect(formatVttTimestamp(101 * 3_600_000 + 61_001)).toBe('101:01:01.001');
  });
});

const { WebVTTParser } = webvtt;

function tilesOf(times: number[], perSheet: number, cell = { w: 160, h: 90 }): Tile[] {
  return times.map((time, n) => ({
    sheet: Math.floor(n / perSheet),
    x: 2 + (n % perSheet) * (cell.w + 2),
    y: 2,
    w: cell.w,
    h: cell.h,
    time,
  }));
}

describe('writeVtt (SPEC §6)', () => {
  it('writes one cue per tile that a real WebVTT parser reads back exactly', () => {
    const times = [0, 1000, 2041.667, 3000, 4000.4];
    const tiles = tilesOf(times, 3);
    const vtt = writeVtt(tiles, ['sprite-0.jpg', 'sprite-1.jpg'], 5000);
    const parsed = new WebVTTParser().parse(vtt, 'metadata');
    expect(parsed.errors).toEqual([]);
    expect(parsed.cues).toHaveLength(5);
    const ends = [...times.slice(1), 5000];
    parsed.cues.forEach((cue, i) => {
      expect(cue.startTime).toBeCloseTo(Math.round(times[i]!) / 1000, 6);
      expect(cue.endTime).toBeCloseTo(Math.round(ends[i]!) / 1000, 6);
      const t = tiles[i]!;
      expect(cue.text).toBe(`sprite-${t.sheet}.jpg#xywh=${t.x},${t.y},${t.w},${t.h}`);
    });
    expect(vtt.startsWith('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n')).toBe(true);
    expect(vtt.endsWith('\n')).toBe(true);
  });

  it('orders cues by time whatever order the tiles come in', () => {
    const tiles = tilesOf([0, 1000, 2000], 3);
    const vtt = writeVtt([tiles[2]!, tiles[0]!, tiles[1]!], ['s.jpg'], 3000);
    expect(new WebVTTParser().parse(vtt, 'metadata').cues.map((c) => c.startTime)).toEqual([0, 1, 2]);
  });

  it('percent-encodes sheet names and prefixes the base URL', () => {
    const vtt = writeVtt(tilesOf([0], 1), ['my sheet#1.jpg'], 1000, { baseUrl: 'https://cdn.example/x/' });
    expect(vtt).toContain('https://cdn.example/x/my%20sheet%231.jpg#xywh=2,2,160,90');
  });

  it('never writes an empty cue, and writes only the header for no tiles', () => {
    const parsed = new WebVTTParser().parse(writeVtt(tilesOf([0, 1000], 2), ['s.jpg'], 1000), 'metadata');
    expect(parsed.errors).toEqual([]);
    expect(parsed.cues[1]!.endTime).toBeGreaterThan(parsed.cues[1]!.startTime);
    expect(writeVtt([], [], 1000)).toBe('WEBVTT\n');
  });
});

describe('manifest and storyboard', () => {
  const options = resolveOptions({ f: 'jpg', sw: 160, sh: 90, tw: 3, th: 1 });
  const source = {
    codedWidth: 1920,
    codedHeight: 1080,
    sar: [1, 1] as const,
    rotation: 90 as const,
    startTimeMs: 1400,
    durationMs: 5000,
    frameIntervalMs: 40,
    codec: 'h264',
  };
  const tiles = tilesOf([0, 1000, 2000, 3000], 3);

  it('describes the job in plain JSON, tiles in time order', () => {
    const m = buildManifest({
      options,
      process: 'video/sprite,f_jpg',
      source,
      display: { width: 1080, height: 1920 },
      cell: { width: 160, height: 90 },
      sheetSize: { width: 488, height: 94 },
      sheets: [
        {
          index: 1,
          name: 'b.jpg',
          width: 488,
          height: 94,
          type: 'image/jpeg',
          encoder: 'canvas',
          tiles: tiles.filter((t) => t.sheet === 1),
          blob: { size: 2345 },
        },
        {
          index: 0,
          name: 'a.jpg',
          width: 488,
          height: 94,
          type: 'image/jpeg',
          encoder: 'canvas',
          tiles: [...tiles.filter((t) => t.sheet === 0)].reverse(),
          blob: { size: 12345 },
        },
      ],
      missed: 1,
      vttName: 'a.vtt',
      engine: {
        used: 'webcodecs',
        reason: 'native',
        fallback: { fromMs: 2000, reason: 'lost' },
        decoded: 12,
        frameTable: 'index',
      },
    });
    expect(m).toMatchObject({
      version: 1,
      generator: 'video-sprite',
      process: 'video/sprite,f_jpg',
      missed: 1,
      vtt: 'a.vtt',
      engine: { used: 'webcodecs', fallback: { fromMs: 2000 }, frameTable: 'index' },
    });
    expect(m.source).toMatchObject({
      width: 1080,
      height: 1920,
      codedWidth: 1920,
      rotation: 90,
      startTimeMs: 1400,
      codec: 'h264',
    });
    expect(m.grid).toEqual({ columns: 3, rows: 1, pad: 2, margin: 2, sheetWidth: 488, sheetHeight: 94 });
    expect(m.sheets.map((s) => s.tiles)).toEqual([3, 1]);
    // Each file says what it is and what made it.
    expect(m.sheets[0]).toMatchObject({ name: 'a.jpg', type: 'image/jpeg', encoder: 'canvas', bytes: 12345 });
    expect(m.tiles.map((t) => t.time)).toEqual([0, 1000, 2000, 3000]);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('writes a Mux-style storyboard for one sheet', () => {
    expect(buildStoryboard(tiles.slice(0, 2), ['sprite-0.jpg'], 4999.6)).toEqual({
      url: 'sprite-0.jpg',
      tile_width: 160,
      tile_height: 90,
      duration: 5,
      tiles: [
        { start: 0, x: 2, y: 2 },
        { start: 1, x: 164, y: 2 },
      ],
    });
  });

  it('gives each tile its own sheet URL when there are several sheets', () => {
    const sb = buildStoryboard(tiles, ['a.jpg', 'b.jpg'], 5000, { baseUrl: '/s/' });
    expect(sb.url).toBe('/s/a.jpg');
    expect(sb.tiles.map((t) => t.url)).toEqual(['/s/a.jpg', '/s/a.jpg', '/s/a.jpg', '/s/b.jpg']);
  });
});
