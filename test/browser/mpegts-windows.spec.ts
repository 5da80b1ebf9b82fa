// MPEG-TS through ffmpeg.wasm without listing every packet: ffprobe seeks to a window around each target, in every
// browser (each reads the File its own way). Made at test time: three minutes of MPEG-2 with B-frames and audio whose
// 33-bit timestamps wrap 100 s in (4 MB, handed to the page in base64). The tiles must be the frames the full packet
// list gives (the CLI's ffprobe and our core's selection, in Node), past the wrap too, and their pixels the CLI's.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameTable } from '../../src/core/frame-table.js';
import { resolveOptions, type SpriteOptions } from '../../src/core/options.js';
import { selectFrames } from '../../src/core/selection.js';
import { ALL_BROWSERS, expect, test } from './fixtures.js';
import { cliFrame, cliPacketTable, expectTimes, frameNumberAt, openHarness, psnr, run, tileRgba } from './helpers.js';

const FPS = 15;
const SECONDS = 180;
let dir = '';
let file = '';
let full: FrameTable;

test.describe.configure({ timeout: 300_000 });

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpegts-windows-'));
  file = join(dir, 'wrap.ts');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=128x96:rate=${FPS}:duration=${SECONDS}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=16000:duration=${SECONDS}`,
    '-c:v',
    'mpeg2video',
    '-q:v',
    '16',
    '-bf',
    '2',
    '-g',
    String(FPS),
    '-c:a',
    'mp2',
    '-b:a',
    '32k',
    '-output_ts_offset',
    String(2 ** 33 / 90000 - 100),
    '-f',
    'mpegts',
    file,
  ]);
  full = cliPacketTable(file);
  expect(full.times.length).toBe(SECONDS * FPS);
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(
  'MPEG-TS with a timestamp wrap: windows around the targets, the full list’s frames, the CLI’s pixels',
  ALL_BROWSERS,
  async ({ page }) => {
    await openHarness(page);
    const input = { base64: readFileSync(file).toString('base64'), name: 'wrap.ts' };
    for (const options of [
      { m: 'avg', num: 20 },
      { m: 'inter', inter: 11_111, ss: 1234 },
    ] as Partial<SpriteOptions>[]) {
      const job = { f: 'png', sw: 80, sh: 60, tw: 5, th: 4, ...options } as const;
      const result = await run(page, input, job);
      expect(result.ok, JSON.stringify(result).slice(0, 400)).toBe(true);
      if (!result.ok) return;
      expect(result.engine).toMatchObject({ used: 'ffmpeg', frameTable: 'targets' });
      expect(result.source).toMatchObject({ durationMs: full.durationMs, frameIntervalMs: full.frameIntervalMs });
      const want = selectFrames(full, resolveOptions(job)).map((c) => c.time);
      expectTimes(
        result.tiles.map((t) => t.time),
        want,
      );
      // Tiles on both sides of the wrap (100 s in) show the frames the CLI decodes there.
      for (const tile of [result.tiles[2]!, result.tiles.at(-1)!]) {
        const mine = await tileRgba(page, tile);
        expect(psnr(mine, cliFrame(file, frameNumberAt(full, tile.time), tile.w, tile.h))).toBeGreaterThan(35);
      }
    }
  },
);
