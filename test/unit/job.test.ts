// runJob with a fake decoder and a fake sheet drawer: sheet order and indices, dhash eviction, missed frames,
// progress and clean-up, without a browser.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FORMAT_MIME, resolveOptions, type SpriteFormat, type SpriteOptions } from '../../src/core/options.js';
import type { EngineEvent, EngineJob } from '../../src/protocol/engine-api.js';
import type { DecodedFrame, FrameSource, OpenOptions } from '../../src/engine/frame-source.js';
import { runJob, type SheetSink } from '../../src/engine/job.js';
import { WHOLE_DOWNLOAD_MIN_MS } from '../../src/engine/input.js';
import { LOAD_STAGE_MIN_MS, Watchdog } from '../../src/engine/watchdog.js';

const FRAME_MS = 40;

/**
 * A 9 × 8 RGBA frame, grey by column: `halves` is bright left and dark right (8 of dhash's 64 bits set), `swapped`
 * the mirror (none set), `ramp` darker at every step (all 64 set); `black` is black.
 */
type Look = 'halves' | 'swapped' | 'ramp' | 'black';
function picture(look: Look): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(9 * 8 * 4);
  for (let i = 0; i < 72; i++) {
    const c = i % 9;
    const grey = look === 'black' ? 0 : look === 'ramp' ? 240 - c * 25 : c < 5 === (look === 'halves') ? 200 : 10;
    data.fill(grey, i * 4, i * 4 + 3);
  }
  return data;
}

/**
 * 100 frames, 40 ms apart, a key frame every 25; frame `n` shows `look(n)`; frames in `lost` never decode. With
 * `stepMs`, each frame takes that long (a timer) and is a sign of life; at frame `stuckAt`, the decoder stops answering.
 */
function fakeSource(opts: { look?: (n: number) => Look; lost?: Set<number>; stepMs?: number; stuckAt?: number } = {}) {
  const calls = {
    opened: [] as Pick<OpenOptions, 'keyOnly' | 'watch'>[],
    closed: 0,
    requested: [] as number[],
    /** The times of every frames() call, in order. */
    requests: [] as number[][],
    delivered: 0,
  };
  const source: FrameSource = {
    probe() {
      const times = Float64Array.from({ length: 100 }, (_, n) => n * FRAME_MS);
      const keys = Uint8Array.from({ length: 100 }, (_, n) => (n % 25 === 0 ? 1 : 0));
      return Promise.resolve({
        table: { startSec: 0, times, keys, durationMs: 4000, frameIntervalMs: FRAME_MS },
        source: {
          codedWidth: 9,
          codedHeight: 8,
          sar: [1, 1],
          rotation: 0,
          startTimeMs: 0,
          durationMs: 4000,
          frameIntervalMs: FRAME_MS,
        },
        truncatedFromMs: null,
      });
    },
    async frames(req, onFrame, onProgress) {
      calls.requested = [...req.times];
      calls.requests.push([...req.times]);
      let done = 0;
      for (const time of req.times) {
        const n = Math.round(time / FRAME_MS);
        if (n === opts.stuckAt) await new Promise(() => {});
        if (opts.stepMs) {
          await new Promise((resolve) => setTimeout(resolve, opts.stepMs));
          calls.opened.at(-1)?.watch.alive();
        }
        if (!opts.lost?.has(n)) {
          const frame: DecodedFrame = { time, width: 9, height: 8, data: picture(opts.look?.(n) ?? 'halves') };
          calls.delivered++;
          await onFrame(frame);
        }
        onProgress?.(++done);
      }
    },
    close() {
      calls.closed++;
      return Promise.resolve();
    },
    report: () => ({ used: 'ffmpeg', reason: 'a fake', fallback: null, frameTable: 'packets' }),
  };
  return { source, calls };
}

/**
 * A sheet drawer that records what was drawn where, and "encodes" each sheet as the list of its cells, typed as
 * `type(sheet)` says (the right type for the job's format unless told otherwise).
 */
function fakeSink(
  type?: (sheet: number) => string,
): SheetSink & { sheets: string[][]; format: SpriteFormat; pictures: number[] } {
  let current: string[] = [];
  const sheets: string[][] = [];
  const pictures: number[] = [];
  return {
    sheets,
    pictures,
    encoder: 'canvas',
    format: 'jpg',
    draw(k, frame) {
      current.push(`${k}@${frame.time}`);
      return { x: k * 10, y: 0, w: 9, h: 8 };
    },
    picture(frame) {
      pictures.push(frame.time);
      // Stands in for the bitmap: the frame's time says which frame it was made from.
      return Promise.resolve({ fromTime: frame.time } as unknown as ImageBitmap);
    },
    finish() {
      sheets.push(current);
      current = [];
      return Promise.resolve(
        new Blob([JSON.stringify(sheets.at(-1))], { type: type?.(sheets.length - 1) ?? FORMAT_MIME[this.format] }),
      );
    },
  };
}

/** The job the fakes run: `options` and a fake engine configuration. */
function jobOf(
  options: SpriteOptions,
  {
    stallTimeoutMs = 60_000,
    tiles = false,
    extraSizes = [],
  }: Partial<Pick<EngineJob, 'tiles' | 'extraSizes'>> & {
    stallTimeoutMs?: number;
  } = {},
): EngineJob {
  return {
    input: new Blob(['x']),
    options: resolveOptions(options),
    nameTemplate: 'sprite-{index}.{autoext}',
    config: {
      engine: 'ffmpeg',
      memfsLimit: 0,
      decoders: 1,
      stallTimeoutMs,
      ffmpegWorkerURL: 'http://x/ffmpeg.worker.js',
      wasmURL: 'http://x/ffmpeg-core.wasm',
    },
    tiles,
    extraSizes,
  };
}

/** Runs a job on the fakes; `made` is the type the browser's encoder gives for each format (the right one by default). */
async function run(
  options: SpriteOptions,
  fake: ReturnType<typeof fakeSource>,
  sink = fakeSink(),
  made = (f: SpriteFormat) => FORMAT_MIME[f],
  stallTimeoutMs = 60_000,
  tiles = false,
  extraSizes: EngineJob['extraSizes'] = [],
) {
  const events: EngineEvent[] = [];
  /** For each progress event: its phase and fraction, and the share of the requested frames delivered by then. */
  const timeline: { phase: string; fraction: number; share: number }[] = [];
  const job = jobOf(options, { stallTimeoutMs, tiles, extraSizes });
  const summary = await runJob(job, {
    openSource: (open) => {
      fake.calls.opened.push(open);
      return Promise.resolve(fake.source);
    },
    createSink: (_layout, _placement, format) => Object.assign(sink, { format }),
    encodedType: (format) => Promise.resolve(made(format)),
    emit: (e) => {
      events.push(e);
      const share = fake.calls.requested.length ? fake.calls.delivered / fake.calls.requested.length : 0;
      if (e.type === 'progress') timeline.push({ phase: e.phase, fraction: e.fraction, share });
      return Promise.resolve();
    },
  });
  const sheets = events.flatMap((e) => (e.type === 'sheet' ? [e.sheet] : []));
  const progress = events.flatMap((e) => (e.type === 'progress' ? [e.fraction] : []));
  return { summary, sheets, progress, sink, timeline, events };
}

describe('runJob', () => {
  it('puts frames on sheets in order, hands each sheet over with its index, name and tiles, and ends at 1', async () => {
    const fake = fakeSource();
    const { sheets, progress, summary, sink } = await run({ f: 'png', inter: 400, tw: 2, th: 2 }, fake);
    expect(sheets.map((s) => [s.index, s.name, s.tiles.map((t) => t.time)])).toEqual([
      [0, 'sprite-0.png', [0, 400, 800, 1200]],
      [1, 'sprite-1.png', [1600, 2000, 2400, 2800]],
      [2, 'sprite-2.png', [3200, 3600]],
    ]);
    expect(sink.sheets[2]).toEqual(['0@3200', '1@3600']);
    expect(sheets[1]!.tiles[1]).toEqual({ sheet: 1, x: 10, y: 0, w: 9, h: 8, time: 2000 });
    expect(sheets.map((s) => [s.type, s.encoder])).toEqual(Array(3).fill(['image/png', 'canvas']));
    progress.forEach((f, i) => expect(f).toBeGreaterThanOrEqual(i ? progress[i - 1]! : 0));
    expect(progress.at(-1)).toBe(1);
    expect(summary).toMatchObject({
      missed: 0,
      cell: { width: 9, height: 8 },
      display: { width: 9, height: 8 },
      engine: { used: 'ffmpeg', reason: 'a fake' },
    });
    expect(fake.calls.closed).toBe(1);
    expect(fake.calls.opened.map((o) => o.keyOnly)).toEqual([false]);
  });

  it('sends every tile with its time, cell and picture before its sheet, only when asked to', async () => {
    const asked = await run({ f: 'png', inter: 400, tw: 3, th: 2 }, fakeSource(), fakeSink(), undefined, 60_000, true);
    const order = asked.events.flatMap((e) =>
      e.type === 'tile' ? [`tile ${e.drawn.index}`] : e.type === 'sheet' ? [`sheet ${e.sheet.index}`] : [],
    );
    // 10 tiles: two full sheets of 6, a last one of 4.
    expect(order).toEqual([
      ...[0, 1, 2, 3, 4, 5].map((i) => `tile ${i}`),
      'sheet 0',
      ...[6, 7, 8, 9].map((i) => `tile ${i}`),
      'sheet 1',
    ]);
    const drawn = asked.events.flatMap((e) => (e.type === 'tile' ? [e.drawn] : []));
    const sheetTiles = asked.sheets.flatMap((s) => s.tiles);
    drawn.forEach((d, i) => {
      // The same tile the sheet lists, in the cell its index says, with the picture of its own frame.
      expect(d.tile).toEqual(sheetTiles[i]);
      expect([d.column, d.row]).toEqual([i % 3, Math.floor((i % 6) / 3)]);
      expect([d.sheetWidth, d.sheetHeight]).toEqual([asked.sheets[0]!.width, asked.sheets[0]!.height]);
      expect(d.image).toEqual({ fromTime: d.tile.time });
    });

    const silent = await run({ f: 'png', inter: 400, tw: 3, th: 2 }, fakeSource());
    expect(silent.events.some((e) => e.type === 'tile')).toBe(false);
    expect(silent.sink.pictures).toEqual([]);
    expect(silent.sheets.flatMap((s) => s.tiles)).toEqual(sheetTiles);
  });

  it('progress follows the frames decoded across all sheets: encoding a sheet mid-job never jumps it', async () => {
    // 25 tiles on 7 sheets of 4: six sheets are encoded while decoding goes on.
    const { timeline, sheets } = await run({ f: 'jpg', inter: 160, tw: 2, th: 2 }, fakeSource());
    expect(sheets).toHaveLength(7);
    const mid = timeline.filter((t) => t.fraction < 1 && t.phase !== 'load' && t.phase !== 'probe');
    expect(mid.filter((t) => t.phase === 'encode').length).toBeGreaterThanOrEqual(6);
    for (const t of mid) {
      // Never more than 0.15 ahead of the share of frames done (load and probe take the first 0.15), nor behind it.
      expect(t.fraction - t.share, JSON.stringify(t)).toBeLessThanOrEqual(0.15 + 1e-9);
      expect(t.fraction, JSON.stringify(t)).toBeGreaterThanOrEqual(0.15 + 0.84 * t.share - 0.84 / 25 - 1e-9);
    }
    // Half-way through the frames, the fraction says about half, not the 0.97 a sheet's encoding once reported.
    const half = mid.find((t) => t.share >= 0.5)!;
    expect(half.fraction).toBeLessThan(0.65);
    expect(timeline.at(-1)).toEqual(expect.objectContaining({ phase: 'encode', fraction: 1 }));
  });

  it('refuses a format the browser cannot encode before any decoder opens, naming f and what it gave instead', async () => {
    // WebKit's canvas, asked for WebP, quietly gives PNG.
    const fake = fakeSource();
    const job = run({ f: 'webp', inter: 400 }, fake, fakeSink(), (f) => (f === 'webp' ? 'image/png' : FORMAT_MIME[f]));
    await expect(job).rejects.toMatchObject({ code: 'INVALID_OPTION', param: 'f' });
    await expect(job).rejects.toThrow(/gives image\/png instead of image\/webp/);
    expect(fake.calls.opened).toEqual([]);
  });

  it('never names a sheet for another format than its file has, even if the encoder changes its mind mid-job', async () => {
    const fake = fakeSource();
    const sink = fakeSink((sheet) => (sheet === 1 ? 'image/png' : 'image/webp'));
    await expect(run({ f: 'webp', inter: 400, tw: 2, th: 2 }, fake, sink)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      param: 'f',
    });
    expect(fake.calls.closed).toBe(1);
  });

  it('tells the source when only key frames are wanted, and asks for exactly those', async () => {
    const fake = fakeSource();
    await run({ f: 'jpg', m: 'key' }, fake);
    expect(fake.calls.opened.map((o) => o.keyOnly)).toEqual([true]);
    expect(fake.calls.requested).toEqual([0, 1000, 2000, 3000]);
  });

  it('counts frames that never decoded as missed, and fails typed when none did; the source is closed either way', async () => {
    const some = fakeSource({ lost: new Set([10, 20]) });
    expect((await run({ f: 'jpg', inter: 400 }, some)).summary.missed).toBe(2);
    const none = fakeSource({ lost: new Set(Array.from({ length: 100 }, (_, n) => n)) });
    await expect(run({ f: 'jpg', inter: 400 }, none)).rejects.toMatchObject({ code: 'DECODE_FAILED' });
    expect(none.calls.closed).toBe(1);
  });

  it('dhash with num: candidates come from the whole video, a bigger change evicts a kept one, kept ones go in time order', async () => {
    // Candidates every 400 ms (frames 0, 10, …, 90). The picture swaps its halves at frame 50 (8 of 64 hash bits, a
    // 12.5 % change) and back at frame 80; frame 90 is a ramp (56 bits from the halves: 87.5 %).
    const look = (n: number): Look => (n < 50 ? 'halves' : n < 80 ? 'swapped' : n < 90 ? 'halves' : 'ramp');
    const { sheets, summary } = await run(
      { f: 'jpg', m: 'dhash', inter: 400, thr: 10, num: 2, tw: 4, th: 1 },
      fakeSource({ look }),
    );
    // Selected: 0 (always, 100 %), 2000 (12.5 %), 3200 (12.5 %, loses the tie to the earlier 2000), 3600 (larger).
    // Kept with num 2: 0 and 3600, evicting 2000; placed in time order once every candidate is in.
    expect(sheets.map((s) => s.tiles.map((t) => t.time))).toEqual([[0, 3600]]);
    expect(summary.missed).toBe(0);
  });
});

describe('runJob with skip', () => {
  // Frames 10–13 (400–520 ms) and 40 (1600 ms) are black, and so is all of 3200–3560 ms.
  const black = new Set([10, 11, 12, 13, 40, ...Array.from({ length: 10 }, (_, i) => 80 + i)]);
  const look = (n: number): Look => (black.has(n) ? 'black' : 'halves');

  it("gives an avoided tile the nearest frame of its interval that will do, with that frame's time", async () => {
    const fake = fakeSource({ look });
    const { sheets, summary } = await run({ f: 'png', inter: 400, tw: 2, th: 2, skip: 'black' }, fake);
    expect(sheets.map((s) => s.tiles.map((t) => t.time))).toEqual([
      [0, 560, 800, 1200],
      [1640, 2000, 2400, 2800],
      // 3200–3560 is black throughout: the tile keeps its own frame.
      [3200, 3600],
    ]);
    expect(summary.missed).toBe(0);
    // The table lists every frame (targets 'every'); one decode a sheet, then one a round for its avoided tiles, the
    // nearest four first, then the next sixteen.
    expect(fake.calls.requests).toEqual([
      [0, 400, 800, 1200],
      [440, 480, 520, 560],
      [1600, 2000, 2400, 2800],
      [1640, 1680, 1720, 1760],
      [3200, 3600],
      [3240, 3280, 3320, 3360],
      [3400, 3440, 3480, 3520, 3560],
    ]);
  });

  it('changes nothing when no frame is avoided, and nothing with skip none', async () => {
    const clean = await run({ f: 'png', inter: 400, tw: 2, th: 2, skip: 'all' }, fakeSource());
    const none = await run({ f: 'png', inter: 400, tw: 2, th: 2 }, fakeSource({ look }));
    for (const { sheets } of [clean, none])
      expect(sheets.flatMap((s) => s.tiles.map((t) => t.time))).toEqual(Array.from({ length: 10 }, (_, i) => i * 400));
  });

  it('in dhash, an avoided frame is no candidate', async () => {
    const fake = fakeSource({ look: (n) => (n === 50 ? 'black' : n === 75 ? 'ramp' : 'halves') });
    const plain = await run(
      { f: 'png', m: 'dhash', inter: 40, thr: 10 },
      fakeSource({ look: (n) => (n === 50 ? 'black' : n === 75 ? 'ramp' : 'halves') }),
    );
    const { sheets } = await run({ f: 'png', m: 'dhash', inter: 40, thr: 10, skip: 'black' }, fake);
    expect(plain.sheets.flatMap((s) => s.tiles.map((t) => t.time))).toContain(2000);
    const kept = sheets.flatMap((s) => s.tiles.map((t) => t.time));
    expect(kept).not.toContain(2000);
    expect(kept).toContain(3000);
  });
});

describe('runJob with extra cell sizes (a sharp set)', () => {
  /** Runs a job with its own sink per size, recording each size's layout and what the decoder was asked for. */
  async function sharp(options: SpriteOptions, extraSizes: EngineJob['extraSizes']) {
    const fake = fakeSource();
    const sinks: { cell: { width: number; height: number }; sink: ReturnType<typeof fakeSink> }[] = [];
    let frameCalls = 0;
    let decodedAt: { width: number; height: number } | null = null;
    const frames = fake.source.frames.bind(fake.source);
    fake.source.frames = (req, onFrame, onProgress) => {
      frameCalls++;
      decodedAt = req.placement.dst;
      return frames(req, onFrame, onProgress);
    };
    const events: EngineEvent[] = [];
    const summary = await runJob(jobOf(options, { tiles: true, extraSizes }), {
      openSource: () => Promise.resolve(fake.source),
      createSink: (layout, _placement, format) => {
        const sink = Object.assign(fakeSink(), { format });
        sinks.push({ cell: layout.cell, sink });
        return sink;
      },
      encodedType: (format) => Promise.resolve(FORMAT_MIME[format]),
      emit: (e) => {
        events.push(e);
        return Promise.resolve();
      },
    });
    return { summary, events, sinks, frameCalls, decodedAt };
  }

  it('decodes once, for the largest cell; each size gets its own sheets of the same tiles, named with its size', async () => {
    // The fake's frames are 9 × 8: 100 % and 200 % of that.
    const { summary, events, sinks, frameCalls, decodedAt } = await sharp(
      { f: 'png', inter: 400, tw: 2, th: 2, pad: 0, margin: 0 },
      [{ psw: 200, psh: 200 }],
    );
    expect(frameCalls).toBe(1);
    expect(decodedAt).toMatchObject({ width: 18, height: 16 });
    expect(sinks.map((s) => s.cell)).toEqual([
      { width: 9, height: 8 },
      { width: 18, height: 16 },
    ]);
    const sheets = (set: number) => events.flatMap((e) => (e.type === 'sheet' && e.set === set ? [e.sheet] : []));
    expect(sheets(0).map((s) => s.name)).toEqual(['sprite-0.png', 'sprite-1.png', 'sprite-2.png']);
    expect(sheets(1).map((s) => s.name)).toEqual(['sprite-0@18x16.png', 'sprite-1@18x16.png', 'sprite-2@18x16.png']);
    expect(sheets(1).map((s) => s.tiles.map((t) => t.time))).toEqual(sheets(0).map((s) => s.tiles.map((t) => t.time)));
    expect(sinks[1]!.sink.sheets).toEqual(sinks[0]!.sink.sheets);
    // Tile pictures of the options' own size only.
    expect(events.filter((e) => e.type === 'tile')).toHaveLength(10);
    expect(summary.extraSizes).toEqual([{ cell: { width: 18, height: 16 }, sheetSize: { width: 36, height: 32 } }]);
    expect(summary.cell).toEqual({ width: 9, height: 8 });
  });

  it('refuses a size of another picture shape, naming extraSizes and a size that fits', async () => {
    await expect(sharp({ f: 'png', inter: 400 }, [{ psw: 200, psh: 100 }])).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      param: 'extraSizes',
      message: expect.stringMatching(
        /extraSizes\[0\] gives pictures of 18 × 8 px, another shape than the job's 9 × 8.*sw 9 for sh 8/,
      ) as unknown,
    });
  });
});

describe('runJob watchdog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** Settles `job`, advancing the fake clock by `ms`; returns how it ended and the clock's time then. */
  async function settle<T>(job: Promise<T>, ms: number): Promise<{ value?: T; error?: unknown; at: number }> {
    const start = Date.now();
    // Widened: the callbacks below set it, which the narrowing of a `let` to `null` does not see.
    let ended = null as { value?: T; error?: unknown; at: number } | null;
    job.then(
      (value) => (ended = { value, at: Date.now() - start }),
      (error: unknown) => (ended = { error, at: Date.now() - start }),
    );
    for (let t = 0; t < ms && !ended; t += 100) await vi.advanceTimersByTimeAsync(100);
    return ended ?? { at: Infinity };
  }

  it('a decoder that stops answering fails the job within the limit, ENGINE_FAILED naming the stage', async () => {
    const fake = fakeSource({ stepMs: 200, stuckAt: 30 });
    const ended = await settle(run({ f: 'jpg', inter: 400 }, fake, fakeSink(), undefined, 1500), 10_000);
    expect(ended.error).toMatchObject({
      code: 'ENGINE_FAILED',
      details: { stalled: true, stage: 'decode', stallTimeoutMs: 1500 },
    });
    expect((ended.error as Error).message).toMatch(/no progress for 1\.5 s while decoding frames/);
    // Frames 0–20 took 200 ms each (three of them), then silence: the error comes one limit after the last sign of life.
    expect(ended.at).toBeGreaterThanOrEqual(1500);
    expect(ended.at).toBeLessThanOrEqual(600 + 1500 + 100);
  });

  it('a slow decoder that keeps showing life is never stopped, however long the job', async () => {
    // 100 frames at 1 s each: 100 s of work under a 1.5 s limit.
    const ended = await settle(
      run({ f: 'jpg', inter: 0 }, fakeSource({ stepMs: 1000 }), fakeSink(), undefined, 1500),
      200_000,
    );
    expect(ended.error).toBeUndefined();
    expect(ended.value?.summary.missed).toBe(0);
    expect(ended.at).toBeGreaterThanOrEqual(100_000);
  });

  it('an encoder that never returns a sheet fails the job at stage encode', async () => {
    const sink = fakeSink();
    sink.finish = () => new Promise(() => {});
    const ended = await settle(run({ f: 'jpg', inter: 400, tw: 2, th: 2 }, fakeSource(), sink, undefined, 1000), 5000);
    expect(ended.error).toMatchObject({ code: 'ENGINE_FAILED', details: { stage: 'encode' } });
  });
});

describe('Watchdog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("a stall while a read of a URL is pending is the server's: FETCH_FAILED on input", async () => {
    const dog = new Watchdog(1000, true);
    dog.stage('decode');
    void dog.reading(new Promise(() => {}));
    const failed = dog.stalled.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await failed).toMatchObject({
      code: 'FETCH_FAILED',
      param: 'input',
      details: { stalled: true, stage: 'read' },
    });
  });

  it("a whole-file download, which shows no progress until done, is given its floor; then it is the server's stall", async () => {
    const dog = new Watchdog(1000, true);
    dog.stage('probe');
    let failed: unknown = null;
    dog.stalled.catch((e: unknown) => (failed = e));
    void dog.reading(new Promise(() => {}), WHOLE_DOWNLOAD_MIN_MS);
    await vi.advanceTimersByTimeAsync(WHOLE_DOWNLOAD_MIN_MS - 1);
    expect(failed).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(failed).toMatchObject({
      code: 'FETCH_FAILED',
      details: { stage: 'read', stallTimeoutMs: WHOLE_DOWNLOAD_MIN_MS },
    });
  });

  it('loading a decoder, which shows no life until done, is given 30 s whatever the limit; other stages the limit', async () => {
    const dog = new Watchdog(1000, false);
    let failed: unknown = null;
    dog.stalled.catch((e: unknown) => (failed = e));
    await vi.advanceTimersByTimeAsync(LOAD_STAGE_MIN_MS - 1);
    expect(failed).toBeNull();
    dog.stage('probe');
    await vi.advanceTimersByTimeAsync(999);
    expect(failed).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(failed).toMatchObject({ code: 'ENGINE_FAILED', details: { stage: 'probe' } });
    const slow = new Watchdog(1000, false);
    let slowFailed: unknown = null;
    slow.stalled.catch((e: unknown) => (slowFailed = e));
    await vi.advanceTimersByTimeAsync(LOAD_STAGE_MIN_MS);
    expect(slowFailed).toMatchObject({ details: { stage: 'load' } });
  });

  it('signs of life push the deadline back; stop() ends the watch', async () => {
    const dog = new Watchdog(1000, false);
    let failed = false;
    dog.stalled.catch(() => (failed = true));
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(900);
      dog.alive();
    }
    expect(failed).toBe(false);
    dog.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(failed).toBe(false);
    const other = new Watchdog(1000, false);
    other.stage('flush');
    const error = other.stalled.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await error).toMatchObject({ code: 'ENGINE_FAILED', details: { stage: 'flush' } });
  });
});
