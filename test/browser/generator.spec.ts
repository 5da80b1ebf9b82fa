// The warm engine: a generator keeps its workers and loaded cores between jobs, queues jobs in order, recycles after
// an idle time or a number of jobs, and an abort still terminates at once with the next job starting clean.

import type { Page } from '@playwright/test';
import { ALL_BROWSERS, expect, test } from './fixtures.js';
import { openHarness } from './helpers.js';

const SAMPLE = 'h264-aac_fmp4_320x180_bbb.mp4';
const OPTIONS = { f: 'jpg', inter: 1000, sw: 32, sh: 32 };

/**
 * Counts what the engine fetches: its worker script and the ffmpeg core's wasm (once per core loaded). These tests
 * force ffmpeg.wasm: the sample is H.264, which WebCodecs would decode without loading any core.
 */
function countLoads(page: Page): { engine: number; wasm: number } {
  const count = { engine: 0, wasm: 0 };
  page.on('request', (r) => {
    if (/engine\.worker[^/]*\.js/.test(r.url())) count.engine++;
    if (/ffmpeg-core[^/]*\.wasm/.test(r.url())) count.wasm++;
  });
  return count;
}

test.beforeEach(async ({ page }) => openHarness(page));

test('a second job on a warm generator loads nothing again; a one-shot job loads afresh every time', async ({
  page,
}) => {
  const loads = countLoads(page);
  const times = await page.evaluate(
    async ([name, o]) => {
      const file = await window.harness.fixture(name);
      const generator = window.harness.api.createSpriteGenerator({ engine: 'ffmpeg', ffmpeg: { decoders: 1 } });
      const out: number[][] = [];
      for (let i = 0; i < 3; i++) out.push((await generator.generate(file, o as never)).tiles.map((t) => t.time));
      generator.dispose();
      return out;
    },
    [SAMPLE, OPTIONS] as const,
  );
  expect(times).toEqual([
    [0, 1000, 2000, 3000, 4000],
    [0, 1000, 2000, 3000, 4000],
    [0, 1000, 2000, 3000, 4000],
  ]);
  expect(loads).toEqual({ engine: 1, wasm: 1 });

  await page.evaluate(
    async ([name, o]) => {
      const file = await window.harness.fixture(name);
      for (let i = 0; i < 2; i++)
        await window.harness.api.generateSprites(file, o as never, { engine: 'ffmpeg', ffmpeg: { decoders: 1 } });
    },
    [SAMPLE, OPTIONS] as const,
  );
  expect(loads).toEqual({ engine: 3, wasm: 3 });
});

test(
  'jobs given at once run one after the other, each with its own events, in call order',
  ALL_BROWSERS,
  async ({ page }) => {
    const log = await page.evaluate(
      async ([name]) => {
        const file = await window.harness.fixture(name);
        const generator = window.harness.api.createSpriteGenerator();
        const events: string[] = [];
        const job = (id: string, o: object) =>
          generator.generate(file, o as never, { onSheet: (s) => events.push(`${id} sheet ${s.index}`) }).then((r) => {
            events.push(`${id} done ${r.tiles.length}`);
          });
        await Promise.all([
          job('a', { f: 'jpg', inter: 500, sw: 32, sh: 32, tw: 2, th: 2 }),
          job('b', { f: 'png', m: 'key', sw: 32, sh: 32, tw: 2, th: 1 }),
        ]);
        generator.dispose();
        return events;
      },
      [SAMPLE] as const,
    );
    expect(log).toEqual([
      'a sheet 0',
      'a sheet 1',
      'a sheet 2',
      'a done 10',
      'b sheet 0',
      'b sheet 1',
      'b sheet 2',
      'b done 5',
    ]);
  },
);

/** A running job aborted at its first decode report, a waiting one aborted at once, and then one more job. */
function abortAndGoOn(page: Page) {
  return page.evaluate(
    async ([name]) => {
      const file = await window.harness.fixture(name);
      const generator = window.harness.api.createSpriteGenerator({ engine: 'ffmpeg', ffmpeg: { decoders: 1 } });
      const first = new AbortController();
      const second = new AbortController();
      const outcome = (p: Promise<unknown>) =>
        p.then(
          () => 'resolved',
          (e: unknown) => (e as Error).name,
        );
      const running = outcome(
        generator.generate(
          file,
          { f: 'jpg', inter: 40, sw: 32, sh: 32 },
          {
            signal: first.signal,
            onProgress: (p) => {
              if (p.phase === 'decode') first.abort();
            },
          },
        ),
      );
      const waiting = outcome(generator.generate(file, { f: 'jpg', sw: 32, sh: 32 }, { signal: second.signal }));
      second.abort();
      const result = { waiting: await waiting, running: await running };
      const next = await generator.generate(file, { f: 'jpg', inter: 2000, sw: 32, sh: 32 });
      generator.dispose();
      return { ...result, next: next.tiles.map((t) => t.time) };
    },
    [SAMPLE] as const,
  );
}

test(
  'abort terminates the running job at once; a waiting job can be aborted too; the next job starts clean',
  ALL_BROWSERS,
  async ({ page }) => {
    expect(await abortAndGoOn(page)).toEqual({ waiting: 'AbortError', running: 'AbortError', next: [0, 2000, 4000] });
  },
);

test("an aborted job's engine is terminated: the next job loads a new one", async ({ page }) => {
  // Counted from the requests, which only Playwright's own driver shows.
  const loads = countLoads(page);
  expect(await abortAndGoOn(page)).toEqual({ waiting: 'AbortError', running: 'AbortError', next: [0, 2000, 4000] });
  expect(loads).toEqual({ engine: 2, wasm: 2 });
});

test('an idle engine terminates after idleTimeoutMs, and one that has run maxJobsPerEngine jobs is replaced', async ({
  page,
}) => {
  const loads = countLoads(page);
  await page.evaluate(
    async ([name, o]) => {
      const file = await window.harness.fixture(name);
      const idle = window.harness.api.createSpriteGenerator({
        engine: 'ffmpeg',
        ffmpeg: { decoders: 1 },
        idleTimeoutMs: 200,
      });
      await idle.generate(file, o as never);
      await new Promise((r) => setTimeout(r, 600));
      await idle.generate(file, o as never);
      idle.dispose();
    },
    [SAMPLE, OPTIONS] as const,
  );
  expect(loads).toEqual({ engine: 2, wasm: 2 });

  await page.evaluate(
    async ([name, o]) => {
      const file = await window.harness.fixture(name);
      const recycled = window.harness.api.createSpriteGenerator({
        engine: 'ffmpeg',
        ffmpeg: { decoders: 1 },
        maxJobsPerEngine: 2,
      });
      for (let i = 0; i < 3; i++) await recycled.generate(file, o as never);
      recycled.dispose();
    },
    [SAMPLE, OPTIONS] as const,
  );
  expect(loads).toEqual({ engine: 4, wasm: 4 });
});

test(
  'a disposed generator refuses jobs; bad settings are INVALID_OPTION naming the setting and its range',
  ALL_BROWSERS,
  async ({ page }) => {
    const r = await page.evaluate(
      async ([name]) => {
        const file = await window.harness.fixture(name);
        const api = window.harness.api;
        const error = (f: () => unknown) => {
          try {
            f();
            return 'no error';
          } catch (e) {
            return `${(e as { code: string }).code} ${(e as { param: string }).param}: ${(e as Error).message}`;
          }
        };
        const generator = api.createSpriteGenerator();
        generator.dispose();
        const disposed = await generator.generate(file, { f: 'jpg' }).then(
          () => 'resolved',
          (e: unknown) => (e as { code: string }).code,
        );
        const hook = await api.generateSprites(file, { f: 'jpg' }, { onTile: 'draw' as never }).then(
          () => 'resolved',
          (e: unknown) => `${(e as { code: string }).code} ${(e as { param: string }).param}: ${(e as Error).message}`,
        );
        return {
          disposed,
          hook,
          idle: error(() => api.createSpriteGenerator({ idleTimeoutMs: -1 })),
          jobs: error(() => api.createSpriteGenerator({ maxJobsPerEngine: 0 })),
          renamed: error(() => api.createSpriteGenerator({ coreBaseUrl: '/ffmpeg/' } as never)),
          retired: error(() => api.createSpriteGenerator({ coreURL: '/ffmpeg-core.js' } as never)),
          url: error(() => api.createSpriteGenerator({ ffmpeg: { wasmURL: 42 } } as never)),
          moved: error(() => api.createSpriteGenerator({ decoders: 2 } as never)),
          inner: error(() => api.createSpriteGenerator({ ffmpeg: { decoder: 2 } } as never)),
          decoders: error(() => api.createSpriteGenerator({ ffmpeg: { decoders: 9 } })),
          stall: error(() => api.createSpriteGenerator({ stallTimeoutMs: 50 })),
        };
      },
      [SAMPLE] as const,
    );
    expect(r.disposed).toBe('ENGINE_FAILED');
    expect(r.hook).toBe('INVALID_OPTION onTile: onTile must be a function; got string.');
    expect(r.idle).toMatch(/^INVALID_OPTION idleTimeoutMs: idleTimeoutMs must be an integer ≥ 0 \(ms\); got -1/);
    expect(r.jobs).toMatch(/^INVALID_OPTION maxJobsPerEngine: maxJobsPerEngine must be an integer ≥ 1; got 0/);
    expect(r.renamed).toMatch(/^INVALID_OPTION coreBaseUrl: .*replaced by ffmpeg\.wasmURL/);
    expect(r.retired).toMatch(/^INVALID_OPTION coreURL: .*replaced by ffmpeg\.wasmURL alone/);
    expect(r.url).toMatch(/^INVALID_OPTION ffmpeg\.wasmURL: ffmpeg\.wasmURL must be a URL/);
    // The settings of ffmpeg.wasm alone moved under `ffmpeg` (0.3): the old name says where.
    expect(r.moved).toMatch(
      /^INVALID_OPTION decoders: Unknown setting "decoders"; it was replaced by ffmpeg\.decoders/,
    );
    expect(r.inner).toMatch(
      /^INVALID_OPTION ffmpeg\.decoder: Unknown ffmpeg setting "ffmpeg\.decoder"\. Valid: ffmpeg\.wasmURL, ffmpeg\.decoders, ffmpeg\.memfsLimit/,
    );
    expect(r.decoders).toMatch(
      /^INVALID_OPTION ffmpeg\.decoders: ffmpeg\.decoders must be an integer from 1 to 8; got 9/,
    );
    expect(r.stall).toMatch(/^INVALID_OPTION stallTimeoutMs: stallTimeoutMs must be an integer ≥ 100 \(ms\); got 50/);
  },
);

for (const engine of ['auto', 'ffmpeg'] as const) {
  test(
    `onTile (${engine}): each tile before its sheet, in order, with its cell and the very picture its sheet has`,
    engine === 'auto' ? ALL_BROWSERS : {},
    async ({ page }) => {
      const r = await page.evaluate(
        ([name, e]) => window.harness.tilesLive({ fixture: name }, { inter: 500, sw: 64, sh: 36, tw: 3, th: 2 }, e),
        [SAMPLE, engine] as const,
      );
      const perSheet = 6;
      const expected = r.tiles.flatMap((_, i) => [
        `tile ${i}`,
        ...(i % perSheet === perSheet - 1 || i === r.tiles.length - 1 ? [`sheet ${Math.floor(i / perSheet)}`] : []),
      ]);
      expect(r.tiles.length).toBeGreaterThan(perSheet);
      expect(r.order).toEqual(expected);
      expect(r.drawn.map((d) => d.tile)).toEqual(r.tiles);
      r.drawn.forEach((d, i) => {
        expect(d).toMatchObject({ index: i, column: i % 3, row: Math.floor((i % perSheet) / 3), closed: true });
        expect([d.sheetWidth, d.sheetHeight]).toEqual([r.sheets[0]!.width, r.sheets[0]!.height]);
      });
      // PNG sheets: the picture a tile event carries is, pixel for pixel, what its sheet shows.
      expect(r.differences).toEqual(r.tiles.map(() => 0));
    },
  );
}

test(
  'an error raised inside the engine reaches the caller whole: SpriteError with code, param and details',
  ALL_BROWSERS,
  async ({ page }) => {
    const r = await page.evaluate(
      async ([name]) => {
        try {
          await window.harness.api.generateSprites(await window.harness.fixture(name), { f: 'jpg', ss: 9000 });
          return null;
        } catch (e) {
          const err = e as InstanceType<typeof window.harness.api.SpriteError>;
          return {
            isSpriteError: e instanceof window.harness.api.SpriteError,
            code: err.code,
            param: err.param,
            details: err.details,
          };
        }
      },
      [SAMPLE] as const,
    );
    expect(r).toEqual({
      isSpriteError: true,
      code: 'START_PAST_END',
      param: 'ss',
      details: { ss: 9000, durationMs: 5000 },
    });
  },
);

test('one decoder runs hundreds of execs, across jobs, without the core running out of stack', async ({ page }) => {
  // ffmpeg.wasm's exec() leaks the wasm stack it had when ffmpeg exits; unrepaired, the core dies with "memory access
  // out of bounds" after about 98 execs. A key frame every 2 s and a capture every 2 s: one exec per capture.
  const made = await page.evaluate(() =>
    window.harness.generate('gop2s.mp4', [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=64x48:rate=5:duration=300',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '10',
      '-keyint_min',
      '10',
      '-sc_threshold',
      '0',
      '-pix_fmt',
      'yuv420p',
      '/out.mp4',
    ]),
  );
  expect(made.size).toBeGreaterThan(0);
  const counts = await page.evaluate(async () => {
    const file = await window.harness.input({ generated: 'gop2s.mp4' });
    const generator = window.harness.api.createSpriteGenerator({ engine: 'ffmpeg', ffmpeg: { decoders: 1 } });
    const out: number[] = [];
    for (let i = 0; i < 2; i++)
      out.push(
        (await generator.generate(file, { f: 'jpg', inter: 2000, sw: 32, sh: 32, tw: 10, th: 10 })).tiles.length,
      );
    generator.dispose();
    return out;
  });
  expect(counts).toEqual([150, 150]);
});
