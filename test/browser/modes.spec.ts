// Every selection mode on real files: sheet count and size, tile rectangles, and tile times against the CLI's frame list.

import { expect, test } from '@playwright/test';
import { expectTimes, FACTS, frameAt, openHarness, relativeMs, run } from './helpers.js';

const BBB = 'h264-aac_fmp4_320x180_bbb.mp4';

test.beforeEach(async ({ page }) => openHarness(page));

test('inter: one frame per second, exact frames, one sheet laid out per SPEC §4', async ({ page }) => {
  const r = await run(page, BBB, { f: 'jpg', sw: 160, sh: 90, inter: 1000, tw: 3, th: 2 });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  const times = relativeMs(FACTS[BBB]!);
  expectTimes(
    r.tiles.map((t) => t.time),
    [0, 1000, 2000, 3000, 4000].map((t) => frameAt(times, t)),
  );
  expect(r.sheets).toHaveLength(1);
  expect(r.sheets[0]).toMatchObject({
    index: 0,
    name: 'sprite-0.jpg',
    width: 2 * 2 + 3 * 160 + 2 * 2,
    height: 2 * 2 + 2 * 90 + 2,
    type: 'image/jpeg',
  });
  expect(r.tiles.map(({ x, y, w, h }) => [x, y, w, h])).toEqual([
    [2, 2, 160, 90],
    [164, 2, 160, 90],
    [326, 2, 160, 90],
    [2, 94, 160, 90],
    [164, 94, 160, 90],
  ]);
  expect(r.source).toMatchObject({ codedWidth: 320, codedHeight: 180, rotation: 0 });
  expect(r.source.durationMs).toBeCloseTo(5000, 0);
});

test('inter: targets between frames capture the frame on screen, and start at ss', async ({ page }) => {
  const r = await run(page, BBB, { f: 'png', sw: 64, sh: 36, ss: 130, inter: 730, tw: 10, th: 1, pad: 0, margin: 0 });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  const times = relativeMs(FACTS[BBB]!);
  const targets: number[] = [];
  for (let t = 130; t < 5000; t += 730) targets.push(t);
  // ss = 130 falls between frames at 125 and 166.667: the frame on screen at 130 starts at 125, before ss.
  const expected = targets
    .map((t) => frameAt(times, t))
    .map((t, i) => (i === 0 && t < 130 ? times.find((x) => x >= 130)! : t));
  expectTimes(
    r.tiles.map((t) => t.time),
    expected,
  );
  expect(r.sheets[0]!.type).toBe('image/png');
});

test('inter: every frame when inter is 0, spread over several sheets, num caps the count', async ({ page }) => {
  const r = await run(page, BBB, { f: 'jpg', sw: 32, sh: 32, tw: 5, th: 5, num: 60 });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  expectTimes(
    r.tiles.map((t) => t.time),
    relativeMs(FACTS[BBB]!).slice(0, 60),
  );
  expect(r.sheets.map((s) => s.tiles.length)).toEqual([25, 25, 10]);
  expect(new Set(r.sheets.map((s) => `${s.width}x${s.height}`)).size).toBe(1);
  expect(r.sheetsSeen).toEqual([0, 1, 2]);
});

test('key: exactly the key-flagged frames, decoding nothing else', async ({ page }) => {
  const r = await run(page, BBB, { f: 'jpg', m: 'key', sw: 64, sh: 36 });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  const facts = FACTS[BBB]!;
  expectTimes(
    r.tiles.map((t) => t.time),
    facts.keyTimes.map((t) => Math.round((t - facts.frameTimes[0]!) * 1e6) / 1e3),
  );
});

test('key: ss and num bound the key frames taken', async ({ page }) => {
  const r = await run(page, BBB, { f: 'jpg', m: 'key', sw: 64, sh: 36, ss: 1500, num: 2 });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  expectTimes(
    r.tiles.map((t) => t.time),
    [2000, 3000],
  );
});

test('avg: num frames evenly spread, each the frame on screen at its target', async ({ page }) => {
  const r = await run(page, BBB, { f: 'jpg', m: 'avg', num: 7, sw: 64, sh: 36, ss: 500 });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  const times = relativeMs(FACTS[BBB]!);
  const span = r.source.durationMs - 500;
  const expected = Array.from({ length: 7 }, (_, i) => frameAt(times, 500 + (i * span) / 7));
  expectTimes(
    r.tiles.map((t) => t.time),
    expected,
  );
});

test('dhash: a scene-change threshold keeps fewer frames than plain inter, the first always', async ({ page }) => {
  const all = await run(page, BBB, { f: 'jpg', m: 'dhash', inter: 250, sw: 64, sh: 36, thr: 0 });
  const some = await run(page, BBB, { f: 'jpg', m: 'dhash', inter: 250, sw: 64, sh: 36, thr: 25 });
  const capped = await run(page, BBB, { f: 'jpg', m: 'dhash', inter: 250, sw: 64, sh: 36, thr: 0, num: 3 });
  expect(all.ok && some.ok && capped.ok, JSON.stringify([all, some, capped]).slice(0, 500)).toBe(true);
  if (!all.ok || !some.ok || !capped.ok) return;
  expect(all.tiles[0]!.time).toBe(0);
  expect(some.tiles[0]!.time).toBe(0);
  expect(some.tiles.length).toBeLessThan(all.tiles.length);
  expect(some.tiles.length).toBeGreaterThan(0);
  expect(capped.tiles).toHaveLength(3);
  const times = capped.tiles.map((t) => t.time);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  // Every kept frame is one of the inter candidates.
  const candidates = new Set(all.tiles.map((t) => t.time));
  for (const t of some.tiles) expect(candidates.has(t.time)).toBe(true);
});

test('outputs: VTT cues follow the tiles and the manifest and storyboard describe the same job', async ({ page }) => {
  const r = await run(page, BBB, 'video/sprite,f_jpg,sw_160,sh_90,inter_2000,tw_2,th_1,pad_0,margin_0');
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) return;
  expect(r.tiles.map((t) => t.time)).toEqual([0, 2000, 4000]);
  expect(r.vtt).toContain('00:00:00.000 --> 00:00:02.000\nsprite-0.jpg#xywh=0,0,160,90');
  expect(r.vtt).toContain('00:00:04.000 --> 00:00:05.000\nsprite-1.jpg#xywh=0,0,160,90');
  expect(r.manifest.tiles).toEqual(r.tiles);
  expect(r.manifest.sheets.map((s: { name: string }) => s.name)).toEqual(['sprite-0.jpg', 'sprite-1.jpg']);
  expect(r.storyboard.tiles.map((t: { start: number }) => t.start)).toEqual([0, 2, 4]);
});
