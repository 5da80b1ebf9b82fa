// The browser side of the benchmark: our public API, and the plain command a developer would run in ffmpeg.wasm.

import { FFmpeg } from '@ffmpeg/ffmpeg';
import { ALL_FORMATS, BlobSource, Input, VideoSampleSink } from 'mediabunny';
import { planGeometry } from '../src/core/geometry.js';
import { resolveOptions } from '../src/core/options.js';
import { PHASE_WEIGHTS } from '../src/core/progress.js';
import { selectFrames } from '../src/core/selection.js';
import { displaySize } from '../src/core/source.js';
import { isSource } from '../src/engine/frame-source.js';
import { JobInput } from '../src/engine/input.js';
import { UNWATCHED } from '../src/engine/watchdog.js';
import { FramePlacer } from '../src/engine/webcodecs/frame-placer.js';
import { webcodecsDecoder } from '../src/engine/webcodecs/webcodecs-decoder.js';
import {
  createSpriteGenerator,
  generateSprites,
  type EngineChoice,
  type ExtraSize,
  type GenerateOptions,
  type SpriteOptions,
  type SpriteResult,
} from '../src/index.js';

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
 * frame table was ready and decoding could start (the probe phase's report), when the first frame was decoded (the
 * first decode or encode report), and when the first tile and the first sheet came; which engine ran and how many
 * frames it decoded.
 */
async function timed(run: (hooks: GenerateOptions) => Promise<SpriteResult>) {
  const t0 = performance.now();
  let loadMs = 0;
  let openedMs = 0;
  let tableMs = 0;
  let probedMs = 0;
  let firstSheetMs = 0;
  let lastSheetMs = 0;
  let firstTileMs = 0;
  // Tiles are asked for as the page asks for them: their pictures cost a little, and the first one is what a person
  // sees first.
  const result = await run({
    onTile: (drawn) => {
      firstTileMs ||= performance.now() - t0;
      drawn.image.close();
    },
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
  return {
    ms: lastSheetMs || performance.now() - t0,
    loadMs,
    openedMs,
    tableMs,
    probedMs,
    firstSheetMs,
    firstTileMs,
    tiles: result.tiles.length,
    sheets: result.sheets.length,
    engine: result.engine,
  };
}

/** Settings of a run: the decoder count (default: ours) and the engine (default auto). */
function settings(decoders?: number, engine?: EngineChoice) {
  return { ...(decoders ? { ffmpeg: { decoders } } : {}), ...(engine ? { engine } : {}) };
}

/** Our job as a one-shot `generateSprites` call: the engine loads for this job alone. `extraSizes`: a sharp set. */
async function ours(
  url: string,
  options: SpriteOptions,
  decoders?: number,
  engine?: EngineChoice,
  extraSizes?: ExtraSize[],
) {
  const blob = await input(url);
  return timed((hooks) =>
    generateSprites(blob, options, { ...hooks, ...settings(decoders, engine), ...(extraSizes && { extraSizes }) }),
  );
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

/**
 * Our WebCodecs decode loop against mediabunny's own (`VideoSampleSink.samplesAtTimestamps`), on one job's frames:
 * the same file, the same frames, each placed in its cell by the same placer. Only the loops are timed (the file is
 * opened and its frames chosen before); this page's main thread runs both.
 */
async function decodeLoops(url: string, options: SpriteOptions) {
  const blob = await input(url);
  const config = {
    engine: 'webcodecs' as const,
    ffmpegWorkerURL: '',
    wasmURL: '',
    memfsLimit: 0,
    decoders: 1,
    stallTimeoutMs: 60_000,
  };
  const opts = resolveOptions(options);
  const source = await webcodecsDecoder.open(new JobInput(blob, UNWATCHED), {
    keyOnly: false,
    watch: UNWATCHED,
    config,
    othersFollow: false,
    chosenBecause: null,
  });
  if (!isSource(source)) throw new Error(`WebCodecs declined the input: ${source.reason}`);
  try {
    const probed = await source.probe();
    const { placement } = planGeometry(opts, displaySize(probed.source), probed.source.rotation);
    const times = selectFrames(probed.table, opts).map((c) => c.time);
    let t0 = performance.now();
    let ours = 0;
    await source.frames({ times, placement }, () => {
      ours++;
    });
    const oursMs = performance.now() - t0;
    const report = source.report();

    const demuxed = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
    try {
      const track = (await demuxed.getPrimaryVideoTrack())!;
      const sink = new VideoSampleSink(track);
      const placer = new FramePlacer(placement);
      const at = times.map((t) => probed.table.startSec + t / 1000);
      t0 = performance.now();
      let theirs = 0;
      for await (const sample of sink.samplesAtTimestamps(at)) {
        if (!sample) continue;
        const frame = sample.toVideoFrame();
        sample.close();
        await placer.place({ time: 0, frame });
        theirs++;
      }
      const mediabunnyMs = performance.now() - t0;
      return {
        oursMs,
        mediabunnyMs,
        frames: times.length,
        ours,
        theirs,
        decoded: report.used === 'webcodecs' ? report.decoded : null,
      };
    } finally {
      demuxed.dispose();
    }
  } finally {
    await source.close();
  }
}

/** Hardware video decoding this browser offers for H.264 1080p, as WebCodecs reports it. */
async function hardwareDecoding() {
  const config = {
    codec: 'avc1.640028',
    codedWidth: 1920,
    codedHeight: 1080,
    hardwareAcceleration: 'prefer-hardware' as const,
  };
  return (await VideoDecoder.isConfigSupported(config)).supported === true;
}

Object.assign(window, {
  bench: { ours, oursWarm, plainWasm, decodeLoops, hardwareDecoding, lastLog: () => lastLog.join('\n') },
  benchReady: true,
});
