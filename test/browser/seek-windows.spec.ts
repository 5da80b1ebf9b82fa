// MPEG-TS and MPEG-PS through ffmpeg.wasm without listing every packet: ffprobe seeks to a window around each target.
// MPEG-TS in every browser (each reads the File its own way): three minutes of MPEG-2 with B-frames and audio, made at
// test time, whose 33-bit timestamps wrap 100 s in (4 MB, handed to the page in base64). MPEG-PS (a VOB) in Chromium:
// the same reads, plus packets without a time, which the windows date as ffmpeg's decoder does. The tiles must be the
// frames the full table gives (the CLI's, and our core's selection, in Node), and their pixels the CLI's.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Page } from '@playwright/test';
import type { FrameTable } from '../../src/core/frame-table.js';
import { resolveOptions, type SpriteOptions } from '../../src/core/options.js';
import { selectFrames } from '../../src/core/selection.js';
import { cliFrameTable } from '../cli-table.js';
import { ALL_BROWSERS, expect, test } from './fixtures.js';
import { cliFrame, expectTimes, frameNumberAt, openHarness, psnr, run, tileRgba, type RunResult } from './helpers.js';

type Tile = Extract<RunResult, { ok: true }>['tiles'][number];

const FPS = 15;
const SECONDS = 180;
let dir = '';
let file = '';
let full: FrameTable;
let vob = '';

test.describe.configure({ timeout: 300_000 });

/**
 * `SECONDS` of MPEG-2 (B-frames, a key frame a second) with MP2 audio, `size` and quantiser `q` (larger: smaller
 * pictures), muxed by `muxer` (ffmpeg's output options) into `name` in the test's folder.
 */
function mpeg2Clip(name: string, size: string, q: number, muxer: string[]): string {
  const path = join(dir, name);
  const lavfi = (source: string) => ['-f', 'lavfi', '-i', `${source}:duration=${SECONDS}`];
  execFileSync('ffmpeg', [
    ...['-v', 'error', ...lavfi(`testsrc2=size=${size}:rate=${FPS}`), ...lavfi('sine=frequency=440:sample_rate=16000')],
    ...['-c:v', 'mpeg2video', '-q:v', String(q), '-bf', '2', '-g', String(FPS), '-c:a', 'mp2', '-b:a', '32k'],
    ...muxer,
    path,
  ]);
  return path;
}

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'seek-windows-'));
  file = mpeg2Clip('wrap.ts', '128x96', 16, ['-output_ts_offset', String(2 ** 33 / 90000 - 100), '-f', 'mpegts']);
  full = cliFrameTable(file);
  expect(full.times.length).toBe(SECONDS * FPS);
  // Small pictures share 2 KiB PES packets: a few have no time, key frames among them.
  vob = mpeg2Clip('untimed.vob', '160x120', 4, ['-f', 'vob']);
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const JOBS: Partial<SpriteOptions>[] = [
  { m: 'avg', num: 20 },
  { m: 'inter', inter: 11_111, ss: 1234 },
];

/**
 * `jobs` on `path` through windows (or the list of every packet, `frameTable`): the frames of the full table `table`,
 * and at `checked` tiles the CLI's pixels.
 */
async function expectWindowed(
  page: Page,
  path: string,
  table: FrameTable,
  jobs: Partial<SpriteOptions>[],
  checked: (tiles: Tile[]) => Tile[],
  frameTable: 'targets' | 'packets' = 'targets',
) {
  await openHarness(page);
  const input = { base64: readFileSync(path).toString('base64'), name: basename(path) };
  for (const options of jobs) {
    const job = { f: 'png', sw: 80, sh: 60, tw: 5, th: 4, ...options } as const;
    const result = await run(page, input, job);
    expect(result.ok, JSON.stringify(result).slice(0, 400)).toBe(true);
    if (!result.ok) return;
    expect(result.engine).toMatchObject({ used: 'ffmpeg', frameTable });
    expect(result.source).toMatchObject({ durationMs: table.durationMs, frameIntervalMs: table.frameIntervalMs });
    const want = selectFrames(table, resolveOptions(job)).map((c) => c.time);
    expectTimes(
      result.tiles.map((t) => t.time),
      want,
    );
    for (const tile of checked(result.tiles)) {
      const mine = await tileRgba(page, tile);
      expect(psnr(mine, cliFrame(path, frameNumberAt(table, tile.time), tile.w, tile.h))).toBeGreaterThan(35);
    }
  }
}

test(
  'MPEG-TS with a timestamp wrap: windows around the targets, the full list’s frames, the CLI’s pixels',
  ALL_BROWSERS,
  async ({ page }) => {
    // Tiles on both sides of the wrap (100 s in) show the frames the CLI decodes there.
    await expectWindowed(page, file, full, JOBS, (tiles) => [tiles[2]!, tiles.at(-1)!]);
  },
);

test('MPEG-PS with packets without a time: windows, the full decode’s frames, the CLI’s pixels', async ({ page }) => {
  const table = cliFrameTable(vob);
  const packets = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', vob],
    { encoding: 'utf8' },
  ).split('\n');
  // The full table came from decoding (the packet list alone has no time for some frames).
  expect(packets.filter((row) => row.startsWith('N/A')).length).toBeGreaterThan(0);
  expect(table.times.length).toBe(SECONDS * FPS);
  // The frames with no time of their own in the packet list. (Times compared to 0.1 ms: the frames are 67 ms apart,
  // and the CLI prints to the µs.)
  const tenthMs = (sec: number) => Math.round(sec * 1e4);
  const timed = new Set(packets.flatMap((row) => (/^[\d.]+,/.test(row) ? [tenthMs(Number(row.split(',')[0]))] : [])));
  const untimedMs = Array.from(table.times).filter((t) => !timed.has(tenthMs(table.startSec + t / 1000)));
  expect(untimedMs.length).toBe(packets.filter((row) => row.startsWith('N/A')).length);
  const untimedKeys = untimedMs.filter((t) => table.keys[Array.from(table.times).indexOf(t)] === 1);
  expect(untimedKeys.length).toBeGreaterThan(0);
  // Jobs whose one tile is such a frame, past the read from the start: a window finds it and dates it (a key frame,
  // which the exec decodes from, and another).
  const untimedJobs = [untimedKeys[0]!, untimedMs.find((t) => t > 20_000 && !untimedKeys.includes(t))!].map(
    (ss) => ({ m: 'inter', inter: 3_600_000, ss }) as const,
  );
  // The CLI's pixels at the first and last tile, and at every tile of a frame without a time.
  await expectWindowed(page, vob, table, [...JOBS, ...untimedJobs], (tiles) => [
    tiles[0]!,
    tiles.at(-1)!,
    ...tiles.filter((t) => untimedMs.includes(t.time)),
  ]);
  // Key mode lists every packet, and dates the untimed ones from their neighbours instead of decoding the file for
  // the times (key frames are among them).
  await expectWindowed(
    page,
    vob,
    table,
    [{ m: 'key' }],
    (tiles) => [tiles[0]!, ...tiles.filter((t) => untimedKeys.includes(t.time))],
    'packets',
  );
});
