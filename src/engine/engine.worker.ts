// The engine worker: runs sprite jobs off the main thread and keeps its decoders loaded between them. The client
// terminates it to cancel a job, after an idle time, and after a number of jobs. It names no URL of its own: the
// package's entry module resolves every file (the decoder worker, the core) where the app's bundler can see it, and
// hands the URLs down in each job's config.

import { expose, transfer } from 'comlink';
import { SpriteError } from '../core/errors.js';
import type { EngineApi } from '../protocol/engine-api.js';
import { installTransferHandlers } from '../protocol/transfer-handlers.js';
import { ENGINE_ALIVE, heartbeatEvery } from '../shared/heartbeat.js';
import { ENGINE_READY } from '../shared/load-failure.js';
import { encodedType, SheetCompositor } from './compositor.js';
import { DECODERS } from './decoders.js';
import { DecoderFailure } from './frame-source.js';
import { JobInput } from './input.js';
import { runJob } from './job.js';
import { openSource } from './open-source.js';

installTransferHandlers();

const api: EngineApi = {
  async run(job, onEvent) {
    // Heard by the main thread, which stops this worker should its thread ever block (see shared/heartbeat.ts).
    const beat = setInterval(() => self.postMessage(ENGINE_ALIVE), heartbeatEvery(job.config.stallTimeoutMs));
    try {
      return await runJob(job, {
        openSource: (options) =>
          openSource(DECODERS, new JobInput(job.input, options.watch), { ...options, config: job.config }),
        createSink: (layout, placement, format, quality) => new SheetCompositor(layout, placement, format, quality),
        encodedType,
        // onEvent is a comlink proxy: the promise settles once the main thread has the event. runJob awaits only
        // sheets and the final report; waiting on every progress tick would stall decoding. A tile's picture is
        // moved, not copied: the worker has no further use for it.
        emit: (event) => Promise.resolve(onEvent(event.type === 'tile' ? transfer(event, [event.drawn.image]) : event)),
      });
    } catch (e) {
      if (e instanceof SpriteError) throw e;
      // The last decoder has no one to hand over to: a frame it could not decode is the file's fault.
      if (e instanceof DecoderFailure) {
        throw new SpriteError(
          'DECODE_FAILED',
          `${e.decoder} could not decode the video from ${e.fromMs} ms on: ${e.message}`,
          {
            details: { engine: e.decoder, fromMs: e.fromMs },
          },
        );
      }
      throw new SpriteError('INTERNAL', `Unexpected engine failure: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      });
    } finally {
      clearInterval(beat);
    }
  },
};

expose(api);
// Said once the script has run: the client knows the file at its URL is ours (see shared/load-failure.ts).
self.postMessage(ENGINE_READY);
