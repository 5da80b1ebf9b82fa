// The engine worker: runs sprite jobs off the main thread; the client terminates it to cancel.

import { expose } from 'comlink';
import { SpriteError } from '../core/errors.js';
import type { EngineApi, EngineEvent, EngineJob } from '../protocol/engine-api.js';
import { FfmpegSource } from './ffmpeg-source.js';
import { runJob } from './job.js';

const api: EngineApi = {
  async run(job: EngineJob, onEvent: (event: EngineEvent) => void) {
    try {
      // onEvent is a comlink proxy: calling it returns a promise that settles once the main thread has the event.
      // runJob awaits only sheets and the final report; waiting on every progress tick would stall decoding.
      return await runJob(job, () => FfmpegSource.open(job.input, { coreBaseUrl: job.coreBaseUrl, memfsLimitBytes: job.memfsLimitBytes, decoders: job.decoders, keyOnly: job.options.m === 'key' }), (e) =>
        Promise.resolve(onEvent(e)),
      );
    } catch (e) {
      // Structured clone keeps only plain data; the client rebuilds the SpriteError from it.
      const error = e instanceof SpriteError ? e : new SpriteError('INTERNAL', `Unexpected engine failure: ${e instanceof Error ? e.message : String(e)}`);
      return { error: error.toData() };
    }
  },
};

expose(api);
