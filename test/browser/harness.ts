// Exposes the public API to the Playwright specs, plus helpers to read results back as plain data.

import { FFmpeg } from '@ffmpeg/ffmpeg';
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input } from 'mediabunny';
import * as api from '../../src/index.js';
import { rgbPsnr } from '../psnr.js';

/** The same core files the engine uses, for making test inputs with ffmpeg.wasm's own encoders. */
const CORE = {
  coreURL: new URL('../../src/engine/ffmpeg-core/ffmpeg-core.js', import.meta.url).href,
  wasmURL: new URL('../../src/engine/ffmpeg-core/ffmpeg-core.wasm', import.meta.url).href,
};

async function blobPixels(blob: Blob): Promise<{ width: number; height: number; data: number[] }> {
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  return { width: bitmap.width, height: bitmap.height, data: Array.from(data) };
}

/** Reads an RGBA rectangle of a sheet. */
async function cropData(blob: Blob, x: number, y: number, w: number, h: number): Promise<Uint8ClampedArray> {
  const bitmap = await createImageBitmap(blob, x, y, w, h);
  const canvas = new OffscreenCanvas(w, h);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, w, h).data;
}

async function crop(blob: Blob, x: number, y: number, w: number, h: number): Promise<number[]> {
  return Array.from(await cropData(blob, x, y, w, h));
}

async function sha256(blob: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function fixture(name: string): Promise<File> {
  const response = await fetch(`/fixtures/${name}`);
  if (!response.ok) throw new Error(`fixture ${name}: HTTP ${response.status}`);
  return new File([await response.blob()], name);
}

/** A job's input: as the API takes it, a fixture by name, one made in the page, or a file's bytes from the test (a
 * number per byte for a few KB; base64 for MBs, which an array of numbers takes the drivers a minute to carry). */
type HarnessInput =
  | api.SpriteInput
  | { fixture: string }
  | { generated: string }
  | { bytes: number[]; name: string }
  | { base64: string; name: string };

async function resolveInput(input: HarnessInput): Promise<api.SpriteInput> {
  if (input instanceof Blob || input instanceof ArrayBuffer || input instanceof URL || typeof input === 'string')
    return input;
  if ('fixture' in input) return fixture(input.fixture);
  if ('generated' in input) return generated[input.generated]!;
  if ('base64' in input) return new File([Uint8Array.from(atob(input.base64), (c) => c.charCodeAt(0))], input.name);
  return new File([new Uint8Array(input.bytes)], input.name);
}

/** Runs a job and returns everything as structured-clone-friendly data (blobs summarised). */
async function run(
  input: HarnessInput,
  options: api.SpriteOptions | string,
  extra: {
    abortAfterMs?: number;
    abortAtFraction?: number;
    memfsLimit?: number;
    decoders?: number;
    engine?: api.EngineChoice;
    stallTimeoutMs?: number;
    keep?: string;
  } = {},
) {
  const source = await resolveInput(input);
  // Widened: onProgress sets it, which the narrowing of a `let` to `false` does not see.
  let aborted = false as boolean;
  let eventsAfterAbort = 0;
  const progress: api.SpriteProgress[] = [];
  const sheetsSeen: number[] = [];
  const controller = new AbortController();
  if (extra.abortAfterMs !== undefined) setTimeout(() => controller.abort(), extra.abortAfterMs);
  try {
    const result = await api.generateSprites(source, options, {
      signal: controller.signal,
      ffmpeg: { memfsLimit: extra.memfsLimit, decoders: extra.decoders },
      ...(extra.engine !== undefined ? { engine: extra.engine } : {}),
      ...(extra.stallTimeoutMs !== undefined ? { stallTimeoutMs: extra.stallTimeoutMs } : {}),
      onProgress: (p) => {
        if (aborted) eventsAfterAbort++;
        progress.push(p);
        if (extra.abortAtFraction !== undefined && p.fraction >= extra.abortAtFraction && !aborted) {
          aborted = true;
          controller.abort();
        }
      },
      onSheet: (s) => {
        if (aborted) eventsAfterAbort++;
        sheetsSeen.push(s.index);
      },
    });
    (window as unknown as { lastResult: api.SpriteResult }).lastResult = result;
    if (extra.keep !== undefined) kept.set(extra.keep, result);
    return {
      ok: true as const,
      sheets: await Promise.all(
        result.sheets.map(async (s) => ({
          index: s.index,
          name: s.name,
          width: s.width,
          height: s.height,
          type: s.blob.type,
          declaredType: s.type,
          encoder: s.encoder,
          size: s.blob.size,
          sha256: await sha256(s.blob),
          tiles: s.tiles,
        })),
      ),
      tiles: result.tiles,
      vtt: result.vtt,
      vttName: result.vttName,
      manifest: result.manifest,
      storyboard: result.storyboard,
      source: result.source,
      missed: result.missed,
      engine: result.engine,
      saveas: result.saveas ?? null,
      notify: result.notify ?? null,
      progress,
      sheetsSeen,
    };
  } catch (e) {
    const err = e as {
      name?: string;
      code?: string;
      param?: string;
      message?: string;
      details?: Record<string, unknown>;
    };
    // Anything the stopped job still sent would arrive within this pause.
    if (aborted) await new Promise((r) => setTimeout(r, 1000));
    return {
      ok: false as const,
      name: err.name,
      code: err.code,
      param: err.param,
      message: err.message,
      details: err.details ?? null,
      isSpriteError: e instanceof api.SpriteError,
      isDomException: e instanceof DOMException,
      progress,
      eventsAfterAbort,
    };
  }
}

/** Results kept by name (`run(…, { keep: name })`), to compare two jobs' pixels. */
const kept = new Map<string, api.SpriteResult>();

/** Pixels of a tile of the last result, or of the result kept as `from`. */
async function tilePixels(sheet: number, x: number, y: number, w: number, h: number, from?: string): Promise<number[]> {
  const result =
    from === undefined ? (window as unknown as { lastResult: api.SpriteResult }).lastResult : kept.get(from)!;
  return crop(result.sheets[sheet]!.blob, x, y, w, h);
}

/**
 * PSNR (dB, RGB) of each tile of the result kept as `a` against the same tile of the result kept as `b` (same job on
 * another engine), computed in the page: tiles of large cells are too big to send out as numbers.
 */
async function comparePsnr(a: string, b: string): Promise<number[]> {
  const ra = kept.get(a)!;
  const rb = kept.get(b)!;
  const out: number[] = [];
  for (const [i, t] of ra.tiles.entries()) {
    const u = rb.tiles[i]!;
    const [pa, pb] = await Promise.all([
      cropData(ra.sheets[t.sheet]!.blob, t.x, t.y, t.w, t.h),
      cropData(rb.sheets[u.sheet]!.blob, u.x, u.y, u.w, u.h),
    ]);
    out.push(rgbPsnr(pa, pb));
  }
  return out;
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

/**
 * Makes a test input at test time with ffmpeg.wasm's own encoders (no CLI needed): `args` are ffmpeg arguments
 * writing `/out.<ext>`. The result is kept in `generated[name]` for `run({ generated: name })`.
 */
const generated: Record<string, File> = {};
async function generate(name: string, args: string[]): Promise<{ size: number; log: string[] }> {
  const ffmpeg = new FFmpeg();
  const log: string[] = [];
  ffmpeg.on('log', ({ message }) => log.push(message));
  await ffmpeg.load(CORE);
  const out = args[args.length - 1]!;
  await ffmpeg.exec(['-loglevel', 'info', ...args]);
  const data = (await ffmpeg.readFile(out)) as Uint8Array;
  ffmpeg.terminate();
  generated[name] = new File([data.slice()], name);
  return { size: data.length, log: log.slice(-20) };
}

/** Patches bytes of a fixture (first occurrence of `find` replaced by `replace`, same length) into `generated[name]`. */
async function patch(name: string, fixtureName: string, find: string, replace: string): Promise<boolean> {
  const bytes = new Uint8Array(await (await fixture(fixtureName)).arrayBuffer());
  const needle = new TextEncoder().encode(find);
  for (let i = 0; i + needle.length <= bytes.length; i++) {
    if (needle.every((b, j) => bytes[i + j] === b)) {
      bytes.set(new TextEncoder().encode(replace), i);
      generated[name] = new File([bytes], name);
      return true;
    }
  }
  return false;
}

/**
 * Rewrites one entry of an MP4's sync-sample table (`stss`): sample `from` (1-based) is listed as `to` instead, so the
 * container calls a frame that is no key frame a key frame. Kept in `generated[name]`.
 */
async function patchSyncSample(name: string, source: string, from: number, to: number): Promise<boolean> {
  const bytes = new Uint8Array(await (generated[source] ?? (await fixture(source))).arrayBuffer());
  const view = new DataView(bytes.buffer);
  for (let i = 4; i + 12 <= bytes.length; i++) {
    if (bytes[i] !== 0x73 || bytes[i + 1] !== 0x74 || bytes[i + 2] !== 0x73 || bytes[i + 3] !== 0x73) continue; // 'stss'
    const count = view.getUint32(i + 8);
    for (let k = 0; k < count; k++) {
      if (view.getUint32(i + 12 + 4 * k) !== from) continue;
      view.setUint32(i + 12 + 4 * k, to);
      generated[name] = new File([bytes], name);
      return true;
    }
  }
  return false;
}

/** Keeps the first `fraction` of a generated file or fixture in `generated[name]`: a download cut short. */
async function truncate(name: string, source: string, fraction: number): Promise<number> {
  const blob = generated[source] ?? (await fixture(source));
  generated[name] = new File([blob.slice(0, Math.floor(blob.size * fraction))], name);
  return generated[name].size;
}

/** Overwrites `length` bytes at `fraction` of a fixture with pseudo-random noise into `generated[name]`. */
async function corrupt(name: string, fixtureName: string, fraction: number, length: number): Promise<void> {
  const bytes = new Uint8Array(await (await fixture(fixtureName)).arrayBuffer());
  let seed = 12345;
  const from = Math.floor(bytes.length * fraction);
  for (let i = from; i < Math.min(bytes.length, from + length); i++)
    bytes[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  generated[name] = new File([bytes], name);
}

/**
 * Whether this browser's own WebCodecs decodes the video of a fixture or generated file, asked with the decoder
 * configuration its container gives (null: no video track that container readers know), and the pixel format its
 * decoder hands the first frame over in (Firefox gives RGB where Chromium gives YUV). The specs expect the engine from
 * this answer, not from the browser's name.
 */
async function nativeDecoder(
  input: HarnessInput,
): Promise<{ codec: string; supported: boolean; format: string | null } | null> {
  const resolved = await resolveInput(input);
  const file =
    resolved instanceof Blob
      ? resolved
      : typeof resolved === 'string' || resolved instanceof URL
        ? await (await fetch(resolved)).blob()
        : new Blob([resolved]);
  const demuxed = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const track = await demuxed.getPrimaryVideoTrack();
    const config = await track?.getDecoderConfig();
    if (!track || !config) return null;
    if (typeof VideoDecoder === 'undefined') return { codec: config.codec, supported: false, format: null };
    if (!(await VideoDecoder.isConfigSupported(config)).supported)
      return { codec: config.codec, supported: false, format: null };
    const packet = await new EncodedPacketSink(track).getFirstPacket();
    let format: string | null = null;
    const decoder = new VideoDecoder({
      output: (frame) => {
        format ??= frame.format ?? 'opaque';
        frame.close();
      },
      error: () => {},
    });
    decoder.configure(config);
    if (packet) decoder.decode(new EncodedVideoChunk({ type: 'key', timestamp: 0, data: packet.data }));
    await decoder.flush().catch(() => {});
    decoder.close();
    return { codec: config.codec, supported: true, format };
  } catch {
    return null;
  } finally {
    demuxed.dispose();
  }
}

/** Whether this browser's canvas encodes `type` (`image/webp`…), rather than quietly giving PNG. */
async function canvasEncodes(type: string): Promise<boolean> {
  const canvas = new OffscreenCanvas(2, 2);
  canvas.getContext('2d')!.fillRect(0, 0, 1, 1);
  return (await canvas.convertToBlob({ type })).type === type;
}

/** The first bytes of a sheet of the last result, to tell its real format from the name it was given. */
async function sheetHead(sheet: number, length = 16): Promise<number[]> {
  const result = (window as unknown as { lastResult: api.SpriteResult }).lastResult;
  return Array.from(new Uint8Array(await result.sheets[sheet]!.blob.slice(0, length).arrayBuffer()));
}

/**
 * Runs a PNG job with onTile and checks each tile event against the finished sheets: the order tiles and sheets
 * arrived in, and how far each tile's picture is from the same rectangle of its sheet (0 when they are the same).
 */
async function tilesLive(
  input: HarnessInput,
  options: Omit<api.SpriteOptions, 'f'>,
  engine: api.EngineChoice = 'auto',
) {
  const order: string[] = [];
  const drawn: api.TileDrawn[] = [];
  const pictures: Uint8ClampedArray[] = [];
  const result = await api.generateSprites(
    await resolveInput(input),
    { ...options, f: 'png' },
    {
      engine,
      onTile: (d) => {
        order.push(`tile ${d.index}`);
        drawn.push(d);
        const canvas = new OffscreenCanvas(d.image.width, d.image.height);
        const context = canvas.getContext('2d')!;
        context.drawImage(d.image, 0, 0);
        d.image.close();
        pictures.push(context.getImageData(0, 0, canvas.width, canvas.height).data);
      },
      onSheet: (s) => order.push(`sheet ${s.index}`),
    },
  );
  const differences = await Promise.all(
    drawn.map(async (d, i) => {
      const { tile } = d;
      const sheet = await cropData(result.sheets[tile.sheet]!.blob, tile.x, tile.y, tile.w, tile.h);
      const picture = pictures[i]!;
      if (picture.length !== sheet.length) return Infinity;
      let most = 0;
      for (let j = 0; j < sheet.length; j++) most = Math.max(most, Math.abs(sheet[j]! - picture[j]!));
      return most;
    }),
  );
  return {
    order,
    differences,
    drawn: drawn.map(({ tile, index, column, row, sheetWidth, sheetHeight, image }) => ({
      tile,
      index,
      column,
      row,
      sheetWidth,
      sheetHeight,
      // Closed once read: a closed bitmap reports 0 × 0.
      closed: image.width === 0,
    })),
    tiles: result.tiles,
    sheets: result.sheets.map((s) => ({ index: s.index, width: s.width, height: s.height, tiles: s.tiles.length })),
    engine: result.engine.used,
  };
}

/**
 * A sharp set against single jobs: `options` with `extraSizes` (one decode), and the same options alone at each size.
 * Returns what the spec compares: tile times, decoded counts, names and sizes, and for every tile the PSNR of each
 * size's picture against the single job's at that size (scaled from a larger decode, not decoded at that size).
 */
async function sharpSet(
  input: HarnessInput,
  options: api.SpriteOptions,
  extraSizes: api.ExtraSize[],
  engine: api.EngineChoice = 'auto',
) {
  const file = await resolveInput(input);
  const sharp = await api.generateSprites(file, options, { extraSizes, engine });
  const results = [sharp, ...sharp.extraSizes];
  const singles: api.SpriteResult[] = [];
  for (const size of [{}, ...extraSizes])
    singles.push(await api.generateSprites(file, { ...options, ...size }, { engine }));
  const decoded = (r: api.SpriteResult) => (r.engine.used === 'webcodecs' ? r.engine.decoded : null);
  const psnr = await Promise.all(
    results.map((r, set) =>
      Promise.all(
        r.tiles.map(async (t, i) => {
          const theirs = singles[set]!.tiles[i]!;
          const a = await cropData(r.sheets[t.sheet]!.blob, t.x, t.y, t.w, t.h);
          const b = await cropData(singles[set]!.sheets[theirs.sheet]!.blob, theirs.x, theirs.y, theirs.w, theirs.h);
          return a.length === b.length ? rgbPsnr(a, b) : -1;
        }),
      ),
    ),
  );
  return {
    engine: sharp.engine.used,
    decoded: { sharp: decoded(sharp), single: decoded(singles[0]!) },
    times: results.map((r) => r.tiles.map((t) => t.time)),
    singleTimes: singles.map((r) => r.tiles.map((t) => t.time)),
    names: results.map((r) => r.sheets.map((s) => s.name)),
    vttNames: results.map((r) => r.vttName),
    sheetSizes: results.map((r) => r.sheets.map((s) => [s.width, s.height])),
    singleSheetSizes: singles.map((r) => r.sheets.map((s) => [s.width, s.height])),
    cells: results.map((r) => r.manifest.cell),
    psnr,
    dash: api.writeDashThumbnails(results),
  };
}

/** What the specs call through `window.harness`. */
export const harness = {
  run,
  sharpSet,
  tilesLive,
  nativeDecoder,
  canvasEncodes,
  sheetHead,
  tilePixels,
  comparePsnr,
  sheetPixels,
  referencePixels,
  fixture,
  input: resolveInput,
  generate,
  patch,
  patchSyncSample,
  truncate,
  corrupt,
  api,
};
Object.assign(window, { harness, harnessReady: true });
