// The package as other apps use it: packed, installed into a fresh Vite + TypeScript app (dev server, build, preview)
// and copied into a page with no bundler, each served under a sub-path without COOP/COEP. A job must produce sheets
// with no console error, no failed request and no request outside the page's origin; a worker or core that cannot
// be loaded must end the job within seconds as ENGINE_FAILED naming the URL.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  BASE,
  buildViteApp,
  makeStaticSite,
  makeViteApp,
  STATIC_SITE,
  VITE_APP,
  VITE_BIN,
  type PackReport,
} from './setup.js';
import { PACK_DIR, packedTarball } from './pack.js';
import { serveStatic, type StaticServer } from './static-server.js';

test.describe.configure({ mode: 'serial' });

/** What went wrong on a page while it ran, as a person reading the console and the network panel would see it. */
interface PageWatch {
  consoleErrors: string[];
  failedRequests: string[];
  foreignRequests: string[];
}

function watch(page: Page, origin: string): PageWatch {
  const w: PageWatch = { consoleErrors: [], failedRequests: [], foreignRequests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') w.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => w.consoleErrors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => w.failedRequests.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) w.failedRequests.push(`${r.url()} HTTP ${r.status()}`);
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== origin)
      w.foreignRequests.push(url);
  });
  return w;
}

function expectClean(w: PageWatch): void {
  expect(w.consoleErrors, 'console errors').toEqual([]);
  expect(w.failedRequests, 'failed requests').toEqual([]);
  expect(w.foreignRequests, 'requests outside the page origin').toEqual([]);
}

/** Starts the project's own Vite on the consumer app (no config file) and waits until it answers. */
async function startVite(args: string[]): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [VITE_BIN, ...args, '--base', BASE, '--port', '0', '--strictPort'], {
    cwd: VITE_APP,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`vite did not start: ${out}`)), 30_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      // Vite prints e.g. "Local:   http://localhost:5173/sub/" (with colour codes).
      // eslint-disable-next-line no-control-regex -- the colour codes start with ESC (\x1b), which is what is matched
      const m = /Local:\s+(?:\x1b\[[0-9;]*m)*(http:\/\/localhost:\d+)/.exec(out.replace(/\x1b\[[0-9;]*m/g, ''));
      if (m) {
        clearTimeout(timer);
        resolve(`${m[1]}${BASE}`);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`vite exited (${code}): ${out}`)));
  });
  return { url, process: child };
}

async function open(page: Page, url: string): Promise<PageWatch> {
  const w = watch(page, new URL(url).origin);
  await page.goto(url);
  await page.waitForFunction(() => 'consumer' in window);
  return w;
}

type Consumer = Record<string, (arg?: unknown) => Promise<unknown>>;
const call = <T>(page: Page, name: string, arg?: unknown): Promise<T> =>
  page.evaluate(([n, a]) => (window as unknown as { consumer: Consumer }).consumer[n]!(a), [
    name,
    arg,
  ] as const) as Promise<T>;

interface JobSummary {
  sheets: { name: string; type: string; width: number }[];
  times: number[];
  vtt: string;
  phases?: string[];
  trackUsesBlobUrls?: boolean;
}

/** One job, then two on a warm generator: sheets come out with the frames asked for, in every format. */
async function expectJobsWork(page: Page): Promise<void> {
  const job = await call<JobSummary>(page, 'runJob');
  expect(job.sheets).toEqual([{ name: 'sprite-0.jpg', type: 'image/jpeg', width: 2 * 2 + 3 * 64 + 2 * 2 }]);
  expect(job.times).toEqual([0, 1000, 2000, 3000, 4000]);
  expect(job.phases).toEqual(['load', 'probe', 'decode', 'encode']);
  expect(job.vtt).toContain('sprite-0.jpg#xywh=2,2,64,36');
  const [keys, webp] = await call<JobSummary[]>(page, 'runWarm');
  expect(keys!.sheets[0]!.type).toBe('image/png');
  expect(keys!.times.length).toBeGreaterThan(0);
  expect(webp!.sheets[0]!.type).toBe('image/webp');
  expect(webp!.times).toEqual([0, 2500]);
}

let packed: PackReport;

test.beforeAll(() => {
  test.setTimeout(180_000);
  packed = JSON.parse(readFileSync(join(PACK_DIR, 'report.json'), 'utf8')) as PackReport;
  makeViteApp(packedTarball());
  makeStaticSite();
});

test('the package holds the library only: one ffmpeg core, the rest under 5 MB, a licence, no dependencies', () => {
  const paths = packed.files.map((f) => f.path);
  const cores = paths.filter((p) => p.endsWith('ffmpeg-core.wasm'));
  expect(cores).toEqual(['dist/ffmpeg-core/ffmpeg-core.wasm']);
  const core = packed.files.filter((f) => f.path.startsWith('dist/ffmpeg-core/ffmpeg-core.'));
  const rest = packed.unpackedSize - core.reduce((sum, f) => sum + f.size, 0);
  expect(rest, `everything but the core: ${rest} bytes`).toBeLessThan(5 * 1024 * 1024);
  expect(paths).toEqual(
    expect.arrayContaining([
      'LICENSE',
      'README.md',
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/core/index.js',
      'dist/engine.worker.js',
      'dist/ffmpeg.worker.js',
      'dist/ffmpeg-core/LICENSE.md',
      'dist/THIRD-PARTY-NOTICES.md',
    ]),
  );
  // No demo site, no sample video, no sources or tests.
  expect(paths.filter((p) => !p.startsWith('dist/') && !['LICENSE', 'README.md', 'package.json'].includes(p))).toEqual(
    [],
  );
  expect(paths.filter((p) => /\.(html|mp4|webm|ts)$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
  // Everything the built code needs is bundled: an install pulls nothing else.
  const manifest = JSON.parse(
    readFileSync(join(VITE_APP, 'node_modules', 'video-sprite', 'package.json'), 'utf8'),
  ) as Record<string, unknown>;
  expect(manifest.dependencies ?? {}).toEqual({});
  expect(manifest.peerDependencies ?? {}).toEqual({});
  expect(
    readFileSync(join(VITE_APP, 'node_modules', 'video-sprite', 'dist', 'ffmpeg-core', 'LICENSE.md'), 'utf8'),
  ).toContain('GNU GENERAL PUBLIC LICENSE');
});

test('a fresh Vite + TypeScript app, dev server under a sub-path: jobs run with zero configuration', async ({
  page,
}) => {
  const vite = await startVite([]);
  try {
    const w = await open(page, vite.url);
    await expectJobsWork(page);
    expect(await call(page, 'runBad')).toBe('INVALID_OPTION tw');
    expect(await call<JobSummary>(page, 'runJob').then((j) => j.trackUsesBlobUrls)).toBe(true);
    expectClean(w);
  } finally {
    vite.process.kill();
  }
});

test('the same app built by Vite and served by its preview under a sub-path', async ({ page }) => {
  buildViteApp();
  const vite = await startVite(['preview']);
  try {
    const w = await open(page, vite.url);
    await expectJobsWork(page);
    expectClean(w);
  } finally {
    vite.process.kill();
  }
});

test.describe('a page with no bundler, the package folder copied under a sub-path of a static host', () => {
  let server: StaticServer;
  test.beforeAll(async () => {
    server = await serveStatic(STATIC_SITE, BASE);
  });
  test.afterAll(async () => server.close());
  test.afterEach(() => {
    server.faults.clear();
    server.pageHeaders = {};
  });

  test('jobs run, with no COOP/COEP and nothing fetched from elsewhere', async ({ page }) => {
    const w = await open(page, server.url);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await expectJobsWork(page);
    expectClean(w);
  });

  interface Failure {
    ok: boolean;
    isSpriteError: boolean;
    code: string;
    message: string;
    ms: number;
  }

  /** Runs a job with `fault` on `file`; it must fail within seconds as ENGINE_FAILED naming the file's URL. */
  async function expectEngineFailed(
    page: Page,
    file: string,
    cause: RegExp,
    settings: object = {},
    withinMs = 5_000,
  ): Promise<Failure> {
    await open(page, server.url);
    const r = await call<Failure>(page, 'runFailing', settings);
    expect(r.ok, JSON.stringify(r)).toBe(false);
    expect(r.isSpriteError).toBe(true);
    expect(r.code).toBe('ENGINE_FAILED');
    expect(r.message).toContain(`${server.url}${file}`);
    expect(r.message).toMatch(cause);
    expect(r.ms).toBeLessThan(withinMs);
    expect(r.message, 'the message points to the README').toContain(
      '"Bundlers and frameworks" in video-sprite\'s README',
    );
    // The job has ended: the next one (with the fault gone) runs on a fresh engine, the same one.
    server.faults.clear();
    expect((await call<JobSummary>(page, 'runJob', settings)).sheets).toHaveLength(1);
    return r;
  }

  // The sample is H.264, which WebCodecs decodes without ffmpeg.wasm: the tests of ffmpeg's files force it.
  const FFMPEG = { engine: 'ffmpeg' };
  const ENGINE = 'vendor/video-sprite/engine.worker.js';
  const FFMPEG_WORKER = 'vendor/video-sprite/ffmpeg.worker.js';
  const WASM = 'vendor/video-sprite/ffmpeg-core/ffmpeg-core.wasm';

  test('engine worker missing (404): ENGINE_FAILED naming its URL and the status', async ({ page }) => {
    server.faults.set(ENGINE, { status: 404 });
    await expectEngineFailed(page, ENGINE, /HTTP 404/);
  });

  test('engine worker answered with the index page (200 text/html): ENGINE_FAILED saying so', async ({ page }) => {
    server.faults.set(ENGINE, { html: true });
    await expectEngineFailed(page, ENGINE, /HTML page/);
  });

  test('engine worker with a wrong MIME type: ENGINE_FAILED naming the type', async ({ page }) => {
    server.faults.set(ENGINE, { type: 'text/plain' });
    await expectEngineFailed(page, ENGINE, /text\/plain/);
  });

  test("engine worker blocked by the page's Content-Security-Policy: ENGINE_FAILED naming its URL", async ({
    page,
  }) => {
    server.pageHeaders = { 'Content-Security-Policy': "worker-src 'none'" };
    const w = watch(page, new URL(server.url).origin);
    await open(page, server.url);
    const r = await call<Failure>(page, 'runFailing');
    expect(r.code, JSON.stringify(r)).toBe('ENGINE_FAILED');
    expect(r.message).toContain(`${server.url}${ENGINE}`);
    expect(r.ms).toBeLessThan(5_000);
    expect(w.failedRequests).toEqual([]);
  });

  test('nested ffmpeg worker missing (404): ENGINE_FAILED within seconds, not a hang', async ({ page }) => {
    server.faults.set(FFMPEG_WORKER, { status: 404 });
    await expectEngineFailed(page, FFMPEG_WORKER, /HTTP 404/, FFMPEG);
  });

  test('nested ffmpeg worker answered with HTML: ENGINE_FAILED saying so', async ({ page }) => {
    server.faults.set(FFMPEG_WORKER, { html: true });
    await expectEngineFailed(page, FFMPEG_WORKER, /HTML page/, FFMPEG);
  });

  test('a worker URL that holds another script (a build replaced ours): ENGINE_FAILED saying so, not a hang', async ({
    page,
  }) => {
    server.faults.set(ENGINE, { script: '// not the engine' });
    const engine = await expectEngineFailed(page, ENGINE, /not video-sprite's worker/, {}, 15_000);
    expect(engine.message).toMatch(/did not start within 10 s/);
    server.faults.set(FFMPEG_WORKER, { script: 'self.onmessage = () => {};' });
    await expectEngineFailed(page, FFMPEG_WORKER, /not video-sprite's worker/, FFMPEG, 15_000);
  });

  test('ffmpeg core wasm missing (404) or an HTML page: ENGINE_FAILED naming the wasm', async ({ page }) => {
    server.faults.set(WASM, { status: 404 });
    await expectEngineFailed(page, WASM, /HTTP 404/, FFMPEG);
    server.faults.set(WASM, { html: true });
    await expectEngineFailed(page, WASM, /HTML page/, FFMPEG);
  });

  test("WebAssembly blocked by the engine worker's Content-Security-Policy: ENGINE_FAILED naming the wasm and CSP", async ({
    page,
  }) => {
    // The engine compiles the core once for its decoders: its own policy is the one that must allow WebAssembly.
    server.faults.set(ENGINE, { headers: { 'Content-Security-Policy': "script-src 'self'" } });
    await expectEngineFailed(page, WASM, /Content-Security-Policy/, FFMPEG);
  });

  test('ffmpeg.wasmURL: a core served from elsewhere is used, a wrong one is named, and the old names say what replaced them', async ({
    page,
  }) => {
    // The wasm served from another folder of the site, as an app serving its own copy (or a CDN) would.
    const w = watch(page, new URL(server.url).origin);
    await open(page, server.url);
    const job = await call<JobSummary>(page, 'runJob', { ...FFMPEG, ffmpeg: { wasmURL: `${server.url}${WASM}` } });
    expect(job.sheets).toHaveLength(1);
    expectClean(w);
    const r = await call<Failure>(page, 'runFailing', {
      ...FFMPEG,
      ffmpeg: { wasmURL: `${server.url}nowhere/ffmpeg-core.wasm` },
    });
    expect(r.code).toBe('ENGINE_FAILED');
    expect(r.message).toContain(`${server.url}nowhere/ffmpeg-core.wasm`);
    expect(r.message).toMatch(/HTTP 404/);
    // Another file where the wasm should be (here, a script): named, and said not to be the core.
    const wrong = await call<Failure>(page, 'runFailing', {
      ...FFMPEG,
      ffmpeg: { wasmURL: `${server.url}vendor/video-sprite/index.js` },
    });
    expect(wrong.code).toBe('ENGINE_FAILED');
    expect(wrong.message).toMatch(/not the ffmpeg core's WebAssembly/);
    const old = await call<Failure>(page, 'runFailing', { ...FFMPEG, coreURL: `${server.url}vendor/ffmpeg-core.js` });
    expect(old.code).toBe('INVALID_OPTION');
    expect(old.message).toMatch(/coreURL.*ffmpeg\.wasmURL alone/);
    // 0.2's top-level wasmURL: refused, naming where it went.
    const moved = await call<Failure>(page, 'runFailing', { ...FFMPEG, wasmURL: `${server.url}${WASM}` });
    expect([moved.code, moved.message]).toEqual([
      'INVALID_OPTION',
      expect.stringMatching(/"wasmURL".*replaced by ffmpeg\.wasmURL/),
    ]);
  });
});
