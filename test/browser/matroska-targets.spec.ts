// Matroska without listing every packet, in every browser (each reads the File its own way). Through ffmpeg.wasm,
// mediabunny reads the file's two ends and looks each target up through the cues: a minute of MPEG-2 with B-frames and
// audio in Matroska (as DVD rips are), which WebCodecs does not decode. Through WebCodecs, a file without cues (written
// to a pipe) is looked up by our search on bytes for cluster headers (matroska-clusters.ts). Made at test time; the
// tiles must be the frames the full packet list gives (the CLI's, and our core's selection, in Node), and their pixels
// the CLI's.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { FrameTable } from '../../src/core/frame-table.js';
import { resolveOptions } from '../../src/core/options.js';
import { selectFrames } from '../../src/core/selection.js';
import { cliFrameTable } from '../cli-table.js';
import type { Page } from '@playwright/test';
import { ALL_BROWSERS, expect, test } from './fixtures.js';
import { cliFrame, expectTimes, frameNumberAt, openHarness, psnr, run, tileRgba } from './helpers.js';

const FPS = 25;
const SECONDS = 60;
let dir = '';
let file = '';
let full: FrameTable;
let piped = '';
let pipedFull: FrameTable;
let pipedWebm = '';
let pipedWebmFull: FrameTable;

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
  // H.264 with B-frames, written to a pipe in clusters of a packet or two: no cues, and B-frames shown before a
  // cluster's first packet sit in the clusters after it.
  piped = join(dir, 'piped.mkv');
  const h264 = [
    ...['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=128x96:rate=${FPS}:duration=${SECONDS}`],
    ...['-c:v', 'libx264', '-bf', '3', '-x264-params', 'keyint=50:min-keyint=50:scenecut=0', '-pix_fmt', 'yuv420p'],
    ...['-cluster_size_limit', '1500', '-f', 'matroska', '-'],
  ];
  execFileSync('sh', ['-c', `ffmpeg ${h264.map((a) => `'${a}'`).join(' ')} > '${piped}'`]);
  pipedFull = cliFrameTable(piped);
  expect(pipedFull.times.length).toBe(SECONDS * FPS);
  // VP9 in WebM, written to a pipe: Firefox's WebCodecs decodes it, WebKitGTK's does not (ffmpeg.wasm does, with the
  // same search for its table). BT.709, whose colours Firefox gives right (see the colour tests in engines.spec.ts).
  pipedWebm = join(dir, 'piped.webm');
  const vp9 = [
    ...['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=128x96:rate=${FPS}:duration=${SECONDS}`],
    ...['-vf', 'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p', '-colorspace', 'bt709'],
    ...['-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'],
    ...['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-g', '50', '-f', 'webm', '-'],
  ];
  execFileSync('sh', ['-c', `ffmpeg ${vp9.map((a) => `'${a}'`).join(' ')} > '${pipedWebm}'`]);
  pipedWebmFull = cliFrameTable(pipedWebm);
  expect(pipedWebmFull.times.length).toBe(SECONDS * FPS);
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * An `avg` job on `file`, its table read without listing every packet: the full list's frames (`table`), the CLI's
 * pixels. `used`: the engine that must run it (`forced` onto it), else whichever decodes it in this browser.
 */
async function expectFullListFrames(
  page: Page,
  file: string,
  table: FrameTable,
  { used, forced = false }: { used?: 'webcodecs' | 'ffmpeg'; forced?: boolean } = {},
) {
  await openHarness(page);
  const input = { base64: readFileSync(file).toString('base64'), name: basename(file) };
  const job = { f: 'png', m: 'avg', num: 12, sw: 64, sh: 48, tw: 4, th: 3 } as const;
  const result = await run(page, input, job, forced ? { engine: used } : {});
  expect(result.ok, JSON.stringify(result).slice(0, 400)).toBe(true);
  if (!result.ok) return;
  expect(result.engine).toMatchObject({ frameTable: 'targets', ...(used && { used }) });
  expect(result.source).toMatchObject({ durationMs: table.durationMs, frameIntervalMs: table.frameIntervalMs });
  expectTimes(
    result.tiles.map((t) => t.time),
    selectFrames(table, resolveOptions(job)).map((c) => c.time),
  );
  // Firefox's WebCodecs gives this VP9 in other colours (21 dB against 35 elsewhere, measured 2026-12-05; see the
  // colour tests in engines.spec.ts).
  const colours = !(test.info().project.name === 'firefox' && result.engine.used === 'webcodecs');
  for (const tile of [result.tiles[1]!, result.tiles[6]!, result.tiles.at(-1)!]) {
    const mine = await tileRgba(page, tile);
    const n = frameNumberAt(table, tile.time);
    const [before, at, after] = [n - 1, n, n + 1].map((i) => psnr(mine, cliFrame(file, i, tile.w, tile.h)));
    // The CLI's frame, not its neighbour (the pattern moves every frame).
    expect(at, `tile at ${tile.time} ms`).toBeGreaterThan(Math.max(before!, after!) + 3);
    if (colours) expect(at, `tile at ${tile.time} ms`).toBeGreaterThan(35);
  }
}

test(
  'MPEG-2 in Matroska: both ends and the cues, the full list’s frames, the CLI’s pixels',
  ALL_BROWSERS,
  async ({ page }) => {
    await expectFullListFrames(page, file, full, { used: 'ffmpeg' });
  },
);

// Chromium's WebCodecs decodes H.264; Debian's Firefox ESR and WebKitGTK here do not (ffmpeg.wasm takes it there).
test('H.264 with B-frames in Matroska without cues, through WebCodecs and ffmpeg.wasm: a search on bytes, the full list’s frames, the CLI’s pixels', async ({
  page,
}) => {
  await expectFullListFrames(page, piped, pipedFull, { used: 'webcodecs' });
  // ffmpeg.wasm, as for a codec the browser does not decode: each exec reads the head and the clusters from its key
  // frame's on (matroska-targets.ts's partFile).
  await expectFullListFrames(page, piped, pipedFull, { used: 'ffmpeg', forced: true });
});

test(
  'VP9 in WebM without cues, through either engine: a search on bytes, the full list’s frames, the CLI’s pixels',
  ALL_BROWSERS,
  async ({ page }) => {
    await expectFullListFrames(page, pipedWebm, pipedWebmFull);
  },
);
