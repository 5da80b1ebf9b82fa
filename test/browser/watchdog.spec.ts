// A job that stops moving fails with a typed error within its stallTimeoutMs, naming what it waited on, and the
// generator's next job runs on a fresh engine; a job that is only slow is never stopped.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { ALL_BROWSERS, expect, test } from './fixtures.js';
import { openHarness } from './helpers.js';
import { serveFile, type RangeServer } from './range-server.js';

const CACHE = join(import.meta.dirname, '..', '..', '.cache', 'inputs');
/** 30 s of VP8 at 640 × 360 in WebM: every browser here decodes VP8 itself, so the file is read by ranges. */
const VP8 = join(CACHE, 'vp8-30s-640x360.webm');
/** 20 s at 1280 × 720 in one GOP: the frame at 19.96 s costs ffmpeg.wasm one exec that logs nothing for seconds. */
const ONE_GOP = join(CACHE, 'gop20s-20s-1280x720.mp4');

/** Makes `file` once with the ffmpeg CLI (an oracle for tests, never used by the product) and keeps it. */
function make(file: string, args: string[]): void {
  if (existsSync(file)) return;
  execFileSync('ffmpeg', ['-v', 'error', ...args, '-y', `${file}.part.mp4`]);
  execFileSync('mv', [`${file}.part.mp4`, file]);
}

test.beforeAll(() => {
  mkdirSync(CACHE, { recursive: true });
  const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-sc_threshold', '0', '-pix_fmt', 'yuv420p'];
  make(VP8, [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25:duration=30',
    '-c:v',
    'libvpx',
    '-b:v',
    '400k',
    '-g',
    '250',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-f',
    'webm',
  ]);
  make(ONE_GOP, [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720:rate=25:duration=20',
    '-vf',
    'noise=alls=12:allf=t',
    ...x264,
    '-g',
    '500',
    '-keyint_min',
    '500',
  ]);
});

let server: RangeServer | null = null;
test.afterEach(async () => {
  await server?.close();
  server = null;
});

/**
 * On one warm generator with a short stall limit: a job on `url` (expected to stall), then a job on a fixture. Returns
 * the first job's error and how long it took, and whether the second succeeded.
 */
async function stalledThenGood(page: Page, url: string, engine: 'auto' | 'ffmpeg', stallTimeoutMs: number) {
  return page.evaluate(
    async ([u, e, limit]) => {
      const generator = window.harness.api.createSpriteGenerator({ engine: e as 'auto', stallTimeoutMs: limit });
      const started = performance.now();
      const first = await generator.generate(u, { f: 'jpg', sw: 64, sh: 36, inter: 2000 }).then(
        () => ({ ok: true as const }),
        (reason: unknown) => {
          const error = reason as {
            code?: string;
            param?: string;
            details?: Record<string, unknown>;
            message?: string;
          };
          return {
            ok: false as const,
            code: error.code,
            param: error.param,
            details: error.details,
            message: error.message,
          };
        },
      );
      const tookMs = performance.now() - started;
      const next = await generator.generate(await window.harness.fixture('h264-aac_fmp4_320x180_bbb.mp4'), {
        f: 'jpg',
        sw: 64,
        sh: 36,
        inter: 1000,
      });
      generator.dispose();
      return { first, tookMs, nextTiles: next.tiles.length };
    },
    [url, engine, stallTimeoutMs] as const,
  );
}

test(
  'a server that stops sending mid-job: FETCH_FAILED naming the read within the limit; the next job runs',
  ALL_BROWSERS,
  async ({ page }) => {
    await openHarness(page);
    server = await serveFile(VP8, { ranges: true, stallFrom: Math.floor(statSync(VP8).size / 2) });
    // Read by ranges, as WebCodecs reads. (A whole-file download, for ffmpeg.wasm, is given 10 minutes, since it shows
    // no progress until done: the unit tests hold that bound.)
    for (const engine of ['auto'] as const) {
      const r = await stalledThenGood(page, server.url, engine, 2000);
      expect(r.first, JSON.stringify(r.first)).toMatchObject({
        ok: false,
        code: 'FETCH_FAILED',
        param: 'input',
        details: { stalled: true, stage: 'read', stallTimeoutMs: 2000 },
      });
      if (!r.first.ok) expect(r.first.message).toMatch(/sent nothing for 2 s/);
      // One limit after the last byte, plus the job's start: bounded, never a hang.
      expect(r.tookMs).toBeGreaterThanOrEqual(2000);
      expect(r.tookMs).toBeLessThan(15_000);
      expect(r.nextTiles).toBe(5);
    }
  },
);

test(
  'a decoder that is only slow is never stopped: one ffmpeg.wasm exec silent for seconds shows life by its reads',
  ALL_BROWSERS,
  async ({ page }) => {
    await openHarness(page);
    server = await serveFile(ONE_GOP, { ranges: true });
    const r = await page.evaluate(async (url) => {
      const generator = window.harness.api.createSpriteGenerator({
        engine: 'ffmpeg',
        ffmpeg: { decoders: 1 },
        stallTimeoutMs: 1500,
      });
      const marks: { phase: string; at: number }[] = [];
      // The last frame of the only GOP: 499 frames decoded before it, and showinfo logs only the one selected.
      const result = await generator.generate(
        url,
        { f: 'jpg', sw: 64, sh: 36, ss: 19_960, num: 1 },
        { onProgress: (p) => marks.push({ phase: p.phase, at: performance.now() }) },
      );
      generator.dispose();
      // Decoding starts when the probe ends; its last report comes with the one frame.
      const last = (phase: string) => marks.filter((m) => m.phase === phase).at(-1)!.at;
      const decodeStart = last('probe');
      const decodeEnd = last('decode');
      return { times: result.tiles.map((t) => t.time), decodeMs: decodeEnd - decodeStart, engine: result.engine.used };
    }, server.url);
    expect(r.engine).toBe('ffmpeg');
    expect(r.times).toEqual([19_960]);
    // The point of the test: the exec ran silent for longer than the limit, and the job still ended well.
    console.log(`one silent exec: ${Math.round(r.decodeMs)} ms under a 1500 ms stall limit`);
    expect(r.decodeMs).toBeGreaterThan(1500);
  },
);
