// Shared pieces of the browser specs: the harness handle, fixture facts, and independent expectations.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import type { FrameTable } from '../../src/core/frame-table.js';
import { rgbPsnr } from '../psnr.js';

export interface FixtureFacts {
  video: boolean;
  codec: string;
  width: number;
  height: number;
  sar: string;
  rotation: number;
  fps: string;
  formatStart: number;
  /** Decoded frame times in s (ffprobe, CLI), ascending. */
  frameTimes: number[];
  /** Key-flagged packet times in s, ascending. */
  keyTimes: number[];
}

export const FACTS = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'facts.json'), 'utf8'),
) as Record<string, FixtureFacts>;

/** Frame times in ms from the first frame, as the library reports them. */
export function relativeMs(facts: FixtureFacts): number[] {
  const start = facts.frameTimes[0]!;
  return facts.frameTimes.map((t) => Math.round((t - start) * 1e6) / 1e3);
}

/** "The frame at t" written independently of src/core: the last frame whose time is ≤ t (ms). */
export function frameAt(times: readonly number[], t: number): number {
  let best = times[0]!;
  for (const x of times) if (x <= t + 1e-6) best = x;
  return best;
}

export async function openHarness(page: Page): Promise<void> {
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto('/test/browser/harness.html');
  await page.waitForFunction(() => (window as unknown as { harnessReady?: boolean }).harnessReady === true);
}

/** The plain-data result of harness.run (see harness.ts). */
export type RunResult = Awaited<ReturnType<Window['harness']['run']>>;

/** Runs a job in the page; a string input is a fixture name, an object is passed to harness.run as is. */
export async function run(
  page: Page,
  input: string | object,
  options: object | string,
  extra: object = {},
): Promise<RunResult> {
  const source = typeof input === 'string' ? { fixture: input } : input;
  return page.evaluate(([i, o, e]) => window.harness.run(i as never, o as never, e), [source, options, extra] as const);
}

/** Reference frames made by the CLI (tools/fixture-facts.mjs): fixture, frame number and time (ms from first frame). */
export const REFS = (FACTS as unknown as { _refs: Record<string, { fixture: string; n: number; time: number }> })._refs;

/** PSNR of a tile of the last result against a reference PNG, both read back through the browser's decoder. */
export async function tilePsnr(
  page: Page,
  tile: { sheet: number; x: number; y: number; w: number; h: number },
  ref: string,
): Promise<number> {
  const [mine, theirs] = await page.evaluate(
    async ([t, r]) => [
      await window.harness.tilePixels(t.sheet, t.x, t.y, t.w, t.h),
      (await window.harness.referencePixels(`ref/${r}.png`)).data,
    ],
    [tile, ref] as const,
  );
  return psnr(mine, theirs);
}

/** RGBA pixels of a tile of the last result, read back through the browser's decoder. */
export function tileRgba(page: Page, tile: { sheet: number; x: number; y: number; w: number; h: number }) {
  return page.evaluate((t) => window.harness.tilePixels(t.sheet, t.x, t.y, t.w, t.h), {
    sheet: tile.sheet,
    x: tile.x,
    y: tile.y,
    w: tile.w,
    h: tile.h,
  });
}

/**
 * RGBA bytes of a tile of the last result. Carried out of the page as base64: a large cell's pixels as an array of
 * numbers take the drivers most of a minute.
 */
export async function tileBytes(
  page: Page,
  tile: { sheet: number; x: number; y: number; w: number; h: number },
): Promise<Uint8Array> {
  const base64 = await page.evaluate(async (t) => {
    const pixels = await window.harness.tilePixels(t.sheet, t.x, t.y, t.w, t.h);
    let text = '';
    for (let i = 0; i < pixels.length; i += 0x8000) text += String.fromCharCode(...pixels.slice(i, i + 0x8000));
    return btoa(text);
  }, tile);
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** The number (presentation order) of the frame of `table` shown `ms` after the first, as {@link cliFrame} takes it. */
export const frameNumberAt = (table: FrameTable, ms: number) =>
  Array.from(table.times).findIndex((t) => Math.abs(t - ms) < 0.5);

/** RGBA of the video frame `n` (presentation order) of `file`, scaled to w × h as the engine scales, from the CLI. */
export function cliFrame(file: string, n: number, w: number, h: number): number[] {
  const raw = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-map',
      '0:v:0',
      '-vf',
      `select=eq(n\\,${n}),scale=${w}:${h}:flags=area`,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-',
    ],
    { maxBuffer: 1 << 24 },
  );
  return [...raw];
}

/** Times (ms) must match to within float noise: the library rounds to the microsecond. */
export function expectTimes(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length, `got ${JSON.stringify(actual)} expected ${JSON.stringify(expected)}`).toBe(expected.length);
  actual.forEach((t, i) => expect(Math.abs(t - expected[i]!), `time #${i}: ${t} vs ${expected[i]}`).toBeLessThan(0.01));
}

/** PSNR (dB) between two RGBA buffers of the same size, over the RGB channels. */
export function psnr(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return rgbPsnr(a, b);
}

declare global {
  interface Window {
    harness: (typeof import('./harness.js'))['harness'];
  }
}
