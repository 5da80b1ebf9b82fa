// Two decoders, one answer: `auto` picks WebCodecs for what the browser decodes and ffmpeg.wasm for the rest, and on
// every file both read they give the same frames, the same display size and pixels within 40 dB of each other.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { ALL_BROWSERS, expect, test } from './fixtures.js';
import { expectTimes, FACTS, frameAt, openHarness, relativeMs, run, type RunResult } from './helpers.js';

test.beforeEach(async ({ page }) => openHarness(page));

/** Whether this browser's WebCodecs decodes a file's video, asked with the decoder configuration its container gives. */
async function nativeDecoder(
  page: Page,
  input: string | object,
): Promise<{ codec: string; supported: boolean; format: string | null }> {
  const source = typeof input === 'string' ? { fixture: input } : input;
  const native = await page.evaluate((i) => window.harness.nativeDecoder(i as never), source);
  expect(native, `${JSON.stringify(source).slice(0, 80)}: a video track`).not.toBeNull();
  return native!;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The least PSNR (dB) between the engines' tiles: 8-bit YUV pictures are placed by our own arithmetic (40 dB); a
 * browser that hands its pictures over in RGB (Firefox), or in 10-bit, has them drawn by the canvas, which the README
 * holds to 35 dB.
 */
const leastPsnr = (format: string | null) =>
  format !== null && ['I420', 'I420A', 'I422', 'I444', 'NV12'].includes(format) ? 40 : 35;

test(
  'auto: WebCodecs for every file the browser decodes, ffmpeg.wasm for the rest, and the result says why',
  ALL_BROWSERS,
  async ({ page }) => {
    // The codec as the result names it, and what else decides: a container WebCodecs is not fed from, a file cut short.
    const files: [string, string, 'whole' | 'container' | 'cut'][] = [
      ['h264-aac_fmp4_320x180_bbb.mp4', 'h264', 'whole'],
      ['h264_fmp4_1920x1080_rot-90_bbb.mp4', 'h264', 'whole'],
      ['h264_mov_640x465_odd-dims_dualdiscs.mov', 'h264', 'whole'],
      ['h264_ts_256x110_sar110-109.ts', 'h264', 'whole'],
      ['vp9-opus_webm_320x180_bbb.webm', 'vp9', 'whole'],
      ['vp9_mp4_320x240_bear.mp4', 'vp9', 'whole'],
      ['vp8-vorbis_webm_640x360_rocket-launch.webm', 'vp8', 'whole'],
      ['hevc-aac_ts_1920x1080_bbb.ts', 'hevc', 'whole'],
      ['mpeg4_avi_400x300_bicycle.avi', 'mpeg4', 'container'],
      ['theora_ogv_214x160_calais-1906-film.ogv', 'theora', 'container'],
      ['TRUNC50_vp8_webm_rocket-launch.webm', 'vp8', 'cut'],
    ];
    const seen: Record<string, string> = {};
    for (const [file, codec, kind] of files) {
      // Which decoder this browser has is its own answer (Debian's Chromium has no HEVC, WebKitGTK no H.264), so the
      // expected engine follows from what its WebCodecs says of this very file.
      const native = kind === 'container' ? null : await nativeDecoder(page, file);
      const [used, why] =
        native === null
          ? ['ffmpeg', /its container is not one WebCodecs is fed from/]
          : !native.supported
            ? ['ffmpeg', new RegExp(`this browser has no decoder for ${escape(native.codec)}`)]
            : kind === 'cut'
              ? ['ffmpeg', /ends before its header says it should/]
              : ['webcodecs', new RegExp(`the browser decodes ${codec} natively`)];
      const r = await run(page, file, { f: 'jpg', sw: 32, sh: 32, inter: 2000 });
      expect(r.ok, `${file}: ${JSON.stringify(r).slice(0, 300)}`).toBe(true);
      if (!r.ok) continue;
      seen[file] = r.engine.used;
      expect(
        r.engine.used,
        `${file} (${native?.codec ?? 'no WebCodecs container'}: ${native?.supported ? '' : 'not '}decoded natively)`,
      ).toBe(used);
      expect(r.engine.reason, file).toMatch(why);
      expect(r.engine.fallback, file).toBeNull();
      expect(r.manifest.engine, file).toEqual(r.engine);
    }
    console.log('engines:', JSON.stringify(seen));
  },
);

test('Chromium decodes H.264, VP8, VP9 and AV1 itself: the auto test above expects WebCodecs for all of them here', async ({
  page,
}) => {
  for (const file of [
    'h264-aac_fmp4_320x180_bbb.mp4',
    'h264_ts_256x110_sar110-109.ts',
    'vp9-opus_webm_320x180_bbb.webm',
    'vp8-vorbis_webm_640x360_rocket-launch.webm',
    'av1_mkv_640x360_testsrc.mkv',
  ]) {
    expect(await nativeDecoder(page, file), file).toMatchObject({ supported: true });
  }
});

const AV1 = 'av1_mkv_640x360_testsrc.mkv';

test(
  'AV1, which only WebCodecs reads: WebCodecs where the browser decodes it, else UNSUPPORTED_CODEC naming it',
  ALL_BROWSERS,
  async ({ page }) => {
    const native = await nativeDecoder(page, AV1);
    // Where the browser has no AV1 decoder (WebKitGTK), auto hands the file to ffmpeg.wasm, whose core has none either.
    const r = await run(page, AV1, { f: 'jpg', sw: 32, sh: 32, inter: 2000 });
    if (native.supported) {
      expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(true);
      if (r.ok)
        expect(r.engine).toMatchObject({
          used: 'webcodecs',
          reason: expect.stringMatching(/the browser decodes av1 natively/),
          fallback: null,
        });
    } else {
      expect(r, JSON.stringify(r).slice(0, 300)).toMatchObject({
        ok: false,
        code: 'UNSUPPORTED_CODEC',
        message: expect.stringMatching(/av1|av01/i),
      });
    }
  },
);

test(
  'AV1 forced onto ffmpeg.wasm, whose core has no AV1 decoder: UNSUPPORTED_CODEC naming it',
  ALL_BROWSERS,
  async ({ page }) => {
    const r = await run(page, AV1, { f: 'jpg', sw: 32, sh: 32, inter: 2000 }, { engine: 'ffmpeg' });
    expect(r, JSON.stringify(r).slice(0, 300)).toMatchObject({
      ok: false,
      code: 'UNSUPPORTED_CODEC',
      message: expect.stringMatching(/av1/i),
    });
  },
);

test('when WebCodecs serves the whole job, the ffmpeg core is never fetched', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (r) => {
    if (/ffmpeg-core|ffmpeg\.worker/.test(r.url())) fetched.push(r.url());
  });
  const r = await run(page, 'h264-aac_fmp4_320x180_bbb.mp4', { f: 'jpg', sw: 64, sh: 36, inter: 500 });
  expect(r.ok && r.engine.used).toBe('webcodecs');
  expect(fetched).toEqual([]);
  // …and the first file that needs it does fetch it.
  const avi = await run(page, 'mpeg4_avi_400x300_bicycle.avi', { f: 'jpg', sw: 64, sh: 36, inter: 200 });
  expect(avi.ok && avi.engine.used).toBe('ffmpeg');
  expect(fetched.some((url) => url.includes('.wasm'))).toBe(true);
});

/** The files both engines read, and cells where the two scalers are comparable (real content, thumbnail size). */
const BOTH = [
  'h264-aac_fmp4_320x180_bbb.mp4',
  'h264_fmp4_1920x1080_rot-90_bbb.mp4',
  'h264_mov_640x465_odd-dims_dualdiscs.mov',
  'h264_ts_256x110_sar110-109.ts',
  'h264_mp4_1280x720_10frames_openshot.mp4',
  'h264_mp4_128x128_vfr_testsrc.mp4',
  'vp9-opus_webm_320x180_bbb.webm',
  'vp9_mp4_320x240_bear.mp4',
  'vp8-vorbis_webm_640x360_rocket-launch.webm',
];

async function both(
  page: Page,
  file: string | { bytes: number[]; name: string },
  options: object,
): Promise<[RunResult & { ok: true }, RunResult & { ok: true }, number[]]> {
  const a = await run(page, file, options, { engine: 'webcodecs', keep: 'webcodecs' });
  const b = await run(page, file, options, { engine: 'ffmpeg', keep: 'ffmpeg' });
  const label = typeof file === 'string' ? file : file.name;
  expect(a.ok, `${label} webcodecs: ${JSON.stringify(a).slice(0, 300)}`).toBe(true);
  expect(b.ok, `${label} ffmpeg: ${JSON.stringify(b).slice(0, 300)}`).toBe(true);
  const psnr = await page.evaluate(() => window.harness.comparePsnr('webcodecs', 'ffmpeg'));
  return [a as RunResult & { ok: true }, b as RunResult & { ok: true }, psnr];
}

/** The files of BOTH without an index of every frame that both engines read at both ends and at each target. */
const GRID_FILES = new Set(['vp8-vorbis_webm_640x360_rocket-launch.webm']);

/** The files of BOTH that every browser checks: one per codec family and container kind (the rest is Chromium's). */
const BOTH_EVERYWHERE = [
  'h264-aac_fmp4_320x180_bbb.mp4',
  'vp9-opus_webm_320x180_bbb.webm',
  'vp8-vorbis_webm_640x360_rocket-launch.webm',
];

for (const file of BOTH) {
  test(
    `same answers from both engines: ${file}`,
    BOTH_EVERYWHERE.includes(file) ? ALL_BROWSERS : {},
    async ({ page }) => {
      const options = { f: 'png', inter: 250, sw: 160, sh: 90, scaletype: 'crop', tw: 8, th: 8 };
      const times = relativeMs(FACTS[file]!);
      const facts = FACTS[file]!;
      /** The frames the CLI says are on screen at each target, and the display size (rotation, pixel aspect). */
      const expectCliAnswer = (r: RunResult & { ok: true }) => {
        const targets = Array.from({ length: Math.ceil(r.source.durationMs / 250) }, (_, i) => i * 250);
        expectTimes(
          r.tiles.map((t) => t.time),
          [...new Set(targets.map((t) => frameAt(times, t)))],
        );
        const width = Math.round(facts.width * sarOf(facts.sar));
        expect([r.manifest.source.width, r.manifest.source.height]).toEqual(
          Math.abs(facts.rotation) === 90 ? [facts.height, width] : [width, facts.height],
        );
      };
      const native = await nativeDecoder(page, file);
      if (!native.supported) {
        // A browser without this decoder (WebKitGTK and H.264): WebCodecs, forced, says so in a typed error, and
        // ffmpeg.wasm alone gives the CLI's answer.
        const forced = await run(page, file, options, { engine: 'webcodecs' });
        expect(forced, JSON.stringify(forced).slice(0, 300)).toMatchObject({
          ok: false,
          code: 'UNSUPPORTED_CODEC',
          message: expect.stringContaining(`no decoder for ${native.codec}`),
        });
        const b = await run(page, file, options, { engine: 'ffmpeg' });
        expect(b.ok, `${file} ffmpeg: ${JSON.stringify(b).slice(0, 300)}`).toBe(true);
        if (b.ok) expectCliAnswer(b);
        return;
      }
      const [a, b, psnr] = await both(page, file, options);
      expect(a.engine.used).toBe('webcodecs');
      expect(b.engine.used).toBe('ffmpeg');
      // MP4 and MOV: both engines list the frames from the sample tables (ffmpeg.wasm through mediabunny, checked
      // against ffprobe's first packets), and get the same times the CLI's frame list gives (below). Where mediabunny's
      // timeline is not ffmpeg's (the rotated fragmented file starts at 0 in one and at 83 ms in the other), ffmpeg.wasm
      // reads the packet list instead.
      const indexed = /\.(mp4|mov)$/.test(file) ? 'index' : 'packets';
      // WebCodecs needs no table of every frame where the sample table lists every sample (not fragmented): it looks
      // up the frame on screen at each target.
      const whole = indexed === 'index' && !/fmp4/.test(file);
      // An index-less file with regular times and more frames than the two ends read (over 128): the grid too.
      expect(a.engine.frameTable).toBe(whole || GRID_FILES.has(file) ? 'targets' : indexed);
      // ffmpeg.wasm reads a Matroska or WebM file at both ends too, through mediabunny (and checks its start).
      expect(b.engine.frameTable).toBe(
        GRID_FILES.has(file) ? 'targets' : a.source.startTimeMs === b.source.startTimeMs ? indexed : 'packets',
      );
      // The same frames, and the ones the CLI says are on screen at each target.
      expectTimes(
        a.tiles.map((t) => t.time),
        b.tiles.map((t) => t.time),
      );
      expectCliAnswer(a);
      // The same display size and the same length.
      expect(a.manifest.source).toMatchObject({
        width: b.manifest.source.width,
        height: b.manifest.source.height,
        rotation: b.manifest.source.rotation,
        durationMs: b.manifest.source.durationMs,
      });
      const least = leastPsnr(native.format);
      for (const [i, db] of psnr.entries())
        expect(
          db,
          `${file} tile ${i} at ${a.tiles[i]!.time} ms, ${native.format} pictures: ${db.toFixed(1)} dB`,
        ).toBeGreaterThanOrEqual(least);
      // Key frames: the container's own flags, decoded alone.
      const [ka, kb] = await both(page, file, { f: 'png', m: 'key', sw: 160, sh: 90, scaletype: 'crop' });
      expectTimes(
        ka.tiles.map((t) => t.time),
        kb.tiles.map((t) => t.time),
      );
      expect(ka.engine.used === 'webcodecs' && ka.engine.decoded).toBe(ka.tiles.length);
      // An MP4 or MOV that is not fragmented gives key mode its sync samples alone, and the same length, interval and
      // start as the table of every frame.
      expect(ka.engine.frameTable).toBe(whole ? 'sync-samples' : indexed);
      expect(ka.source).toEqual(a.source);
    },
  );
}

test('a picture the plane placer leaves to the canvas (10-bit VP9) still matches ffmpeg.wasm', async ({ page }) => {
  // Chromium decodes VP9 profile 2 to I420P10: drawn through the canvas, not placed from 8-bit planes.
  const fixture = join(import.meta.dirname, '..', 'fixtures', 'h264-aac_fmp4_320x180_bbb.mp4');
  const bytes = execFileSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    fixture,
    '-t',
    '2',
    '-an',
    '-c:v',
    'libvpx-vp9',
    '-pix_fmt',
    'yuv420p10le',
    '-b:v',
    '600k',
    '-f',
    'webm',
    '-',
  ]);
  const input = { bytes: Array.from(bytes), name: 'ten-bit.webm' };
  const [a, b, psnr] = await both(page, input, {
    f: 'png',
    inter: 250,
    sw: 160,
    sh: 90,
    scaletype: 'crop',
    tw: 8,
    th: 1,
  });
  expect(a.engine.used).toBe('webcodecs');
  expectTimes(
    a.tiles.map((t) => t.time),
    b.tiles.map((t) => t.time),
  );
  expect(a.tiles.length).toBe(8);
  for (const [i, db] of psnr.entries()) expect(db, `tile ${i}: ${db.toFixed(1)} dB`).toBeGreaterThanOrEqual(35);
});

test('sync samples for key mode, lookups at the targets for the others: the answers of the table of every frame (B-frames, edit lists, frames before the first key)', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'sync-samples-'));
  const cli = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', ...args, '-y']);
  const x264 = (file: string, params: string) =>
    cli([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=192x108:rate=25:duration=8', '-c:v', 'libx264'],
      ...['-bf', '3', '-x264-params', params, '-pix_fmt', 'yuv420p', join(dir, file)],
    ]);
  x264('closed.mp4', 'keyint=50:min-keyint=50:scenecut=0');
  // Stream-copied from 1.3 s: the edit list hides the frames from the key frame at 1 s, and the frames up to the
  // next key frame at 2 s are shown before any key frame (a full table drops them).
  cli(['-ss', '1.3', '-i', join(dir, 'closed.mp4'), '-c', 'copy', join(dir, 'cut.mp4')]);
  for (const name of ['closed.mp4', 'cut.mp4']) {
    const input = { bytes: Array.from(readFileSync(join(dir, name))), name };
    const key = { f: 'png', m: 'key', sw: 64, sh: 36, tw: 10, th: 10 };
    // Key frames from the sync samples (WebCodecs), and from the table of every frame (ffmpeg.wasm reads it whole).
    const [ka, kb] = await both(page, input, key);
    expect(ka.engine.frameTable, name).toBe('sync-samples');
    expect(kb.engine.frameTable, name).not.toBe('sync-samples');
    expectTimes(
      ka.tiles.map((t) => t.time),
      kb.tiles.map((t) => t.time),
    );
    expect(ka.tiles.length, name).toBeGreaterThan(1);
    // The same start, length and interval as WebCodecs' own table of every frame (which a job of every frame lists).
    const every = await run(page, input, { f: 'png', inter: 0, num: 1, sw: 64, sh: 36 }, { engine: 'webcodecs' });
    expect(every.ok && every.engine.frameTable).toBe('index');
    expect(ka.source, name).toEqual(every.ok && every.source);
    // Targets between frames, the first before any frame from ss on (ss 10 ms, frames every 40): inter, avg, dhash.
    for (const options of [
      { m: 'inter', ss: 10, inter: 730 },
      { m: 'avg', num: 7 },
      { m: 'dhash', inter: 500, thr: 5 },
    ]) {
      const [ta, tb] = await both(page, input, { f: 'png', sw: 64, sh: 36, tw: 10, th: 2, ...options });
      expect(ta.engine.frameTable, `${name} ${options.m}`).toBe('targets');
      expectTimes(
        ta.tiles.map((t) => t.time),
        tb.tiles.map((t) => t.time),
      );
      expect(ta.source, `${name} ${options.m}`).toEqual(every.ok && every.source);
    }
  }
});

test('MPEG-TS and Matroska (with and without cues) read at both ends and at each target: the answers of the list of every packet (B-frames, 29.97 fps)', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'grid-'));
  const make = (file: string, audio: string[]) =>
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=192x108:rate=30000/1001:duration=20'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=20', '-c:v', 'libx264', '-bf', '3'],
      ...['-x264-params', 'keyint=48:min-keyint=48:scenecut=0', '-pix_fmt', 'yuv420p', ...audio],
      ...['-y', join(dir, file)],
    ]);
  // MPEG-TS times are 90 kHz ticks (3003 a frame); Matroska's are rounded to the ms, its frame duration declared.
  make('ntsc.ts', ['-c:a', 'aac']);
  make('ntsc.mkv', ['-c:a', 'libopus']);
  // Written to a pipe, without cues: looked up by the search on bytes for cluster headers.
  execFileSync('sh', [
    '-c',
    `ffmpeg -v error -i '${join(dir, 'ntsc.mkv')}' -c copy -f matroska - > '${join(dir, 'pipe.mkv')}'`,
  ]);
  for (const name of ['ntsc.ts', 'ntsc.mkv', 'pipe.mkv']) {
    const input = { bytes: Array.from(readFileSync(join(dir, name))), name };
    // The list of every packet, as a job that takes every frame reads it.
    const every = await run(page, input, { f: 'png', inter: 0, num: 1, sw: 64, sh: 36 }, { engine: 'webcodecs' });
    expect(every.ok && every.engine.frameTable, name).toBe('packets');
    for (const options of [
      { m: 'inter', ss: 10, inter: 1730 },
      { m: 'avg', num: 13 },
      { m: 'dhash', inter: 2500, thr: 5 },
    ]) {
      const [ta, tb, psnr] = await both(page, input, { f: 'png', sw: 64, sh: 36, tw: 10, th: 2, ...options });
      expect(ta.engine.frameTable, `${name} ${options.m}`).toBe('targets');
      expect(tb.engine.used).toBe('ffmpeg');
      // Each run fed from its key frame by mediabunny's packet numbers (byte positions here): the same pictures.
      for (const [i, db] of psnr.entries()) expect(db, `${name} ${options.m} tile ${i}`).toBeGreaterThanOrEqual(35);
      expectTimes(
        ta.tiles.map((t) => t.time),
        tb.tiles.map((t) => t.time),
      );
      expect(ta.source, `${name} ${options.m}`).toEqual(every.ok && every.source);
    }
  }
});

test('runs that jump GOPs start at their IDR without a flush, and every picture is still the frame ffmpeg.wasm gives', async ({
  page,
}) => {
  // A key frame (IDR) every second, 3 B-frames; targets half a GOP in, two seconds apart: each run starts at an IDR
  // after a skipped GOP. An H.264 file, the other engine as the reference, pixel by pixel (PSNR).
  const dir = mkdtempSync(join(tmpdir(), 'idr-runs-'));
  const file = join(dir, 'gops.mp4');
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=10', '-c:v', 'libx264'],
    ...['-bf', '3', '-x264-params', 'keyint=25:min-keyint=25:scenecut=0', '-pix_fmt', 'yuv420p', file],
  ]);
  const input = { bytes: Array.from(readFileSync(file)), name: 'gops.mp4' };
  const options = { f: 'png', ss: 480, inter: 2000, sw: 160, sh: 90, tw: 5, th: 1 };
  const [a, b, psnr] = await both(page, input, options);
  expect(a.tiles.map((t) => t.time)).toEqual([480, 2480, 4480, 6480, 8480]);
  expectTimes(
    a.tiles.map((t) => t.time),
    b.tiles.map((t) => t.time),
  );
  // Each run is the IDR and the frames up to the target, skipping the B-frames nothing refers to: never a whole file.
  expect(a.engine.used === 'webcodecs' && a.engine.decoded).toBeLessThan(5 * 13);
  const { format } = await nativeDecoder(page, input);
  for (const [i, db] of psnr.entries())
    expect(db, `tile ${i}: ${db.toFixed(1)} dB`).toBeGreaterThanOrEqual(leastPsnr(format));
});

function sarOf(sar: string): number {
  const [n, d] = sar.split(':').map(Number);
  return n && d ? n / d : 1;
}

test('key frames are decoded alone, and a wanted frame costs only the frames it needs, never twice', async ({
  page,
}) => {
  // 4 s at 25 fps, a key frame every second, B-frames that nothing refers to (x264's b-pyramid off).
  await page.evaluate(() =>
    window.harness.generate('bframes.mp4', [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x90:rate=25:duration=4',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-g',
      '25',
      '-keyint_min',
      '25',
      '-sc_threshold',
      '0',
      '-bf',
      '3',
      '-x264-params',
      'b-pyramid=none',
      '-pix_fmt',
      'yuv420p',
      '/out.mp4',
    ]),
  );
  const decoded = async (options: object) => {
    const r = await run(
      page,
      { generated: 'bframes.mp4' },
      { f: 'jpg', sw: 32, sh: 32, ...options },
      { engine: 'webcodecs' },
    );
    expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(true);
    return r.ok && r.engine.used === 'webcodecs'
      ? { decoded: r.engine.decoded, tiles: r.tiles.length }
      : { decoded: -1, tiles: 0 };
  };
  expect(await decoded({ m: 'key' })).toEqual({ decoded: 4, tiles: 4 });
  expect(await decoded({ inter: 1000 })).toEqual({ decoded: 4, tiles: 4 }); // every target is a key frame
  // The last frame of the first second: its key frame, the P-frames before it; the B-frames between them are skipped.
  const last = await decoded({ ss: 960, num: 1 });
  expect(last.decoded).toBeGreaterThan(1);
  expect(last.decoded).toBeLessThan(25);
  // An earlier frame of the same second as well: it is on the way, so it costs at most itself (a skipped B-frame).
  const both = await decoded({ ss: 400, inter: 560, num: 2 });
  expect(both.tiles).toBe(2);
  expect(both.decoded).toBeGreaterThanOrEqual(last.decoded);
  expect(both.decoded).toBeLessThanOrEqual(last.decoded + 1);
});

test('a decoder failing mid-job hands over to ffmpeg.wasm where it stopped: nothing lost, nothing placed twice', async ({
  page,
}) => {
  // The container's sync-sample table is made to call a P-frame (frame 30, 1.2 s) a key frame: the browser's decoder
  // refuses it when a run starts there; ffmpeg.wasm decodes on regardless.
  await page.evaluate(() =>
    window.harness.generate('gop.mp4', [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x90:rate=25:duration=4',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '25',
      '-keyint_min',
      '25',
      '-sc_threshold',
      '0',
      '-pix_fmt',
      'yuv420p',
      '/out.mp4',
    ]),
  );
  expect(await page.evaluate(() => window.harness.patchSyncSample('fake-key.mp4', 'gop.mp4', 26, 31))).toBe(true);
  const options = { f: 'jpg', sw: 64, sh: 36, inter: 200 };
  const auto = await run(page, { generated: 'fake-key.mp4' }, options);
  const ffmpeg = await run(page, { generated: 'fake-key.mp4' }, options, { engine: 'ffmpeg' });
  expect(auto.ok && ffmpeg.ok, JSON.stringify(auto).slice(0, 400)).toBe(true);
  if (!auto.ok || !ffmpeg.ok) return;
  expect(auto.engine.used).toBe('webcodecs');
  expect(auto.engine.fallback?.reason).toMatch(/marked as type `key` but wasn't a key frame/);
  const from = auto.engine.fallback!.fromMs;
  expect(from).toBeGreaterThan(0);
  expect(from).toBeLessThanOrEqual(1200);
  // Every target once, in order, as ffmpeg.wasm alone gives them; the manifest says who made what.
  expect(auto.tiles.map((t) => t.time)).toEqual(ffmpeg.tiles.map((t) => t.time));
  expect(auto.tiles.map((t) => t.time)).toEqual(Array.from({ length: 20 }, (_, i) => i * 200));
  expect(auto.missed).toBe(0);
  expect(auto.manifest.engine.fallback).toEqual(auto.engine.fallback);
  // Forced WebCodecs has no one to hand over to: a typed error.
  const forced = await run(page, { generated: 'fake-key.mp4' }, options, { engine: 'webcodecs' });
  expect(forced.ok).toBe(false);
  if (!forced.ok) expect(forced.code).toBe('DECODE_FAILED');
});

test('a file cut short: both engines capture the same frames and count the same lost targets', async ({ page }) => {
  // Index first (faststart), then cut at 60 %: the index promises frames whose data is gone.
  await page.evaluate(() =>
    window.harness.generate('fast.mp4', [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x90:rate=25:duration=4',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '25',
      '-pix_fmt',
      'yuv420p',
      '-movflags',
      '+faststart',
      '/out.mp4',
    ]),
  );
  await page.evaluate(() => window.harness.truncate('cut.mp4', 'fast.mp4', 0.6));
  const options = { f: 'jpg', sw: 64, sh: 36, inter: 200 };
  const native = await run(page, { generated: 'cut.mp4' }, options, { engine: 'webcodecs' });
  const ffmpeg = await run(page, { generated: 'cut.mp4' }, options, { engine: 'ffmpeg' });
  const auto = await run(page, { generated: 'cut.mp4' }, options);
  expect(native.ok && ffmpeg.ok && auto.ok, JSON.stringify(native).slice(0, 300)).toBe(true);
  if (!native.ok || !ffmpeg.ok || !auto.ok) return;
  expect(native.tiles.map((t) => t.time)).toEqual(ffmpeg.tiles.map((t) => t.time));
  expect(native.missed).toBe(ffmpeg.missed);
  expect(native.missed).toBeGreaterThan(0);
  // auto leaves cut files to ffmpeg.wasm, which reads a little further into the last, partial frames.
  expect(auto.engine).toMatchObject({ used: 'ffmpeg', reason: expect.stringMatching(/ends before its header says/) });
  // Damaged data inside: both decoders conceal it; the same frames come out, none lost.
  await page.evaluate(() => window.harness.corrupt('damaged.mp4', 'h264-aac_fmp4_320x180_bbb.mp4', 0.5, 2000));
  const [a, b] = [
    await run(page, { generated: 'damaged.mp4' }, options, { engine: 'webcodecs' }),
    await run(page, { generated: 'damaged.mp4' }, options, { engine: 'ffmpeg' }),
  ];
  expect(a.ok && b.ok).toBe(true);
  if (a.ok && b.ok)
    expectTimes(
      a.tiles.map((t) => t.time),
      b.tiles.map((t) => t.time),
    );
});

// A flat colour (176, 64, 32) encoded three ways; each decoder must undo exactly the matrix and range the stream is
// tagged with (untagged means BT.601 limited, as ffmpeg assumes and as we tell WebCodecs).
const COLOUR_BASE = [
  '-f',
  'lavfi',
  '-i',
  'color=c=0xb04020:size=64x64:rate=5:duration=1',
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
];
const COLOUR_VARIANTS: Record<string, string[]> = {
  'untagged.mp4': [...COLOUR_BASE, '-pix_fmt', 'yuv420p', '/out.mp4'],
  'bt709.mp4': [
    ...COLOUR_BASE,
    '-vf',
    'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p',
    '-colorspace',
    'bt709',
    '-color_primaries',
    'bt709',
    '-color_trc',
    'bt709',
    '-color_range',
    'tv',
    '/out.mp4',
  ],
  'full-range.mp4': [
    ...COLOUR_BASE,
    '-vf',
    'scale=out_color_matrix=bt601:out_range=pc,format=yuv420p',
    '-colorspace',
    'smpte170m',
    '-color_range',
    'pc',
    '/out.mp4',
  ],
};

for (const [name, args] of Object.entries(COLOUR_VARIANTS)) {
  test(`colour: ${name} gives the encoded colour in both engines`, ALL_BROWSERS, async ({ page }) => {
    await page.evaluate(([n, a]) => window.harness.generate(n, a), [name, args] as const);
    const native = await nativeDecoder(page, { generated: name });
    // Known product bug, seen in Firefox 153: its decoder hands pictures over in RGB, converted as BT.709 limited range
    // whatever the stream and our configuration say (the frame still claims smpte170m), and we draw them as they are:
    // BT.601 and full-range colours come out 7–11 levels off on the WebCodecs path. The day a browser gives them right,
    // this test turns red: drop this line.
    test.fail(
      native.format !== null && /^(RGB|BGR)/.test(native.format) && name !== 'bt709.mp4',
      `${native.format} pictures of a stream that is not BT.709 limited range come out in other colours`,
    );
    const options = { f: 'png', m: 'key', sw: 32, sh: 32, tw: 1, th: 1, pad: 0, margin: 0 };
    if (!native.supported) {
      const forced = await run(page, { generated: name }, options, { engine: 'webcodecs' });
      expect(forced, JSON.stringify(forced).slice(0, 300)).toMatchObject({ ok: false, code: 'UNSUPPORTED_CODEC' });
    }
    for (const engine of native.supported ? (['webcodecs', 'ffmpeg'] as const) : (['ffmpeg'] as const)) {
      const r = await run(page, { generated: name }, options, { engine });
      expect(r.ok && r.engine.used, `${name} ${engine}`).toBe(engine);
      const [red, green, blue] = await page.evaluate(() => window.harness.tilePixels(0, 12, 12, 8, 8));
      for (const [got, want] of [
        [red, 176],
        [green, 64],
        [blue, 32],
      ] as const)
        expect
          .soft(
            Math.abs(got! - want),
            `${name} ${engine} (${engine === 'webcodecs' ? native.format : 'wasm'} pictures): ${red},${green},${blue}`,
          )
          .toBeLessThanOrEqual(6);
    }
  });
}

test(
  'typed errors: WebCodecs forced on what it cannot read fails as ffmpeg.wasm does on what neither can',
  ALL_BROWSERS,
  async ({ page }) => {
    const code = async (input: string | object, engine: string) => {
      const r = await run(page, input, { f: 'jpg' }, { engine });
      return r.ok ? 'ok' : r.code;
    };
    const text = { bytes: Array.from(new TextEncoder().encode('not a video at all\n')), name: 'notes.mp4' };
    for (const [input, expected] of [
      ['opus_webm_audio-only_chime.webm', 'NO_VIDEO_STREAM'],
      [text, 'NOT_A_VIDEO'],
      [{ bytes: [], name: 'empty.mp4' }, 'EMPTY_INPUT'],
    ] as const) {
      expect(await code(input, 'webcodecs'), JSON.stringify(input).slice(0, 60)).toBe(expected);
      expect(await code(input, 'ffmpeg'), JSON.stringify(input).slice(0, 60)).toBe(expected);
      expect(await code(input, 'auto'), JSON.stringify(input).slice(0, 60)).toBe(expected);
    }
    // A container WebCodecs is not fed from, forced: a typed error that says so; auto and ffmpeg.wasm read it.
    const avi = await run(page, 'mpeg4_avi_400x300_bicycle.avi', { f: 'jpg' }, { engine: 'webcodecs' });
    expect(avi.ok).toBe(false);
    if (!avi.ok)
      expect(`${avi.code} ${avi.message}`).toMatch(/^NOT_A_VIDEO WebCodecs cannot take this file: its container/);
  },
);
