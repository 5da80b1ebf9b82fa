// The browser side of the benchmark: our public API, and the plain command a developer would run in ffmpeg.wasm.

import { FFmpeg } from '@ffmpeg/ffmpeg';
import { createSpriteGenerator, generateSprites, type GenerateOptions, type SpriteOptions, type SpriteResult } from '../src/index.js';

/** The same core files our engine uses, for the plain ffmpeg.wasm baseline. */
const core = {
  coreURL: new URL('../src/engine/ffmpeg-core/ffmpeg-core.js', import.meta.url).href,
  wasmURL: new URL('../src/engine/ffmpeg-core/ffmpeg-core.wasm', import.meta.url).href,
};
const inputs = new Map<string, Blob>();
const lastLog: string[] = [];

/** Downloads an input once, untimed: both sides start from a Blob in memory. */
async function input(url: string): Promise<Blob> {
  let blob = inputs.get(url);
  if (!blob) {
    blob = new File([await (await fetch(url)).blob()], url.split('/').pop()!);
    inputs.set(url, blob);
  }
  return blob;
}

/** A job's timings: to the last sheet, and when the engine had loaded (first non-load phase) and probed. */
async function timed(run: (hooks: GenerateOptions) => Promise<SpriteResult>) {
  const t0 = performance.now();
  let loadMs = 0;
  let probedMs = 0;
  let lastSheetMs = 0;
  const result = await run({
    onProgress: (p) => {
      if (!loadMs && p.phase !== 'load') loadMs = performance.now() - t0;
      if (!probedMs && (p.phase === 'decode' || p.phase === 'encode')) probedMs = performance.now() - t0;
    },
    onSheet: () => {
      lastSheetMs = performance.now() - t0;
    },
  });
  return { ms: lastSheetMs || performance.now() - t0, loadMs, probedMs, tiles: result.tiles.length, sheets: result.sheets.length };
}

/** Our job as a one-shot `generateSprites` call: the engine loads for this job alone. */
async function ours(url: string, options: SpriteOptions, decoders?: number) {
  const blob = await input(url);
  return timed((hooks) => generateSprites(blob, options, { ...hooks, ...(decoders ? { decoders } : {}) }));
}

/**
 * Our job on a warm generator, as a page that makes sprites again and again has it: an untimed job warms it, then the
 * same job is timed. The generator is disposed after, so that it is not in memory while the other contenders run.
 */
async function oursWarm(url: string, options: SpriteOptions, decoders?: number) {
  const blob = await input(url);
  const generator = createSpriteGenerator(decoders ? { decoders } : {});
  try {
    await generator.generate(blob, options);
    return await timed((hooks) => generator.generate(blob, options, hooks));
  } finally {
    generator.dispose();
  }
}

/** The plain command in ffmpeg.wasm, as a developer would write it: load, copy the file in, one exec. */
async function plainWasm(url: string, args: string[]) {
  const blob = await input(url);
  const t0 = performance.now();
  const ffmpeg = new FFmpeg();
  // The last lines ffmpeg printed, so that a run that hangs or crashes can say where it was.
  lastLog.length = 0;
  ffmpeg.on('log', ({ message }) => {
    lastLog.push(message);
    if (lastLog.length > 12) lastLog.shift();
  });
  try {
    await ffmpeg.load(core);
    const loadMs = performance.now() - t0;
    await ffmpeg.writeFile('/in.mp4', new Uint8Array(await blob.arrayBuffer()));
    await ffmpeg.exec(args);
    const outputs = (await ffmpeg.listDir('/')).filter((f) => f.name.startsWith('out')).length;
    return { ms: performance.now() - t0, loadMs, outputs };
  } finally {
    // Also after a crash: a dead core's heap would otherwise stay in the page for the next runs.
    ffmpeg.terminate();
  }
}

Object.assign(window, { bench: { ours, oursWarm, plainWasm, lastLog: () => lastLog.join('\n') }, benchReady: true });
