// Load failures name the README section of the tool that served the file, guessed from the paths each tool uses;
// a worker that stays silent fails the job only when the file at its URL is not ours.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpriteError } from '../../src/core/errors.js';
import { ENGINE_READY, setupHint, workerReady } from '../../src/shared/load-failure.js';

describe('setupHint', () => {
  it('names the tool whose build or dev server the URL comes from', () => {
    expect(setupHint('http://localhost:3000/_next/static/media/ffmpeg.worker.0a1b.js')).toContain('(Next.js)');
    expect(setupHint('http://localhost:4200/@fs/app/.angular/cache/21.2.30/app/vite/deps/engine.worker.js')).toContain(
      '(Angular)',
    );
    expect(setupHint('http://localhost:5173/node_modules/.vite/deps/engine.worker.js')).toContain('(Vite)');
    expect(setupHint('http://localhost:4173/_app/immutable/assets/ffmpeg-core.1a2b.wasm')).toContain('(SvelteKit)');
  });

  it('points any other URL to the section itself', () => {
    const hint = setupHint('https://example.com/sub/vendor/video-sprite/engine.worker.js');
    expect(hint).toBe(
      'See "Bundlers and frameworks" in video-sprite\'s README for how each tool serves the package\'s files.',
    );
  });
});

describe('workerReady', () => {
  /** A stand-in Worker (only its events matter) and a server that answers every URL with `body` as JavaScript. */
  function setup(body: string) {
    const worker = new EventTarget() as unknown as Worker;
    vi.stubGlobal('fetch', () =>
      Promise.resolve(new Response(body, { status: 200, headers: { 'Content-Type': 'text/javascript' } })),
    );
    const failed = new Promise<never>(() => {});
    const outcome = { settled: '' };
    const ready = workerReady(worker, 'http://x/engine.worker.js', 'engine worker', ENGINE_READY, failed, 100);
    ready.then(
      () => (outcome.settled = 'ready'),
      (e: unknown) => {
        const error = e as SpriteError;
        outcome.settled = `${error.code}: ${error.message}`;
      },
    );
    return { worker, outcome };
  }

  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('fails a silent worker whose URL holds another script once the start timeout has passed', async () => {
    const { outcome } = setup('self.onmessage = () => {};');
    await vi.advanceTimersByTimeAsync(99);
    expect(outcome.settled).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome.settled).toMatch(
      /^ENGINE_FAILED: The engine worker at http:\/\/x\/engine.worker.js did not start within 0.1 s: .*not video-sprite's worker/,
    );
  });

  it("gives a loader that imports the real worker (Turbopack's bootstrap) six times as long", async () => {
    const { outcome } = setup("importScripts('/_next/static/chunks/worker-chunk.js');");
    await vi.advanceTimersByTimeAsync(599);
    expect(outcome.settled).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome.settled).toMatch(/did not start within 0.6 s/);
  });

  it('waits for a worker of ours however slow it is to start, and settles when it says it is ready', async () => {
    const { worker, outcome } = setup(`/* bundled engine */ postMessage(${JSON.stringify(ENGINE_READY)});`);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(outcome.settled).toBe('');
    worker.dispatchEvent(new MessageEvent('message', { data: ENGINE_READY }));
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome.settled).toBe('ready');
  });
});
