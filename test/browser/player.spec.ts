// Straight into a player: a result's object URLs handed to a real player from npm (media-chrome), whose time bar
// must preview every cue with that cue's sheet and crop; and the track rewritten for a CDN, and revoke().

import { expect, test, type Page } from '@playwright/test';
import type { SpriteOptions } from '../../src/index.js';

const FIXTURE = 'h264-aac_fmp4_320x180_bbb.mp4';
/**
 * 10 tiles of 80×45 every 500 ms, 6 on the first sheet (3×2) and 4 on the second: six different crops, and the
 * second sheet's crops repeat the first's, so only the right sheet URL gives the right picture.
 */
const OPTIONS: SpriteOptions = { f: 'jpg', inter: 500, sw: 80, sh: 45, tw: 3, th: 2 };

type Mounted = Awaited<ReturnType<Window['player']['mount']>>;

async function openPlayer(page: Page, errors: string[]): Promise<void> {
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/test/browser/player.html');
  await page.waitForFunction(() => (window as unknown as { playerReady?: boolean }).playerReady === true);
}

const mount = (page: Page): Promise<Mounted> =>
  page.evaluate(([f, o]) => window.player.mount(f, o), [FIXTURE, OPTIONS] as const);

/** The player can preview: the duration is known and the thumbnails track is parsed. */
async function waitForPlayer(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const range = document.querySelector<HTMLElement & { mediaSeekableEnd?: number }>('media-time-range');
      const video = document.querySelector<HTMLVideoElement>('media-controller video');
      const track = [...(video?.textTracks ?? [])].find((t) => t.kind === 'metadata' && t.label === 'thumbnails');
      const end = range?.mediaSeekableEnd;
      return !!video && video.readyState >= 1 && typeof end === 'number' && end > 0 && (track?.cues?.length ?? 0) > 0;
    },
    null,
    { timeout: 15_000 },
  );
}

/**
 * Hovers the time bar at `t` s. media-time-range maps the pointer over its shadow `#range` to
 * ratio × mediaSeekableEnd, measured afresh here each time, and ignores a move to the same whole second as the last
 * preview unless it is at an end of the bar: so the pointer goes to the far end first, then to `t`.
 */
async function hoverTime(page: Page, t: number): Promise<void> {
  const g = await page.evaluate(() => {
    const range = document.querySelector('media-time-range') as HTMLElement & { mediaSeekableEnd: number };
    const r = range.shadowRoot!.querySelector('#range')!.getBoundingClientRect();
    return { left: r.left, width: r.width, y: r.top + r.height / 2, duration: range.mediaSeekableEnd };
  });
  const far = t < g.duration / 2 ? g.left + g.width * 0.995 : g.left + g.width * 0.005;
  await page.mouse.move(far, g.y);
  await page.mouse.move(g.left + (t / g.duration) * g.width, g.y);
  // The preview for t is applied and its sheet decoded; the image size is set in its onload, so it must fit this
  // sheet's aspect ratio, not the previous sheet's.
  await page.waitForFunction(
    (time) => {
      const range = document.querySelector('media-time-range')!;
      const thumb = range.shadowRoot!.querySelector('media-preview-thumbnail');
      const img = thumb?.shadowRoot?.querySelector('img');
      if (!thumb || !img) return false;
      const style = getComputedStyle(img);
      return (
        Math.abs(Number(range.getAttribute('mediapreviewtime')) - time) < 0.05 &&
        thumb.hasAttribute('mediapreviewcoords') &&
        img.complete &&
        img.naturalWidth > 0 &&
        style.display === 'block' &&
        Math.abs(parseFloat(style.width) / img.naturalWidth - parseFloat(style.height) / img.naturalHeight) < 1e-3
      );
    },
    t,
    { timeout: 5_000 },
  );
}

/**
 * What the preview shows: the sheet's URL, and the crop in sheet pixels read from the rendered CSS. The crop comes
 * back through the CSS scale (about 1.78 here) and layout's 1/64 px units, a few thousandths of a sheet pixel of
 * noise, so it is rounded to 0.1 px: far finer than the 1 px an error would make.
 */
async function readPreview(page: Page) {
  return page.evaluate(() => {
    const thumb = document.querySelector('media-time-range')!.shadowRoot!.querySelector('media-preview-thumbnail')!;
    const img = thumb.shadowRoot!.querySelector('img')!;
    const box = getComputedStyle(thumb);
    const style = getComputedStyle(img);
    // The whole sheet scaled by s, moved by (−x·s, −y·s) inside a host of w·s × h·s that clips it.
    const s = parseFloat(style.width) / img.naturalWidth;
    const m = new DOMMatrixReadOnly(style.transform === 'none' ? undefined : style.transform);
    const innerW = parseFloat(box.width) - parseFloat(box.borderLeftWidth) - parseFloat(box.borderRightWidth);
    const innerH = parseFloat(box.height) - parseFloat(box.borderTopWidth) - parseFloat(box.borderBottomWidth);
    const r = (n: number) => Math.round(n * 10) / 10 || 0;
    return { src: img.src, x: r(-m.e / s), y: r(-m.f / s), w: r(innerW / s), h: r(innerH / s) };
  });
}

test('media-chrome previews every cue of the object-URL track with its sheet and crop', async ({ page }) => {
  const errors: string[] = [];
  await openPlayer(page, errors);
  const mounted = await mount(page);
  expect(mounted.sheets).toHaveLength(2);
  expect(mounted.tiles).toHaveLength(10);
  expect(mounted.tiles.map((t) => t.sheet)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  // The cues as we wrote them: one per tile in time order, each at its own sheet's object URL.
  const tiles = [...mounted.tiles].sort((a, b) => a.time - b.time);
  expect(mounted.cues).toHaveLength(tiles.length);
  mounted.cues.forEach((cue, i) => {
    const tile = tiles[i]!;
    expect(cue.start).toBeCloseTo(Math.round(tile.time) / 1000, 6);
    expect(cue.url).toBe(mounted.sheetUrls[tile.sheet]);
    expect(cue.url).toMatch(/^blob:/);
    expect({ x: cue.x, y: cue.y, w: cue.w, h: cue.h }).toEqual({ x: tile.x, y: tile.y, w: tile.w, h: tile.h });
  });

  await waitForPlayer(page);
  const seen = new Set<string>();
  for (const [i, cue] of mounted.cues.entries()) {
    const tile = tiles[i]!;
    await hoverTime(page, (cue.start + cue.end) / 2);
    const rect = { x: cue.x, y: cue.y, w: cue.w, h: cue.h };
    expect(rect).toEqual({ x: tile.x, y: tile.y, w: tile.w, h: tile.h });
    // Polled: the player applies the new image and its size on load, so a read can catch it in between.
    await expect
      .poll(() => readPreview(page), { message: `cue #${i} (${cue.start}–${cue.end} s)`, timeout: 5_000 })
      .toEqual({ src: cue.url, ...rect });
    seen.add((await readPreview(page)).src);
  }
  expect(seen.size).toBe(2);
  expect(errors).toEqual([]);
});

test('the track under a base URL or with any URL function, and revoke()', async ({ page }) => {
  const errors: string[] = [];
  await openPlayer(page, errors);
  const mounted = await mount(page);
  const cdn = await page.evaluate(() => {
    const result = window.player.result!;
    const vtt = result.vttWithUrls((sheet) => 'https://cdn.example/sprites/' + sheet.name);
    return { vtt, cues: window.player.parseCues(vtt), base: result.vttWithUrls('https://cdn.example/sprites/') };
  });
  // A base URL gives the same track (these names need no percent-encoding).
  expect(cdn.base).toBe(cdn.vtt);
  const tiles = [...mounted.tiles].sort((a, b) => a.time - b.time);
  expect(cdn.vtt.startsWith('WEBVTT\n')).toBe(true);
  expect(cdn.cues).toHaveLength(tiles.length);
  cdn.cues.forEach((cue, i) => {
    const tile = tiles[i]!;
    expect(cue.url).toBe(`https://cdn.example/sprites/sprite-${tile.sheet}.jpg`);
    expect({ x: cue.x, y: cue.y, w: cue.w, h: cue.h }).toEqual({ x: tile.x, y: tile.y, w: tile.w, h: tile.h });
    // Same timing as the object-URL track: only the URLs differ.
    expect([cue.start, cue.end]).toEqual([mounted.cues[i]!.start, mounted.cues[i]!.end]);
  });
  expect(cdn.cues.filter((c) => c.url.endsWith('sprite-1.jpg')).length).toBe(4);

  // The URLs work until revoke(), and not after it (a second revoke() is harmless).
  const fetchAll = () =>
    page.evaluate(async () => {
      const urls = window.player.urls!;
      return Promise.all(
        [urls.trackUrl, ...urls.sheetUrls].map((url) =>
          fetch(url).then(
            async (r) => `ok ${(await r.blob()).size}`,
            (e: unknown) => `rejected ${(e as Error).name}`,
          ),
        ),
      );
    });
  const before = await fetchAll();
  expect(before).toHaveLength(3);
  for (const outcome of before) expect(outcome).toMatch(/^ok [1-9]\d*$/);
  await page.evaluate(() => {
    window.player.urls!.revoke();
    window.player.urls!.revoke();
  });
  expect(await fetchAll()).toEqual(['rejected TypeError', 'rejected TypeError', 'rejected TypeError']);
  expect(errors).toEqual([]);
});

declare global {
  interface Window {
    player: (typeof import('./player.js'))['player'];
  }
}
