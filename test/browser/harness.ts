// Exposes the public API to the Playwright specs, plus helpers to read results back as plain data.

import * as api from '../../src/index.js';

async function blobPixels(blob: Blob): Promise<{ width: number; height: number; data: number[] }> {
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  return { width: bitmap.width, height: bitmap.height, data: Array.from(data) };
}

/** Reads an RGBA rectangle of a sheet. */
async function crop(blob: Blob, x: number, y: number, w: number, h: number): Promise<number[]> {
  const bitmap = await createImageBitmap(blob, x, y, w, h);
  const canvas = new OffscreenCanvas(w, h);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  return Array.from(context.getImageData(0, 0, w, h).data);
}

async function fixture(name: string): Promise<File> {
  const response = await fetch(`/fixtures/${name}`);
  if (!response.ok) throw new Error(`fixture ${name}: HTTP ${response.status}`);
  return new File([await response.blob()], name);
}

/** Runs a job and returns everything as structured-clone-friendly data (blobs summarised). */
async function run(input: api.SpriteInput | { fixture: string }, options: api.SpriteOptions | string, extra: { abortAfterMs?: number; abortAtFraction?: number } = {}) {
  const source = typeof input === 'object' && input !== null && 'fixture' in input ? await fixture(input.fixture) : input;
  const progress: api.SpriteProgress[] = [];
  const sheetsSeen: number[] = [];
  const controller = new AbortController();
  if (extra.abortAfterMs !== undefined) setTimeout(() => controller.abort(), extra.abortAfterMs);
  try {
    const result = await api.generateSprites(source, options, {
      coreBaseUrl: new URL('/ffmpeg/', location.origin),
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        if (extra.abortAtFraction !== undefined && p.fraction >= extra.abortAtFraction) controller.abort();
      },
      onSheet: (s) => sheetsSeen.push(s.index),
    });
    (window as unknown as { lastResult: api.SpriteResult }).lastResult = result;
    return {
      ok: true as const,
      sheets: result.sheets.map((s) => ({ index: s.index, name: s.name, width: s.width, height: s.height, type: s.blob.type, size: s.blob.size, tiles: s.tiles })),
      tiles: result.tiles,
      vtt: result.vtt,
      vttName: result.vttName,
      manifest: result.manifest,
      storyboard: result.storyboard,
      source: result.source,
      missed: result.missed,
      saveas: result.saveas ?? null,
      notify: result.notify ?? null,
      progress,
      sheetsSeen,
    };
  } catch (e) {
    const err = e as { name?: string; code?: string; param?: string; message?: string };
    return { ok: false as const, name: err.name, code: err.code, param: err.param, message: err.message, isSpriteError: e instanceof api.SpriteError, isDomException: e instanceof DOMException, progress };
  }
}

/** Pixels of a tile of the last result. */
async function tilePixels(sheet: number, x: number, y: number, w: number, h: number): Promise<number[]> {
  const result = (window as unknown as { lastResult: api.SpriteResult }).lastResult;
  return crop(result.sheets[sheet]!.blob, x, y, w, h);
}

/** Pixels of a whole sheet of the last result. */
async function sheetPixels(sheet: number) {
  const result = (window as unknown as { lastResult: api.SpriteResult }).lastResult;
  return blobPixels(result.sheets[sheet]!.blob);
}

/** Decodes a PNG/JPEG fetched from the fixtures folder (reference frames). */
async function referencePixels(name: string) {
  return blobPixels(await (await fetch(`/fixtures/${name}`)).blob());
}

/** What the specs call through `window.harness`. */
export const harness = { run, tilePixels, sheetPixels, referencePixels, fixture, api };
Object.assign(window, { harness, harnessReady: true });
