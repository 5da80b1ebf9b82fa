// The main-thread side of a job: starts the engine worker, relays progress and sheets, and stops it on abort.

import { proxy, wrap, type Remote } from 'comlink';
import { SpriteError } from '../core/errors.js';
import type { EngineApi, EngineEvent, EngineJob, EngineSummary } from '../protocol/engine-api.js';

/** Runs one job in a fresh worker. Abort terminates the worker (and the ffmpeg worker nested in it) at once. */
export async function runInWorker(job: EngineJob, onEvent: (e: EngineEvent) => void, signal?: AbortSignal): Promise<EngineSummary> {
  signal?.throwIfAborted();
  const worker = new Worker(new URL('../engine/sprite.worker.ts', import.meta.url), { type: 'module', name: 'video-sprite-engine' });
  const api: Remote<EngineApi> = wrap<EngineApi>(worker);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      // ffmpeg's exec cannot be interrupted from outside; terminating the worker is what really stops the work.
      worker.terminate();
      reject(signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new SpriteError('ENGINE_FAILED', `The engine worker failed: ${event.message || 'unknown error'}`));
    });
  });
  try {
    // Events already queued when the worker was terminated would still be delivered: a cancelled job stays silent.
    const relay = (e: EngineEvent) => {
      if (!signal?.aborted) onEvent(e);
    };
    const result = await Promise.race([api.run(job, proxy(relay)), aborted, crashed]);
    if ('error' in result) throw SpriteError.fromData(result.error);
    return result;
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    worker.terminate();
  }
}
