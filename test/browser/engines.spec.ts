// Two decoders, one answer: `auto` picks WebCodecs for what the browser decodes and ffmpeg.wasm for the rest, and on
// every file both read they give the same frames, the same display size and pixels within 35 dB of each other.

import { expect, test, type Page } from '@playwright/test';
import { expectTimes, FACTS, frameAt, openHarness, relativeMs, run, type RunResult } from './helpers.js';

test.beforeEach(async ({ page }) => openHarness(page));

/** Whether this browser's WebCodecs decodes HEVC (Debian's Chromium does not; a licensed Chrome may). */
const hevcDecodes = (page: Page) => page.evaluate(async () => (await VideoDecoder.isConfigSupported({ codec: 'hev1.1.6.L120.90' })).supported === true);

test('auto: WebCodecs for every file the browser decodes, ffmpeg.wasm for the rest, and the result says why', async ({ page }) => {
  const hevc = await hevcDecodes(page);
  const expected: [string, 'webcodecs' | 'ffmpeg', RegExp][] = [
    ['h264-aac_fmp4_320x180_bbb.mp4', 'webcodecs', /decodes h264 natively/],
    ['h264_fmp4_1920x1080_rot-90_bbb.mp4', 'webcodecs', /h264/],
    ['h264_mov_640x465_odd-dims_dualdiscs.mov', 'webcodecs', /h264/],
    ['h264_ts_256x110_sar110-109.ts', 'webcodecs', /h264/],
    ['vp9-opus_webm_320x180_bbb.webm', 'webcodecs', /decodes vp9 natively/],
    ['vp9_mp4_320x240_bear.mp4', 'webcodecs', /vp9/],
    ['vp8-vorbis_webm_640x360_rocket-launch.webm', 'webcodecs', /vp8/],
    ['av1_mkv_640x360_testsrc.mkv', 'webcodecs', /decodes av1 natively/],
    ['hevc-aac_ts_1920x1080_bbb.ts', hevc ? 'webcodecs' : 'ffmpeg', hevc ? /hevc/ : /no decoder for hev/],
    ['mpeg4_avi_400x300_bicycle.avi', 'ffmpeg', /container is not one WebCodecs is fed from/],
    ['theora_ogv_214x160_calais-1906-film.ogv', 'ffmpeg', /container/],
    ['TRUNC50_vp8_webm_rocket-launch.webm', 'ffmpeg', /ends before its header says it should/],
  ];
  for (const [file, used, why] of expected) {
    const r = await run(page, file, { f: 'jpg', sw: 32, sh: 32, inter: 2000 });
    expect(r.ok, `${file}: ${JSON.stringify(r).slice(0, 300)}`).toBe(true);
    if (!r.ok) continue;
    expect(r.engine.used, file).toBe(used);
    expect(r.engine.reason, file).toMatch(why);
    expect(r.engine.fallback, file).toBeNull();
    expect(r.manifest.engine, file).toEqual(r.engine);
  }
});

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

async function both(page: Page, file: string, options: object): Promise<[RunResult & { ok: true }, RunResult & { ok: true }, number[]]> {
  const a = await run(page, file, options, { engine: 'webcodecs', keep: 'webcodecs' });
  const b = await run(page, file, options, { engine: 'ffmpeg', keep: 'ffmpeg' });
  expect(a.ok, `${file} webcodecs: ${JSON.stringify(a).slice(0, 300)}`).toBe(true);
  expect(b.ok, `${file} ffmpeg: ${JSON.stringify(b).slice(0, 300)}`).toBe(true);
  const psnr = await page.evaluate(() => window.harness.comparePsnr('webcodecs', 'ffmpeg'));
  return [a as RunResult & { ok: true }, b as RunResult & { ok: true }, psnr];
}

for (const file of BOTH) {
  test(`same answers from both engines: ${file}`, async ({ page }) => {
    const times = relativeMs(FACTS[file]!);
    const [a, b, psnr] = await both(page, file, { f: 'png', inter: 250, sw: 160, sh: 90, scaletype: 'crop', tw: 8, th: 8 });
    expect(a.engine.used).toBe('webcodecs');
    expect(b.engine.used).toBe('ffmpeg');
    // The same frames, and the ones the CLI says are on screen at each target.
    expectTimes(a.tiles.map((t) => t.time), b.tiles.map((t) => t.time));
    const end = a.source.durationMs;
    const targets = Array.from({ length: Math.ceil(end / 250) }, (_, i) => i * 250);
    expectTimes(a.tiles.map((t) => t.time), [...new Set(targets.map((t) => frameAt(times, t)))]);
    // The same display size (rotation, pixel aspect) and the same length.
    expect(a.manifest.source).toMatchObject({ width: b.manifest.source.width, height: b.manifest.source.height, rotation: b.manifest.source.rotation, durationMs: b.manifest.source.durationMs });
    const facts = FACTS[file]!;
    const width = Math.round(facts.width * sarOf(facts.sar));
    expect([a.manifest.source.width, a.manifest.source.height]).toEqual(Math.abs(facts.rotation) === 90 ? [facts.height, width] : [width, facts.height]);
    for (const [i, db] of psnr.entries()) expect(db, `${file} tile ${i} at ${a.tiles[i]!.time} ms: ${db.toFixed(1)} dB`).toBeGreaterThanOrEqual(35);
    // Key frames: the container's own flags, decoded alone.
    const [ka, kb] = await both(page, file, { f: 'png', m: 'key', sw: 160, sh: 90, scaletype: 'crop' });
    expectTimes(ka.tiles.map((t) => t.time), kb.tiles.map((t) => t.time));
    expect(ka.engine.decoded).toBe(ka.tiles.length);
  });
}

function sarOf(sar: string): number {
  const [n, d] = sar.split(':').map(Number);
  return n && d ? n / d : 1;
}
