// The bundler matrix: the packed package installed into a fresh app of each tool people build with, run in each of
// its modes, with the two videos that load the two decoders: an H.264 MP4 (WebCodecs; the ffmpeg core must never be
// fetched) and an MPEG-4 AVI (ffmpeg.wasm). Each job must give its sheets with no failed request and no console
// error; a production build must hold exactly one ffmpeg core (.wasm), and nothing of it in a server output. Where a
// framework renders on the server, the package imported there must fail a job with a SpriteError, not crash.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ROOT } from './setup.js';
import { TOOLS } from './tools/index.js';
import { APPS_DIR, filesEnding, fresh, type ConsumerTool, type ToolMode } from './tools/tool.js';
import { packedTarball } from './pack.js';

test.describe.configure({ mode: 'serial' });

const MP4 = join(ROOT, 'test', 'fixtures', 'h264-aac_fmp4_320x180_bbb.mp4');
const AVI = join(ROOT, 'test', 'fixtures', 'mpeg4_avi_400x300_bicycle.avi');
/** A string literal each worker's code alone holds (an error message), so a minifier keeps it. */
const WORKER_MARKS: [string, string][] = [
  ['engine worker', 'could not decode the video from'],
  ['ffmpeg decoder worker', 'DEFAULT_ARGS_FFPROBE'],
];
/** Tools to run, e.g. `CONSUMER_TOOLS=webpack,next`; all by default. */
const ONLY = process.env.CONSUMER_TOOLS?.split(',').filter(Boolean);

interface Outcome {
  ok: boolean;
  file: string;
  sheets?: { name: string; type: string; width: number; height: number; bytes: number }[];
  times?: number[];
  engine?: { used: string; fallback: unknown };
  vtt?: string;
  code?: string;
  message?: string;
}

interface Watch {
  consoleErrors: string[];
  failedRequests: string[];
  wasmRequests: string[];
}

function watch(page: Page): Watch {
  const w: Watch = { consoleErrors: [], failedRequests: [], wasmRequests: [] };
  page.on('console', (m) => {
    // With the URL it came from: Chromium's "Failed to load resource" names no file itself. The browser's own request
    // for /favicon.ico (at the origin's root, which these apps leave empty) is not the page's.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico'))
      w.consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => w.consoleErrors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => w.failedRequests.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) w.failedRequests.push(`${r.url()} HTTP ${r.status()}`);
  });
  page.on('request', (r) => {
    if (/\.wasm(\?|$)/.test(r.url())) w.wasmRequests.push(r.url());
  });
  return w;
}

/** Chooses `file` in the page's input and waits for the job's outcome. */
async function runFile(page: Page, file: string): Promise<Outcome> {
  const out = page.locator('#out');
  await page.locator('#video').setInputFiles(file);
  await expect(out).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  return JSON.parse((await out.textContent())!) as Outcome;
}

/** Tile times a second apart from 0, each on a real frame (within one frame interval of the target). */
function expectSecondTiles(times: number[] | undefined, frameMs: number, count: number): void {
  expect(times).toHaveLength(count);
  times!.forEach((t, i) => expect(Math.abs(t - i * 1000), `tile ${i} at ${t} ms`).toBeLessThan(frameMs));
}

/**
 * The package on the server (where a framework renders): importing it must not crash, and a job must reject with a
 * clear SpriteError. Soft, so that the browser checks still run and report when it fails; in its own tab, so that its
 * page's errors stay out of the browser checks.
 */
async function checkServer(page: Page, url: string): Promise<void> {
  const tab = await page.context().newPage();
  try {
    const res = await tab.goto(url);
    expect.soft(res?.status(), `${url} answers`).toBe(200);
    await expect
      .soft(tab.locator('#server'), `${url} shows the server's error`)
      .toHaveText(/^SpriteError ENGINE_FAILED: \S/);
  } finally {
    await tab.close();
  }
}

async function checkMode(tool: ConsumerTool, mode: ToolMode, page: Page): Promise<void> {
  const dir = join(APPS_DIR, tool.id);
  const app = await mode.start(dir);
  try {
    if (mode.serverCheckPath) await checkServer(page, new URL(mode.serverCheckPath, app.url).href);
    const w = watch(page);
    await page.goto(app.url);
    await expect(page.locator('#video')).toBeVisible({ timeout: 60_000 });
    // A page that has not hydrated yet would drop the file: wait for the script to say it is ready.
    await expect(page.locator('#out')).toHaveAttribute('data-ready', 'yes', { timeout: 60_000 });

    const mp4 = await runFile(page, MP4);
    expect(mp4, JSON.stringify(mp4)).toMatchObject({ ok: true });
    expect(mp4.engine!.used).toBe('webcodecs');
    expect(mp4.sheets).toEqual([
      expect.objectContaining({ name: 'sprite-0.jpg', type: 'image/jpeg', width: 2 * 2 + 5 * 160 + 4 * 2 }),
    ]);
    expectSecondTiles(mp4.times, 1000 / 24, 5); // the MP4 lasts 5.0 s: tiles at 0 … 4 s
    expect(mp4.vtt).toContain('sprite-0.jpg#xywh=2,2,160,90');
    expect(w.wasmRequests, 'the ffmpeg core is not fetched for a file WebCodecs decodes').toEqual([]);

    const avi = await runFile(page, AVI);
    expect(avi, JSON.stringify(avi)).toMatchObject({ ok: true });
    expect(avi.engine!.used).toBe('ffmpeg');
    expect(avi.sheets).toEqual([expect.objectContaining({ name: 'sprite-0.jpg', type: 'image/jpeg' })]);
    expectSecondTiles(avi.times, 40, 1);
    expect(w.wasmRequests, 'the core is fetched once for the job').toHaveLength(1);

    expect(w.failedRequests, 'failed requests').toEqual([]);
    expect(w.consoleErrors, 'console errors').toEqual([]);
  } finally {
    await app.stop();
  }
  if (mode.output) {
    const { client, server = [] } = mode.output(dir);
    const wasm = client.flatMap((d) => filesEnding(d, '.wasm'));
    expect(wasm, 'one ffmpeg core in the client output').toHaveLength(1);
    expect(
      server.flatMap((d) => filesEnding(d, '.wasm')),
      'no ffmpeg core in the server output',
    ).toEqual([]);
    // One copy of each worker, whatever the bundler named it: found by a string only that worker's code holds.
    const scripts = client.flatMap((d) => filesEnding(d, '.js')).map((f) => ({ f, text: readFileSync(f, 'utf8') }));
    for (const [worker, mark] of WORKER_MARKS) {
      expect(
        scripts.filter((s) => s.text.includes(mark)).map((s) => s.f),
        `one copy of the ${worker} in the client output`,
      ).toHaveLength(1);
    }
    const serverScripts = server
      .flatMap((d) => filesEnding(d, '.js'))
      .filter((f) => WORKER_MARKS.some(([, mark]) => readFileSync(f, 'utf8').includes(mark)));
    expect(serverScripts, 'no worker of ours in the server output').toEqual([]);
  }
}

for (const tool of TOOLS.filter((t) => !ONLY || ONLY.includes(t.id))) {
  test.describe(tool.name, () => {
    test.beforeAll(() => {
      test.setTimeout(600_000);
      const dir = join(APPS_DIR, tool.id);
      fresh(dir);
      tool.create(dir, packedTarball());
    });
    for (const mode of tool.modes) {
      test(`${tool.name}, ${mode.name}: an MP4 through WebCodecs and an AVI through ffmpeg.wasm, zero configuration`, async ({
        page,
      }) => {
        test.setTimeout(600_000);
        await checkMode(tool, mode, page);
      });
    }
  });
}
