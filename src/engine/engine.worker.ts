// The engine worker: runs sprite jobs off the main thread and keeps its decoders loaded between them. The client
// terminates it to cancel a job, after an idle time, and after a number of jobs. It names no URL of its own: the
// package's entry module resolves every file (the decoder worker, the core) where the app's bundler can see it, and
// hands the URLs down in each job's config.

import { expose } from 'comlink';
import { SpriteError } from '../core/errors.js';
import type { EngineApi, EngineConfig, EngineJob } from '../protocol/engine-api.js';
import { installTransferHandlers } from '../protocol/transfer-handlers.js';
import { ENGINE_ALIVE, heartbeatEvery } from '../shared/heartbeat.js';
import { ENGINE_READY } from '../shared/load-failure.js';
import { encodedType, SheetCompositor } from './compositor.js';
import { FallbackSource } from './fallback-source.js';
import { FfmpegEngine } from './ffmpeg/ffmpeg-source.js';
import type { FrameSource, OpenOptions } from './frame-source.js';
import { openInput, wholeBlob } from './input.js';
import { runJob } from './job.js';
import { DecoderFailure, WebCodecsSource } from './webcodecs/webcodecs-source.js';

installTransferHandlers();

let engine: { key: string; ffmpeg: FfmpegEngine } | null = null;

/** The ffmpeg.wasm engine for `config`, kept from the previous job when it is the same; it loads cores on first use. */
function ffmpegFor(config: EngineConfig): FfmpegEngine {
  const settings = { workerURL: config.ffmpegWorkerURL, wasmURL: config.wasmURL, memfsLimit: config.memfsLimit, decoders: config.decoders };
  const key = JSON.stringify(settings);
  if (engine?.key !== key) {
    engine?.ffmpeg.terminate();
    engine = { key, ffmpeg: new FfmpegEngine(settings) };
  }
  return engine.ffmpeg;
}

/**
 * The decoder for one job: WebCodecs where the file demuxes and the browser decodes its codec (with ffmpeg.wasm
 * taking over should it fail mid-job), ffmpeg.wasm otherwise. ffmpeg.wasm's core is only fetched when it is used.
 */
async function openSource(job: EngineJob, options: OpenOptions): Promise<FrameSource> {
  const { config } = job;
  const { watch } = options;
  if (config.engine === 'ffmpeg') return ffmpegFor(config).open(await wholeBlob(job.input, watch), options, "engine 'ffmpeg' was asked for");
  const input = await openInput(job.input, watch);
  const ffmpeg = async (reason: string) => ffmpegFor(config).open(await wholeBlob(input, watch), options, reason);
  const native = await WebCodecsSource.open(input, { ...options, strict: config.engine === 'auto' });
  if (native instanceof WebCodecsSource) {
    return config.engine === 'auto' ? new FallbackSource(native, () => ffmpeg('WebCodecs failed mid-job')) : native;
  }
  // What the container itself rules out no decoder can do: said at once, without loading ffmpeg.wasm for it.
  if (config.engine === 'webcodecs' || native.final) throw native.error;
  return ffmpeg(`WebCodecs cannot take this file: ${native.reason}`);
}

const api: EngineApi = {
  async run(job, onEvent) {
    // Heard by the main thread, which stops this worker should its thread ever block (see shared/heartbeat.ts).
    const beat = setInterval(() => self.postMessage(ENGINE_ALIVE), heartbeatEvery(job.config.stallTimeoutMs));
    try {
      return await runJob(job, {
        openSource: (options) => openSource(job, options),
        createSink: (layout, placement, format, quality) => new SheetCompositor(layout, placement, format, quality),
        encodedType,
        // onEvent is a comlink proxy: the promise settles once the main thread has the event. runJob awaits only
        // sheets and the final report; waiting on every progress tick would stall decoding.
        emit: (event) => Promise.resolve(onEvent(event)),
      });
    } catch (e) {
      if (e instanceof SpriteError) throw e;
      // Forced WebCodecs has no one to hand over to: a frame it could not decode is the file's fault, as with ffmpeg.
      if (e instanceof DecoderFailure) throw new SpriteError('DECODE_FAILED', `WebCodecs could not decode the video from ${e.fromMs} ms on: ${e.message}`, { details: { engine: 'webcodecs', fromMs: e.fromMs } });
      throw new SpriteError('INTERNAL', `Unexpected engine failure: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    } finally {
      clearInterval(beat);
    }
  },
};

expose(api);
// Said once the script has run: the client knows the file at its URL is ours (see shared/load-failure.ts).
self.postMessage(ENGINE_READY);
