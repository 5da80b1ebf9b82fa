// Real files of several codec/container families and shapes: exact frame times, geometry, and pixels against the CLI.

import { expect, test } from '@playwright/test';
import { expectTimes, FACTS, frameAt, openHarness, REFS, relativeMs, run, tilePsnr } from './helpers.js';

test.beforeEach(async ({ page }) => openHarness(page));

/**
 * One frame (the reference's) on a one-cell PNG sheet, so the tile can be compared with the reference pixel for pixel.
 * ss is whole ms: flooring a fractional frame time lands just before the frame, and SPEC §3 then takes that frame
 * (the one on screen at ss began before ss).
 */
function single(ref: string, extra: object) {
  return { f: 'png', ss: Math.floor(REFS[ref]!.time), num: 1, tw: 1, th: 1, pad: 0, margin: 0, ...extra };
}

test("H.264/MP4, stretch: the tile is the CLI's frame (PSNR)", async ({ page }) => {
  const ref = 'bbb-n48-stretch-160x90';
  const r = await run(page, REFS[ref]!.fixture, single(ref, { sw: 160, sh: 90 }));
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  expect(r.tiles).toEqual([{ sheet: 0, x: 0, y: 0, w: 160, h: 90, time: REFS[ref]!.time }]);
  expect(await tilePsnr(page, r.tiles[0]!, ref)).toBeGreaterThan(30);
  // A neighbouring frame is measurably further from the reference: the comparison can tell frames apart.
  const other = await run(page, REFS[ref]!.fixture, single(ref, { sw: 160, sh: 90, ss: REFS[ref]!.time + 1000 }));
  expect(other.ok).toBe(true);
  if (other.ok) expect(await tilePsnr(page, other.tiles[0]!, ref)).toBeLessThan(25);
});

test('rotated (display matrix −90°) with B-frames, crop: display size, exact times, pixels', async ({ page }) => {
  const file = 'h264_fmp4_1920x1080_rot-90_bbb.mp4';
  const ref = 'rot90-n40-crop-90x120';
  const r = await run(page, file, single(ref, { sw: 90, sh: 120, scaletype: 'crop' }));
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  expect(r.source).toMatchObject({ codedWidth: 1920, codedHeight: 1080, rotation: 90 });
  expect(r.manifest.source).toMatchObject({ width: 1080, height: 1920 });
  expect(r.tiles[0]).toMatchObject({ w: 90, h: 120, time: REFS[ref]!.time });
  expect(await tilePsnr(page, r.tiles[0]!, ref)).toBeGreaterThan(28);
  // Every frame, in presentation order despite B-frames, counted from the first frame (pts 0.083 s).
  const all = await run(page, file, { f: 'jpg', sw: 32, sh: 32, tw: 10, th: 5 });
  expect(all.ok).toBe(true);
  if (all.ok)
    expectTimes(
      all.tiles.map((t) => t.time),
      relativeMs(FACTS[file]!),
    );
});

test('Theora/OGG, fill: the picture between black bars matches the CLI', async ({ page }) => {
  const ref = 'theora-n30-fill-100x75';
  const r = await run(page, REFS[ref]!.fixture, single(ref, { sw: 100, sh: 100, scaletype: 'fill' }));
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  expect(r.sheets[0]).toMatchObject({ width: 100, height: 100 });
  expect(r.tiles[0]).toMatchObject({ x: 0, y: 12, w: 100, h: 75 });
  expect(await tilePsnr(page, r.tiles[0]!, ref)).toBeGreaterThan(30);
  const bars = await page.evaluate(() => window.harness.tilePixels(0, 0, 0, 100, 12));
  expect(Math.max(...bars.filter((_, i) => i % 4 !== 3))).toBeLessThan(8);
});

test('HEVC/MPEG-TS starting at 1.483 s: times count from the first frame, pixels match', async ({ page }) => {
  const file = 'hevc-aac_ts_1920x1080_bbb.ts';
  const ref = 'hevc-n100-stretch-96x54';
  const r = await run(page, file, single(ref, { sw: 96, sh: 54 }));
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  expect(r.source.startTimeMs).toBeCloseTo(1483.333, 2);
  expect(r.tiles[0]!.time).toBeCloseTo(REFS[ref]!.time, 2);
  expect(await tilePsnr(page, r.tiles[0]!, ref)).toBeGreaterThan(30);
  const every = await run(page, file, { f: 'jpg', sw: 32, sh: 32, inter: 1000 });
  expect(every.ok).toBe(true);
  if (every.ok)
    expectTimes(
      every.tiles.map((t) => t.time),
      [0, 1000, 2000, 3000, 4000].map((t) => frameAt(relativeMs(FACTS[file]!), t)),
    );
});

test('odd-sized MOV, fit: the cell shrinks to 101 × 73 and matches the CLI', async ({ page }) => {
  const ref = 'odd-n30-fit-101x73';
  const r = await run(page, REFS[ref]!.fixture, single(ref, { sw: 101, sh: 101, scaletype: 'fit' }));
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  expect(r.sheets[0]).toMatchObject({ width: 101, height: 73 });
  expect(r.tiles[0]).toMatchObject({ x: 0, y: 0, w: 101, h: 73 });
  expect(await tilePsnr(page, r.tiles[0]!, ref)).toBeGreaterThan(30);
});

test('VP9/WebM and MPEG-4/AVI: exact frame times', async ({ page }) => {
  const webm = 'vp9-opus_webm_320x180_bbb.webm';
  const a = await run(page, webm, { f: 'jpg', sw: 64, sh: 36, inter: 700 });
  expect(a.ok, JSON.stringify(a)).toBe(true);
  if (a.ok) {
    const targets = Array.from({ length: Math.ceil(a.source.durationMs / 700) }, (_, i) => i * 700).filter(
      (t) => t < a.source.durationMs,
    );
    expectTimes(
      a.tiles.map((t) => t.time),
      targets.map((t) => frameAt(relativeMs(FACTS[webm]!), t)),
    );
  }
  const avi = 'mpeg4_avi_400x300_bicycle.avi';
  const b = await run(page, avi, { f: 'jpg', sw: 40, sh: 32 });
  expect(b.ok, JSON.stringify(b)).toBe(true);
  if (b.ok)
    expectTimes(
      b.tiles.map((t) => t.time),
      relativeMs(FACTS[avi]!),
    );
});

test('VFR: each target takes the frame on screen, never one twice', async ({ page }) => {
  const file = 'h264_mp4_128x128_vfr_testsrc.mp4';
  const r = await run(page, file, { f: 'jpg', sw: 32, sh: 32, inter: 500 });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  const times = relativeMs(FACTS[file]!);
  const expected: number[] = [];
  for (let t = 0; t < r.source.durationMs; t += 500) {
    const f = frameAt(times, t);
    if (!expected.includes(f)) expected.push(f);
  }
  expectTimes(
    r.tiles.map((t) => t.time),
    expected,
  );
});

test('anamorphic (SAR 2:1, made at test time): cells follow the display size', async ({ page }) => {
  const made = await page.evaluate(() =>
    window.harness.generate('sar2.mp4', [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x180:rate=25:duration=2',
      '-vf',
      'setsar=2',
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
  expect(made.size, made.log.join('\n')).toBeGreaterThan(1000);
  const r = await run(
    page,
    { generated: 'sar2.mp4' },
    { f: 'png', psw: 25, psh: 50, inter: 1000, tw: 2, th: 1, pad: 0, margin: 0 },
  );
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  expect(r.source).toMatchObject({ codedWidth: 320, codedHeight: 180, sar: [2, 1] });
  // Display 640 × 180: 25 % × 50 % = 160 × 90 (coded pixels would give 80 × 90).
  expect(r.tiles.map(({ w, h }) => [w, h])).toEqual([
    [160, 90],
    [160, 90],
  ]);
  expect(r.tiles.map((t) => t.time)).toEqual([0, 1000]);
});

test("the original document's two examples, on a real file, produce the sheets they describe", async ({ page }) => {
  const tail =
    '|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqcHJlZml4LXtpbmRleH0ue2F1dG9leHR9Cg/notify,topic_ZXhhbXBsZS1tbnMtdG9waWMK';
  const file = 'theora_ogv_214x160_calais-1906-film.ogv'; // 19.2 s
  const one = await run(
    page,
    file,
    `x-oss-async-process=video/sprite,f_jpg,sw_200,sh_150,inter_2000,tw_3,th_3,pad_0,margin_0${tail}`,
  );
  expect(one.ok, JSON.stringify(one)).toBe(true);
  if (one.ok) {
    expect(one.tiles.map((t) => t.time)).toEqual(
      Array.from({ length: 10 }, (_, i) => frameAt(relativeMs(FACTS[file]!), i * 2000)),
    );
    expect(one.sheets.map((s) => [s.name, s.width, s.height, s.tiles.length])).toEqual([
      ['outobjprefix-0.jpg', 600, 450, 9],
      ['outobjprefix-1.jpg', 600, 450, 1],
    ]);
    expect(one.saveas).toEqual({ bucket: 'outbucket', object: 'outobjprefix-{index}.{autoext}' });
    expect(one.notify).toEqual({ topic: 'example-mns-topic' });
    expect(one.vttName).toBe('outobjprefix.vtt');
  }
  const two = await run(
    page,
    file,
    `video/sprite,f_jpg,m_avg,psw_10,psh_10,scaletype_fit,tw_10,th_10,pad_4,margin_5${tail}`,
  );
  expect(two.ok, JSON.stringify(two).slice(0, 400)).toBe(true);
  if (two.ok) {
    // 10 % of 214 × 160 is a 21 × 16 box; fit keeps 21 × 16. One full 10 × 10 sheet of 100 evenly spread frames.
    expect(two.sheets).toHaveLength(1);
    expect(two.sheets[0]).toMatchObject({
      name: 'outobjprefix-0.jpg',
      width: 2 * 5 + 10 * 21 + 9 * 4,
      height: 2 * 5 + 10 * 16 + 9 * 4,
    });
    expect(two.tiles).toHaveLength(100);
    const span = two.source.durationMs;
    expectTimes(
      two.tiles.map((t) => t.time),
      Array.from({ length: 100 }, (_, i) => frameAt(relativeMs(FACTS[file]!), (i * span) / 100)),
    );
  }
});
