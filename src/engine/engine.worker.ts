// The engine worker: runs sprite jobs off the main thread and keeps its decoders loaded between them. The client
// terminates it to cancel a job, after an idle time, and after a number of jobs.

import { expose } from 'comlink';
import { SpriteError } from '../core/errors.js';
import type { EngineApi, EngineConfig } from '../protocol/engine-api.js';
import { installTransferHandlers } from '../protocol/transfer-handlers.js';
import { SheetCompositor } from './compositor.js';
import { FfmpegEngine } from './ffmpeg/ffmpeg-source.js';
import { runJob } from './job.js';

/**
 * Where the ffmpeg core is by default: beside this worker's own module. The library build copies @ffmpeg/core's ESM
 * files into `dist/ffmpeg-core/`; in this source tree `src/engine/ffmpeg-core/` links to them (`npm run prepare`).
 * Written as literal `new URL('…', import.meta.url)` so that an app's bundler copies the files into its build.
 */
const DEFAULT_CORE = {
  coreURL: new URL('./ffmpeg-core/ffmpeg-core.js', import.meta.url).href,
  wasmURL: new URL('./ffmpeg-core/ffmpeg-core.wasm', import.meta.url).href,
};

installTransferHandlers();

let engine: { config: EngineConfig; ffmpeg: FfmpegEngine } | null = null;

/** The engine for `config`, kept from the previous job when the configuration is the same. */
function engineFor(config: EngineConfig): FfmpegEngine {
  const same = engine && JSON.stringify(engine.config) === JSON.stringify(config);
  if (!same) {
    engine?.ffmpeg.terminate();
    const core = { coreURL: config.coreURL ?? DEFAULT_CORE.coreURL, wasmURL: config.wasmURL ?? DEFAULT_CORE.wasmURL };
    engine = { config, ffmpeg: new FfmpegEngine({ ...core, memfsLimit: config.memfsLimit, decoders: config.decoders }) };
  }
  return engine!.ffmpeg;
}

const api: EngineApi = {
  async run(job, onEvent) {
    try {
      const ffmpeg = engineFor(job.config);
      return await runJob(job, {
        openSource: (options) => ffmpeg.open(job.input, options),
        createSink: (layout, placement, format, quality) => new SheetCompositor(layout, placement, format, quality),
        // onEvent is a comlink proxy: the promise settles once the main thread has the event. runJob awaits only
        // sheets and the final report; waiting on every progress tick would stall decoding.
        emit: (event) => Promise.resolve(onEvent(event)),
      });
    } catch (e) {
      throw e instanceof SpriteError ? e : new SpriteError('INTERNAL', `Unexpected engine failure: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  },
};

expose(api);
