// A file over 4 GiB through the ffmpeg.wasm path, end to end: an MPEG-4 Part 2 AVI with B-frames (OpenDML index,
// offsets past 32 bits), made at test time by copying one 10 s segment end to end. The frame table comes from the
// index (nothing scans the file), and every tile is the exact frame the CLI says is there, also past the 4 GiB mark.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { parseShowinfo } from '../../src/engine/ffmpeg/probe-parse.js';
import { cliFrame, expectTimes, frameAt, openHarness, psnr, tileRgba } from './helpers.js';

const SEGMENT_S = 10;
const FPS = 30;
const W = 640;
const H = 480;
let dir = '';
let big = '';
let segment = '';
let copies = 0;
/** The segment's frames as ffmpeg decodes them: presentation time (s) and key flag, in presentation order. */
let segmentFrames: { pts: number; key: boolean }[] = [];

test.describe.configure({ timeout: 600_000 });

test.beforeAll(() => {
  test.setTimeout(600_000);
  dir = mkdtempSync(join(tmpdir(), 'large-avi-'));
  segment = join(dir, 'segment.avi');
  // Noise keeps the frames large (about 12 MB/s) and unlike each other, so a wrong frame cannot pass for the right one.
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${W}x${H}:rate=${FPS}:duration=${SEGMENT_S}`,
    '-vf',
    'noise=alls=40:allf=t',
    '-c:v',
    'mpeg4',
    '-q:v',
    '1',
    '-bf',
    '2',
    '-g',
    String(FPS),
    '-sc_threshold',
    '1000000000',
    segment,
  ]);
  copies = Math.ceil((4 * 2 ** 30 + 64 * 2 ** 20) / statSync(segment).size);
  const list = join(dir, 'list.txt');
  writeFileSync(list, `file '${segment}'\n`.repeat(copies));
  big = join(dir, 'big.avi');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', big]);
  expect(statSync(big).size).toBeGreaterThan(4 * 2 ** 30);

  const decoded = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-copyts', '-i', segment, '-vf', 'showinfo', '-f', 'null', '-'],
    { encoding: 'utf8' },
  );
  segmentFrames = parseShowinfo(decoded.stderr.split('\n'));
  expect(segmentFrames).toHaveLength(SEGMENT_S * FPS);
  // The copies follow on without a gap: the big file's packets are numbered 0…N-1 (an AVI's times are its slots),
  // none empty, so copy k's frames are the segment's, k × 10 s later.
  const packets = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=dts,size', '-of', 'csv=p=0', big],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  )
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number));
  expect(packets).toHaveLength(copies * SEGMENT_S * FPS);
  packets.forEach(([dts, size], i) =>
    expect(dts === i && size! > 0, `packet ${i}: dts ${dts}, ${size} bytes`).toBe(true),
  );
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The big file's frame times (ms from the first frame) and key-frame times, from the segment's and the copy count. */
function expectedTable() {
  const start = segmentFrames[0]!.pts;
  const frames = Array.from({ length: copies }, (_, k) =>
    segmentFrames.map((f) => ({ time: Math.round((f.pts + k * SEGMENT_S - start) * 1e6) / 1e3, key: f.key })),
  ).flat();
  return { times: frames.map((f) => f.time), keys: frames.filter((f) => f.key).map((f) => f.time) };
}

test('a 4 GiB MPEG-4 AVI: the frame table from its OpenDML index, exact tiles past the 4 GiB mark', async ({
  page,
}) => {
  await openHarness(page);
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'big';
    document.body.append(input);
  });
  await page.locator('#big').setInputFiles(big);
  const runBig = (options: object) =>
    page.evaluate(
      (o) => window.harness.run(document.querySelector<HTMLInputElement>('#big')!.files![0]!, o as never),
      options,
    );
  const { times, keys } = expectedTable();
  const lastMs = times.at(-1)!;

  // Key frames of the last 15 s: the last copy lies past 4 GiB. With B-frames, a key frame is shown after the
  // B-frames that follow it in the file, so its time comes from the frame headers, not its place in the index.
  const ss = Math.floor(lastMs - 15000);
  const keyRun = await runBig({ f: 'png', m: 'key', ss, num: 20, sw: 80, sh: 60, tw: 5, th: 4 });
  expect(keyRun.ok, JSON.stringify(keyRun).slice(0, 400)).toBe(true);
  if (!keyRun.ok) return;
  expect(keyRun.engine).toMatchObject({ used: 'ffmpeg', frameTable: 'index' });
  expectTimes(
    keyRun.tiles.map((t) => t.time),
    keys.filter((t) => t >= ss).slice(0, 20),
  );

  // Exact frames spread over the whole file, none on a key frame or a whole second.
  const inter = 36_999;
  const interRun = await runBig({ f: 'png', inter, sw: 80, sh: 60, tw: 4, th: 3 });
  expect(interRun.ok, JSON.stringify(interRun).slice(0, 400)).toBe(true);
  if (!interRun.ok) return;
  const targets = Array.from({ length: Math.ceil((lastMs + 1000 / FPS) / inter) }, (_, i) => i * inter);
  expectTimes(
    interRun.tiles.map((t) => t.time),
    targets.map((t) => frameAt(times, t)),
  );
  expect(interRun.source).toMatchObject({ codedWidth: W, codedHeight: H });

  // The last tile (past 4 GiB) shows the very frame the CLI decodes there.
  const last = interRun.tiles.at(-1)!;
  const frameIndex = times.indexOf(last.time) % (SEGMENT_S * FPS);
  const mine = await tileRgba(page, last);
  expect(psnr(mine, cliFrame(segment, frameIndex, last.w, last.h))).toBeGreaterThan(35);
});
