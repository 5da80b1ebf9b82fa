// Bad input ends quickly in a typed error (SPEC §7); cancellation really stops a job; progress only grows.

import { ALL_BROWSERS, expect, test } from './fixtures.js';
import { expectTimes, FACTS, frameAt, openHarness, relativeMs, run, type RunResult } from './helpers.js';

test.beforeEach(async ({ page }) => openHarness(page));

function expectError(r: RunResult, code: string, param?: string): void {
  expect(r.ok, JSON.stringify(r)).toBe(false);
  if (r.ok) return;
  expect(r.isSpriteError).toBe(true);
  expect(r.code).toBe(code);
  if (param !== undefined) expect(r.param).toBe(param);
  expect(r.message).toBeTruthy();
}

test('zero bytes: EMPTY_INPUT before any engine starts', ALL_BROWSERS, async ({ page }) => {
  const r = await run(page, { bytes: [], name: 'empty.mp4' }, { f: 'jpg' });
  expectError(r, 'EMPTY_INPUT');
  if (!r.ok) expect(r.progress).toEqual([]);
});

test('not a video: text, random bytes and a still image are NOT_A_VIDEO', ALL_BROWSERS, async ({ page }) => {
  const text = Array.from(new TextEncoder().encode('hello, this is a text file and not a video\n'));
  expectError(await run(page, { bytes: text, name: 'notes.txt' }, { f: 'jpg' }), 'NOT_A_VIDEO');
  let seed = 7;
  const noise = Array.from({ length: 20000 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
  expectError(await run(page, { bytes: noise, name: 'noise.mp4' }, { f: 'jpg' }), 'NOT_A_VIDEO');
  const png = await page.evaluate(async () =>
    Array.from(new Uint8Array(await (await window.harness.fixture('ref/bbb-n48-stretch-160x90.png')).arrayBuffer())),
  );
  const image = await run(page, { bytes: png, name: 'picture.png' }, { f: 'jpg' });
  expectError(image, 'NOT_A_VIDEO');
  if (!image.ok) expect(image.message).toMatch(/image/);
});

test(
  'audio only: NO_VIDEO_STREAM naming what the file holds, from the container alone; ffmpeg.wasm says the same',
  ALL_BROWSERS,
  async ({ page }) => {
    const started = Date.now();
    const r = await run(page, 'opus_webm_audio-only_chime.webm', { f: 'jpg' });
    console.log(`audio-only refused in ${Date.now() - started} ms (round trip from the test runner)`);
    expectError(r, 'NO_VIDEO_STREAM');
    if (r.ok) return;
    expect(r.message).toContain('audio');
    // Said from the track list the page's demuxer read, without loading ffmpeg.wasm to ask it.
    expect(r.details).toMatchObject({ from: 'container', streams: ['audio'] });
    const ffmpeg = await run(page, 'opus_webm_audio-only_chime.webm', { f: 'jpg' }, { engine: 'ffmpeg' });
    expectError(ffmpeg, 'NO_VIDEO_STREAM');
    if (!ffmpeg.ok) expect(ffmpeg.details).toMatchObject({ streams: ['audio'] });
  },
);

test(
  'a codec the decoder does not know: UNSUPPORTED_CODEC, from the container alone',
  ALL_BROWSERS,
  async ({ page }) => {
    // The Matroska codec ID V_VP9 renamed to an unknown V_QQ9: the container opens, the stream cannot be decoded.
    expect(
      await page.evaluate(() =>
        window.harness.patch('unknown-codec.webm', 'vp9-opus_webm_320x180_bbb.webm', 'V_VP9', 'V_QQ9'),
      ),
    ).toBe(true);
    const r = await run(page, { generated: 'unknown-codec.webm' }, { f: 'jpg' });
    expectError(r, 'UNSUPPORTED_CODEC');
    if (!r.ok) expect(r.details).toMatchObject({ from: 'container', codec: 'V_QQ9' });
    // ffmpeg.wasm, asked itself, comes to the same verdict.
    expectError(
      await run(page, { generated: 'unknown-codec.webm' }, { f: 'jpg' }, { engine: 'ffmpeg' }),
      'UNSUPPORTED_CODEC',
    );
  },
);

test(
  'an MP4 cut before its first frame: DECODE_FAILED from the container alone; ffmpeg.wasm says the same',
  ALL_BROWSERS,
  async ({ page }) => {
    await page.evaluate(() =>
      window.harness.generate('front.mp4', [
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=160x90:rate=25:duration=2',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p',
        '-movflags',
        '+faststart',
        '/out.mp4',
      ]),
    );
    // The index (moov) whole, then the first bytes of the media data's box header: no frame's bytes at all.
    await page.evaluate(async () => {
      const bytes = new Uint8Array(
        await ((await window.harness.input({ generated: 'front.mp4' })) as Blob).arrayBuffer(),
      );
      const at = bytes.findIndex(
        (_, i) => bytes[i] === 0x6d && bytes[i + 1] === 0x64 && bytes[i + 2] === 0x61 && bytes[i + 3] === 0x74,
      ); // 'mdat'
      await window.harness.truncate('headless.mp4', 'front.mp4', (at + 4) / bytes.length);
    });
    const r = await run(page, { generated: 'headless.mp4' }, { f: 'jpg' });
    expectError(r, 'DECODE_FAILED');
    if (!r.ok) expect(r.details).toMatchObject({ from: 'container', planned: 50 });
    expectError(await run(page, { generated: 'headless.mp4' }, { f: 'jpg' }, { engine: 'ffmpeg' }), 'DECODE_FAILED');
  },
);

test(
  'truncated: the frames that exist are captured and the result counts the lost targets',
  ALL_BROWSERS,
  async ({ page }) => {
    const file = 'TRUNC50_vp8_webm_rocket-launch.webm'; // header says 8.087 s, data ends after 5.1 s
    const r = await run(page, file, { f: 'jpg', sw: 64, sh: 36, inter: 1000 });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    const times = relativeMs(FACTS[file]!);
    expectTimes(
      r.tiles.map((t) => t.time),
      [0, 1000, 2000, 3000, 4000, 5000].map((t) => frameAt(times, t)),
    );
    // Targets at 6 s, 7 s and 8 s fall in the missing part.
    expect(r.missed).toBe(3);
    expect(r.manifest.missed).toBe(3);
  },
);

test(
  'corrupt data in the middle: the job ends promptly, with frames or a typed error, never a hang',
  ALL_BROWSERS,
  async ({ page }) => {
    await page.evaluate(() => window.harness.corrupt('corrupt.mp4', 'h264-aac_fmp4_320x180_bbb.mp4', 0.5, 40000));
    const started = Date.now();
    const r = await run(page, { generated: 'corrupt.mp4' }, { f: 'jpg', sw: 64, sh: 36, inter: 500 });
    expect(Date.now() - started).toBeLessThan(60_000);
    if (r.ok) {
      expect(r.tiles.length).toBeGreaterThan(0);
      expect(r.tiles.length + r.missed).toBe(10);
    } else {
      expect(r.isSpriteError, JSON.stringify(r)).toBe(true);
    }
  },
);

test(
  "ss at or past the end: START_PAST_END on ss, with the video's length in the message",
  ALL_BROWSERS,
  async ({ page }) => {
    const r = await run(page, 'h264-aac_fmp4_320x180_bbb.mp4', { f: 'jpg', ss: 5000 });
    expectError(r, 'START_PAST_END', 'ss');
    if (!r.ok) expect(r.message).toContain('5000');
  },
);

test(
  'a bad parameter fails before decoding; a sheet too large fails once the source size is known',
  ALL_BROWSERS,
  async ({ page }) => {
    const bad = await run(page, 'h264-aac_fmp4_320x180_bbb.mp4', { f: 'jpg', tw: 0 });
    expectError(bad, 'INVALID_OPTION', 'tw');
    if (!bad.ok) expect(bad.progress).toEqual([]);
    const badString = await run(page, 'h264-aac_fmp4_320x180_bbb.mp4', 'video/sprite,f_jpg,sww_3');
    expectError(badString, 'INVALID_PROCESS_STRING', 'sww');
    // 100 columns of 200 % of 320 px: 64 000 px wide, known only after the probe.
    const large = await run(page, 'h264-aac_fmp4_320x180_bbb.mp4', { f: 'jpg', psw: 200, tw: 100 });
    expectError(large, 'SHEET_TOO_LARGE', 'tw');
    if (!large.ok) expect(large.message).toMatch(/64202 × .* px/);
  },
);

test(
  'cancel mid-job: AbortError, nothing arrives afterwards, and the next job succeeds',
  ALL_BROWSERS,
  async ({ page }) => {
    const file = 'theora_ogv_214x160_calais-1906-film.ogv';
    const cancelled = await run(page, file, { f: 'jpg', sw: 64, sh: 48, tw: 4, th: 4 }, { abortAtFraction: 0.3 });
    expect(cancelled.ok).toBe(false);
    if (!cancelled.ok) {
      expect(cancelled.name).toBe('AbortError');
      expect(cancelled.isDomException).toBe(true);
      expect(cancelled.eventsAfterAbort).toBe(0);
      expect(cancelled.progress.at(-1)!.fraction).toBeLessThan(1);
    }
    const next = await run(page, file, { f: 'jpg', sw: 64, sh: 48, inter: 5000 });
    expect(next.ok, JSON.stringify(next)).toBe(true);
    if (next.ok) expect(next.tiles).toHaveLength(4);
  },
);

test('an already-aborted signal rejects at once with AbortError', ALL_BROWSERS, async ({ page }) => {
  const r = await page.evaluate(async () => {
    const controller = new AbortController();
    controller.abort();
    try {
      await window.harness.api.generateSprites(
        await window.harness.fixture('h264-aac_fmp4_320x180_bbb.mp4'),
        { f: 'jpg' },
        { signal: controller.signal },
      );
      return 'resolved';
    } catch (e) {
      return e instanceof DOMException ? e.name : String(e);
    }
  });
  expect(r).toBe('AbortError');
});

test('progress goes load → probe → decode → encode, never decreases, and ends at 1', ALL_BROWSERS, async ({ page }) => {
  const r = await run(page, 'theora_ogv_214x160_calais-1906-film.ogv', {
    f: 'jpg',
    sw: 64,
    sh: 48,
    inter: 500,
    tw: 5,
    th: 2,
  });
  expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(true);
  if (!r.ok) return;
  const fractions = r.progress.map((p) => p.fraction);
  fractions.forEach((f, i) => expect(f).toBeGreaterThanOrEqual(i ? fractions[i - 1]! : 0));
  expect(fractions.at(-1)).toBe(1);
  const phases = [...new Set(r.progress.map((p) => p.phase))];
  expect(phases.slice(0, 3)).toEqual(['load', 'probe', 'decode']);
  expect(phases).toContain('encode');
  // Sheets arrive while decoding goes on, not all at the end.
  expect(r.sheetsSeen).toEqual([0, 1, 2, 3]);
  expect(r.progress.filter((p) => p.phase === 'decode').length).toBeGreaterThan(2);
});

test(
  'a file mounted in place (WORKERFS) gives the same result as one copied into memory',
  ALL_BROWSERS,
  async ({ page }) => {
    const options = { f: 'jpg', sw: 64, sh: 36, inter: 1000 };
    const copied = await run(page, 'h264-aac_fmp4_320x180_bbb.mp4', options);
    const mounted = await run(page, 'h264-aac_fmp4_320x180_bbb.mp4', options, { memfsLimit: 0 });
    expect(copied.ok && mounted.ok, JSON.stringify(mounted).slice(0, 300)).toBe(true);
    if (copied.ok && mounted.ok) expect(mounted.tiles).toEqual(copied.tiles);
  },
);

test(
  'several decoders share the execs and give byte-identical sheets, in order, to a single one',
  ALL_BROWSERS,
  async ({ page }) => {
    // 30 s with a key frame every second: the 150 frames (every 0.2 s) are cut into many execs that three decoders
    // finish out of order; any slip would show as misplaced tiles or different bytes in one of the 19 sheets.
    const made = await page.evaluate(() =>
      window.harness.generate('gop1s.mp4', [
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=160x120:rate=25:duration=30',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-g',
        '25',
        '-pix_fmt',
        'yuv420p',
        '/out.mp4',
      ]),
    );
    expect(made.size).toBeGreaterThan(0);
    const options = { f: 'png', inter: 200, sw: 32, sh: 32, tw: 4, th: 2 };
    const one = await run(page, { generated: 'gop1s.mp4' }, options, { decoders: 1 });
    const three = await run(page, { generated: 'gop1s.mp4' }, options, { decoders: 3 });
    expect(one.ok && three.ok, JSON.stringify(three).slice(0, 300)).toBe(true);
    if (!one.ok || !three.ok) return;
    expect(three.tiles).toHaveLength(150);
    expect(three.tiles).toEqual(one.tiles);
    expect(three.sheets.map((s) => s.sha256)).toEqual(one.sheets.map((s) => s.sha256));
    expect(three.sheetsSeen).toEqual(three.sheets.map((s) => s.index));
    for (let i = 1; i < three.progress.length; i++)
      expect(three.progress[i]!.fraction).toBeGreaterThanOrEqual(three.progress[i - 1]!.fraction);
  },
);

test(
  'ffmpeg.decoders outside 1–8 or not an integer: INVALID_OPTION on ffmpeg.decoders, before any engine starts',
  ALL_BROWSERS,
  async ({ page }) => {
    for (const decoders of [0, 9, 1.5]) {
      const r = await run(page, 'h264-aac_fmp4_320x180_bbb.mp4', { f: 'jpg' }, { decoders });
      expectError(r, 'INVALID_OPTION', 'ffmpeg.decoders');
      if (!r.ok) {
        expect(r.message).toContain(String(decoders));
        expect(r.message).toContain('1 to 8');
        expect(r.progress).toEqual([]);
      }
    }
  },
);

test(
  'inputs: a URL string, a URL object and an ArrayBuffer work like a File; a missing URL is FETCH_FAILED',
  ALL_BROWSERS,
  async ({ page }) => {
    const options = { f: 'jpg', sw: 64, sh: 36, inter: 2000 };
    const results = await page.evaluate(async (o) => {
      const url = `${location.origin}/fixtures/h264-aac_fmp4_320x180_bbb.mp4`;
      const buffer = await (await fetch(url)).arrayBuffer();
      const times = async (input: unknown) =>
        (await window.harness.api.generateSprites(input as never, o as never)).tiles.map((t) => t.time);
      let missing = '';
      try {
        await window.harness.api.generateSprites(`${location.origin}/fixtures/nope.mp4`, o as never);
      } catch (e) {
        missing = `${(e as { code?: string }).code} ${(e as Error).message}`;
      }
      return { string: await times(url), object: await times(new URL(url)), buffer: await times(buffer), missing };
    }, options);
    expect(results.string).toEqual([0, 2000, 4000]);
    expect(results.object).toEqual([0, 2000, 4000]);
    expect(results.buffer).toEqual([0, 2000, 4000]);
    expect(results.missing).toMatch(/^FETCH_FAILED .*404/);
  },
);
