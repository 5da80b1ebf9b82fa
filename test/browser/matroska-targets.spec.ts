// Matroska through ffmpeg.wasm without listing every packet: mediabunny reads the file's two ends and looks each
// target up through the cues, in every browser (each reads the File its own way). Made at test time: a minute of
// MPEG-2 with B-frames and audio in Matroska (as DVD rips are), which WebCodecs does not decode. The tiles must be the
// frames the full packet list gives (the CLI's ffprobe and our core's selection, in Node), and their pixels the CLI's.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameTable } from '../../src/core/frame-table.js';
import { resolveOptions } from '../../src/core/options.js';
import { selectFrames } from '../../src/core/selection.js';
import { cliFrameTable } from '../cli-table.js';
import { ALL_BROWSERS, expect, test } from './fixtures.js';
import { cliFrame, expectTimes, frameNumberAt, openHarness, psnr, run, tileRgba } from './helpers.js';

const FPS = 25;
const SECONDS = 60;
let dir = '';
let file = '';
let full: FrameTable;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'matroska-targets-'));
  file = join(dir, 'dvd.mkv');
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=128x96:rate=${FPS}:duration=${SECONDS}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=16000:duration=${SECONDS}`],
    ...['-c:v', 'mpeg2video', '-q:v', '16', '-bf', '2', '-g', '15', '-c:a', 'libopus', '-b:a', '24k', file],
  ]);
  full = cliFrameTable(file);
  expect(full.times.length).toBe(SECONDS * FPS);
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(
  'MPEG-2 in Matroska: both ends and the cues, the full list’s frames, the CLI’s pixels',
  ALL_BROWSERS,
  async ({ page }) => {
    await openHarness(page);
    const input = { base64: readFileSync(file).toString('base64'), name: 'dvd.mkv' };
    const job = { f: 'png', m: 'avg', num: 12, sw: 64, sh: 48, tw: 4, th: 3 } as const;
    const result = await run(page, input, job);
    expect(result.ok, JSON.stringify(result).slice(0, 400)).toBe(true);
    if (!result.ok) return;
    expect(result.engine).toMatchObject({ used: 'ffmpeg', frameTable: 'targets' });
    expect(result.source).toMatchObject({ durationMs: full.durationMs, frameIntervalMs: full.frameIntervalMs });
    expectTimes(
      result.tiles.map((t) => t.time),
      selectFrames(full, resolveOptions(job)).map((c) => c.time),
    );
    for (const tile of [result.tiles[1]!, result.tiles.at(-1)!]) {
      const mine = await tileRgba(page, tile);
      expect(psnr(mine, cliFrame(file, frameNumberAt(full, tile.time), tile.w, tile.h))).toBeGreaterThan(35);
    }
  },
);
