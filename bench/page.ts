// The browser side of the benchmark: our public API, and the plain command a developer would run in ffmpeg.wasm.

import { FFmpeg } from '@ffmpeg/ffmpeg';
import { PHASE_WEIGHTS } from '../src/core/progress.js';
import { createSpriteGenerator, generateSprites, type EngineChoice, type GenerateOptions, type SpriteOptions, type SpriteResult } from '../src/index.js';

/** The same core files our engine uses, for the plain ffmpeg.wasm baseline. */
const core = {
  coreURL: new URL('../src/engine/ffmpeg-core/ffmpeg-core.js', import.meta.url).href,
  wasmURL: new URL('../src/engine/ffmpeg-core/ffmpeg-core.wasm', import.meta.url).href,
};
const inputs = new Map<string, Blob>();
const lastLog: string[] = [];

/**
 * An input, untimed: a file the runner set on the page's file input (`file:NAME`, read from disk as a user's file is),
 * or a URL downloaded once, so that every contender starts from a Blob in memory.
 */
async function input(url: string): Promise<Blob> {
  if (url.startsWith('file:')) {
    const files = (document.getElementById('file') as HTMLInputElement).files ?? [];
    const file = [...files].find((f) => f.name === url.slice(5));
    if (!file) throw new Error(`no file ${url} on the page`);
    return file;
  }
  let blob = inputs.get(url);
  if (!blob) {
    blob = new File([await (await fetch(url)).blob()], url.split('/').pop()!);
    inputs.set(url, blob);
  }
  return blob;
}

/**
 * A job's timings: to the last sheet; when the input was open in an engine (the end of the load phase), when the
 * frame table was ready (the probe phase's report), when decoding had begun (the first decode or encode report), and
 * when the first sheet came; which engine ran and how many frames it decoded.
 */
async function timed(run: (hooks: GenerateOptions) => Promise<SpriteResult>) {
  const t0 = performance.now();
  let loadMs = 0;
  let openedMs = 0;
  let tableMs = 0;
  let probedMs = 0;
  let firstSheetMs = 0;
  let lastSheetMs = 0;
  const result = await run({
    onProgress: (p) => {
      if (!loadMs && p.phase !== 'load') loadMs = performance.now() - t0;
      // The load phase's end is its last share of the overall fraction.
      if (!openedMs && p.phase === 'load' && p.fraction >= PHASE_WEIGHTS.load[1]) openedMs = performance.now() - t0;
      if (!tableMs && p.phase === 'probe') tableMs = performance.now() - t0;
      if (!probedMs && (p.phase === 'decode' || p.phase === 'encode')) probedMs = performance.now() - t0;
    },
    onSheet: () => {
      lastSheetMs = performance.now() - t0;
      firstSheetMs ||= lastSheetMs;
    },
  });
  return { ms: lastSheetMs || performance.now() - t0, loadMs, openedMs, tableMs, probedMs, firstSheetMs, tiles: result.tiles.length, sheets: result.sheets.length, engine: result.engine };
}

/** Settings of a run: the decoder count (default: ours) and the engine (default auto). */
function settings(decoders?: number, engine?: EngineChoice) {
  return { ...(decoders ? { decoders } : {}), ...(engine ? { engine } : {}) };
}

/** Our job as a one-shot `generateSprites` call: the engine loads for this job alone. */
async function ours(url: string, options: SpriteOptions, decoders?: number, engine?: EngineChoice) {
  const blob = await input(url);
  return timed((hooks) => generateSprites(blob, options, { ...hooks, ...settings(decoders, engine) }));
}

/**
 * Our job on a warm generator, as a page that makes sprites again and again has it: an untimed job warms it, then the
 * same job is timed. The generator is disposed after, so that it is not in memory while the other contenders run.
 */
async function oursWarm(url: string, options: SpriteOptions, decoders?: number, engine?: EngineChoice) {
  const blob = await input(url);
  const generator = createSpriteGenerator(settings(decoders, engine));
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

/** Hardware video decoding this browser offers for H.264 1080p, as WebCodecs reports it. */
async function hardwareDecoding() {
  const config = { codec: 'avc1.640028', codedWidth: 1920, codedHeight: 1080, hardwareAcceleration: 'prefer-hardware' as const };
  return (await VideoDecoder.isConfigSupported(config)).supported === true;
}

Object.assign(window, { bench: { ours, oursWarm, plainWasm, hardwareDecoding, lastLog: () => lastLog.join('\n') }, benchReady: true });
