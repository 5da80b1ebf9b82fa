// Two decoders, one answer: `auto` picks WebCodecs for what the browser decodes and ffmpeg.wasm for the rest, and on
// every file both read they give the same frames, the same display size and pixels within 40 dB of each other.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
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

async function both(page: Page, file: string | object, options: object): Promise<[RunResult & { ok: true }, RunResult & { ok: true }, number[]]> {
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
    // MP4 and MOV: both engines list the frames from the sample tables (ffmpeg.wasm through mediabunny, checked
    // against ffprobe's first packets), and get the same times the CLI's frame list gives (below). Where mediabunny's
    // timeline is not ffmpeg's (the rotated fragmented file starts at 0 in one and at 83 ms in the other), ffmpeg.wasm
    // reads the packet list instead.
    const indexed = /\.(mp4|mov)$/.test(file) ? 'index' : 'packets';
    expect(a.engine.frameTable).toBe(indexed);
    expect(b.engine.frameTable).toBe(a.source.startTimeMs === b.source.startTimeMs ? indexed : 'packets');
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
    for (const [i, db] of psnr.entries()) expect(db, `${file} tile ${i} at ${a.tiles[i]!.time} ms: ${db.toFixed(1)} dB`).toBeGreaterThanOrEqual(40);
    // Key frames: the container's own flags, decoded alone.
    const [ka, kb] = await both(page, file, { f: 'png', m: 'key', sw: 160, sh: 90, scaletype: 'crop' });
    expectTimes(ka.tiles.map((t) => t.time), kb.tiles.map((t) => t.time));
    expect(ka.engine.used === 'webcodecs' && ka.engine.decoded).toBe(ka.tiles.length);
  });
}

test('a picture the plane placer leaves to the canvas (10-bit VP9) still matches ffmpeg.wasm', async ({ page }) => {
  // Chromium decodes VP9 profile 2 to I420P10: drawn through the canvas, not placed from 8-bit planes.
  const fixture = join(import.meta.dirname, '..', 'fixtures', 'h264-aac_fmp4_320x180_bbb.mp4');
  const bytes = execFileSync('ffmpeg', ['-v', 'error', '-i', fixture, '-t', '2', '-an', '-c:v', 'libvpx-vp9', '-pix_fmt', 'yuv420p10le', '-b:v', '600k', '-f', 'webm', '-']);
  const input = { bytes: Array.from(bytes), name: 'ten-bit.webm' };
  const [a, b, psnr] = await both(page, input, { f: 'png', inter: 250, sw: 160, sh: 90, scaletype: 'crop', tw: 8, th: 1 });
  expect(a.engine.used).toBe('webcodecs');
  expectTimes(a.tiles.map((t) => t.time), b.tiles.map((t) => t.time));
  expect(a.tiles.length).toBe(8);
  for (const [i, db] of psnr.entries()) expect(db, `tile ${i}: ${db.toFixed(1)} dB`).toBeGreaterThanOrEqual(35);
});

function sarOf(sar: string): number {
  const [n, d] = sar.split(':').map(Number);
  return n && d ? n / d : 1;
}

test('key frames are decoded alone, and a wanted frame costs only the frames it needs, never twice', async ({ page }) => {
  // 4 s at 25 fps, a key frame every second, B-frames that nothing refers to (x264's b-pyramid off).
  await page.evaluate(() =>
    window.harness.generate('bframes.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=4', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-bf', '3', '-x264-params', 'b-pyramid=none', '-pix_fmt', 'yuv420p', '/out.mp4']),
  );
  const decoded = async (options: object) => {
    const r = await run(page, { generated: 'bframes.mp4' }, { f: 'jpg', sw: 32, sh: 32, ...options }, { engine: 'webcodecs' });
    expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(true);
    return r.ok && r.engine.used === 'webcodecs' ? { decoded: r.engine.decoded, tiles: r.tiles.length } : { decoded: -1, tiles: 0 };
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

test('a decoder failing mid-job hands over to ffmpeg.wasm where it stopped: nothing lost, nothing placed twice', async ({ page }) => {
  // The container's sync-sample table is made to call a P-frame (frame 30, 1.2 s) a key frame: the browser's decoder
  // refuses it when a run starts there; ffmpeg.wasm decodes on regardless.
  await page.evaluate(() =>
    window.harness.generate('gop.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '/out.mp4']),
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
    window.harness.generate('fast.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '/out.mp4']),
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
  const [a, b] = [await run(page, { generated: 'damaged.mp4' }, options, { engine: 'webcodecs' }), await run(page, { generated: 'damaged.mp4' }, options, { engine: 'ffmpeg' })];
  expect(a.ok && b.ok).toBe(true);
  if (a.ok && b.ok) expectTimes(a.tiles.map((t) => t.time), b.tiles.map((t) => t.time));
});

test('colour: BT.601 and BT.709, limited and full range, give the encoded colour in both engines', async ({ page }) => {
  // A flat colour (176, 64, 32) encoded three ways; each decoder must undo exactly the matrix and range the stream
  // is tagged with (untagged means BT.601 limited, as ffmpeg assumes and as we tell WebCodecs).
  const base = ['-f', 'lavfi', '-i', 'color=c=0xb04020:size=64x64:rate=5:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast'];
  const variants: Record<string, string[]> = {
    'untagged.mp4': [...base, '-pix_fmt', 'yuv420p', '/out.mp4'],
    'bt709.mp4': [...base, '-vf', 'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p', '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv', '/out.mp4'],
    'full-range.mp4': [...base, '-vf', 'scale=out_color_matrix=bt601:out_range=pc,format=yuv420p', '-colorspace', 'smpte170m', '-color_range', 'pc', '/out.mp4'],
  };
  for (const [name, args] of Object.entries(variants)) {
    await page.evaluate(([n, a]) => window.harness.generate(n, a), [name, args] as const);
    for (const engine of ['webcodecs', 'ffmpeg'] as const) {
      const r = await run(page, { generated: name }, { f: 'png', m: 'key', sw: 32, sh: 32, tw: 1, th: 1, pad: 0, margin: 0 }, { engine });
      expect(r.ok && r.engine.used, `${name} ${engine}`).toBe(engine);
      const [red, green, blue] = await page.evaluate(() => window.harness.tilePixels(0, 12, 12, 8, 8));
      for (const [got, want] of [[red, 176], [green, 64], [blue, 32]] as const) expect(Math.abs(got! - want), `${name} ${engine}: ${red},${green},${blue}`).toBeLessThanOrEqual(6);
    }
  }
});

test('typed errors: WebCodecs forced on what it cannot read fails as ffmpeg.wasm does on what neither can', async ({ page }) => {
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
  if (!avi.ok) expect(`${avi.code} ${avi.message}`).toMatch(/^NOT_A_VIDEO WebCodecs cannot take this file: its container/);
});
