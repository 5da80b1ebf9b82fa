// A URL input is read with HTTP Range requests where the server allows them: a key-frame job on a large file reads a
// small part of it. Where the server does not, one plain download does.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_BROWSERS, expect, test } from './fixtures.js';
import { openHarness } from './helpers.js';
import { serveFile, type RangeServer } from './range-server.js';

const CACHE = join(import.meta.dirname, '..', '..', '.cache', 'inputs');
const LONG = join(CACHE, 'gop10s-120s-640x360.mp4');
/** The same with its index at the front (`+faststart`): a reader can then reach the last packets without the end. */
const FRONT = join(CACHE, 'gop10s-120s-640x360-faststart.mp4');

test.beforeAll(() => {
  // Two minutes at 640 × 360, a key frame every 10 s: ~20 MB, made once with the ffmpeg CLI (an oracle, never used
  // by the product) and kept between runs.
  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(LONG)) {
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=640x360:rate=25:duration=120',
      '-vf',
      'noise=alls=8:allf=t',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '250',
      '-keyint_min',
      '250',
      '-sc_threshold',
      '0',
      '-pix_fmt',
      'yuv420p',
      '-y',
      `${LONG}.part.mp4`,
    ]);
    execFileSync('mv', [`${LONG}.part.mp4`, LONG]);
  }
  if (!existsSync(FRONT)) {
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-i',
      LONG,
      '-c',
      'copy',
      '-movflags',
      '+faststart',
      '-y',
      `${FRONT}.part.mp4`,
    ]);
    execFileSync('mv', [`${FRONT}.part.mp4`, FRONT]);
  }
});

let server: RangeServer | null = null;
test.afterEach(async () => {
  await server?.close();
  server = null;
});

async function keyJob(page: import('@playwright/test').Page, url: string, engine = 'auto') {
  return page.evaluate(
    async ([u, e]) => {
      const r = await window.harness.api.generateSprites(
        u,
        { f: 'jpg', m: 'key', sw: 64, sh: 36 },
        { engine: e as 'auto' },
      );
      return { times: r.tiles.map((t) => t.time), engine: r.engine.used, missed: r.missed };
    },
    [url, engine] as const,
  );
}

/**
 * Whether this browser decodes the test file's H.264 itself (Debian's Chromium and Firefox do, WebKitGTK does not):
 * only the WebCodecs path reads a URL by ranges; ffmpeg.wasm downloads it whole. Asked through a server of its own,
 * so that the test's server counts the job's reads alone.
 */
async function decodesNatively(page: import('@playwright/test').Page, file: string): Promise<boolean> {
  const probe = await serveFile(file, { ranges: false });
  try {
    const native = await page.evaluate((u) => window.harness.nativeDecoder(u), probe.url);
    expect(native).not.toBeNull();
    return native!.supported;
  } finally {
    await probe.close();
  }
}

/** The same job, expected to fail: its error as plain data. */
async function failingKeyJob(page: import('@playwright/test').Page, url: string) {
  return page.evaluate(async (u) => {
    try {
      const r = await window.harness.api.generateSprites(u, { f: 'jpg', m: 'key', sw: 64, sh: 36 });
      return { ok: true, missed: r.missed, tiles: r.tiles.length };
    } catch (e) {
      const error = e as { code?: string; message?: string };
      return { ok: false, code: error.code, message: error.message };
    }
  }, url);
}

test(
  'a Range read that fails mid-job is FETCH_FAILED, not a file taken for cut with frames quietly missed',
  ALL_BROWSERS,
  async ({ page }) => {
    await openHarness(page);
    // The index is at the front; every read from the middle of the file on fails.
    server = await serveFile(FRONT, { ranges: true, failFrom: Math.floor(statSync(FRONT).size / 2) });
    const native = await decodesNatively(page, FRONT);
    const r = await failingKeyJob(page, server.url);
    if (!native) {
      // Without a native decoder the file goes to ffmpeg.wasm, which downloads it whole, without a range: that read
      // does not fail, and the job gives every key frame.
      expect(r, JSON.stringify(r)).toMatchObject({ ok: true, tiles: 12, missed: 0 });
      expect(server.ranges.at(-1)).toBeNull();
      return;
    }
    expect(r, JSON.stringify(r)).toMatchObject({ ok: false, code: 'FETCH_FAILED' });
    expect(r.message).toMatch(/HTTP 500/);
  },
);

test(
  'a 206 answer without the total size: FETCH_FAILED saying so, not a one-byte file',
  ALL_BROWSERS,
  async ({ page }) => {
    await openHarness(page);
    server = await serveFile(LONG, { ranges: true, sizeUnknown: true });
    const r = await failingKeyJob(page, server.url);
    expect(r, JSON.stringify(r)).toMatchObject({ ok: false, code: 'FETCH_FAILED' });
    expect(r.message).toMatch(/without the file's total size.*bytes 0-0\/\*/);
  },
);

test(
  'a key-frame job on a large file reads a small fraction of it, with Range requests, where the browser decodes it',
  ALL_BROWSERS,
  async ({ page }) => {
    await openHarness(page);
    server = await serveFile(LONG, { ranges: true });
    const native = await decodesNatively(page, LONG);
    const r = await keyJob(page, server.url);
    expect(r.times).toEqual(Array.from({ length: 12 }, (_, i) => i * 10_000));
    const size = statSync(LONG).size;
    if (!native) {
      // ffmpeg.wasm, the only decoder here, downloads the file whole and once (as the last test checks in every browser).
      expect(r.engine).toBe('ffmpeg');
      expect(server.sent()).toBeLessThanOrEqual(size * 1.05);
      return;
    }
    expect(r.engine).toBe('webcodecs');
    expect(server.ranges.every((range) => range !== null)).toBe(true);
    console.log(
      `key frames of ${LONG}: read ${server.sent()} of ${size} bytes (${((100 * server.sent()) / size).toFixed(1)} %) in ${server.ranges.length} requests`,
    );
    expect(server.sent(), `${server.sent()} of ${size} bytes`).toBeLessThan(size * 0.2);
  },
);

test('a server without Range support: one plain download, and the job still works', ALL_BROWSERS, async ({ page }) => {
  await openHarness(page);
  server = await serveFile(LONG, { ranges: false });
  const r = await keyJob(page, server.url);
  expect(r.times).toEqual(Array.from({ length: 12 }, (_, i) => i * 10_000));
  expect(server.sent()).toBeLessThanOrEqual(statSync(LONG).size * 1.05);
});

test('ffmpeg.wasm downloads a URL input whole, once', ALL_BROWSERS, async ({ page }) => {
  await openHarness(page);
  server = await serveFile(LONG, { ranges: true });
  const r = await keyJob(page, server.url, 'ffmpeg');
  expect(r.engine).toBe('ffmpeg');
  expect(r.times).toEqual(Array.from({ length: 12 }, (_, i) => i * 10_000));
  expect(server.ranges).toEqual([null]);
});
