// The main-thread side of the engine: one worker kept warm across jobs, one job at a time. Abort terminates the
// worker at once (ffmpeg's exec cannot be interrupted any other way); so do an idle time and a number of jobs.

import { proxy, wrap, type Remote } from 'comlink';
import { SpriteError } from '../core/errors.js';
import type { EngineApi, EngineEvent, EngineJob, EngineSummary } from '../protocol/engine-api.js';
import { installTransferHandlers } from '../protocol/transfer-handlers.js';
import { engineSilenceLimit, watchSilence } from '../shared/heartbeat.js';
import { ENGINE_READY, setupHint, workerFailure, workerReady } from '../shared/load-failure.js';
import { whileSeeingWorkers, type WorkersSeen } from '../shared/workers-seen.js';
import { newEngineWorker } from './assets.js';

/**
 * How long the engine worker may take to start running its script. Ours says so at once; silence past this means the
 * URL holds something else (an app's build replaced it) and the job must not wait for ever.
 */
const WORKER_START_TIMEOUT_MS = 10_000;

/** How long a bridge keeps its worker, from the generator's settings. */
export interface BridgeLifetime {
  /** Idle time after a job before the worker is terminated, ms; 0 = at once. */
  idleTimeoutMs: number;
  /** Jobs a worker runs before it is replaced. */
  maxJobsPerEngine: number;
  /** How long a running job's worker may post nothing before it is stopped, ms. */
  stallTimeoutMs: number;
}

/** The AbortError every cancelled job rejects with (a DOMException, as fetch() and the platform use). */
export function abortError(): DOMException {
  return new DOMException('The sprite job was cancelled.', 'AbortError');
}

interface LiveWorker {
  worker: Worker;
  api: Remote<EngineApi>;
  /** Rejects with ENGINE_FAILED once the worker fails to load or dies. */
  failed: Promise<never>;
  /** Settles once the worker's script runs (it says so), or rejects as {@link LiveWorker.failed} does. */
  ready: Promise<void>;
  jobs: number;
}

/** Starts the engine worker; ENGINE_FAILED names its URL when it cannot even be constructed (CSP). */
function startWorker(): LiveWorker {
  installTransferHandlers();
  const seen: WorkersSeen = { workers: [], urls: [] };
  let worker: Worker;
  try {
    worker = whileSeeingWorkers(seen, newEngineWorker);
  } catch (e) {
    const url = seen.urls[0];
    throw new SpriteError(
      'ENGINE_FAILED',
      `The engine worker could not be started from ${url ?? 'its URL'}: ${String(e)}. ${setupHint(url ?? '')}`,
      { cause: e },
    );
  }
  const url = seen.urls[0] ?? '(unknown URL)';
  const failed = workerFailure(worker, url, 'engine worker');
  const ready = workerReady(worker, url, 'engine worker', ENGINE_READY, failed, WORKER_START_TIMEOUT_MS);
  ready.catch(() => {});
  return { worker, api: wrap<EngineApi>(worker), failed, ready, jobs: 0 };
}

/** Runs jobs in one engine worker, one after the other, keeping the worker (and its loaded decoders) between them. */
export class EngineBridge {
  private live: LiveWorker | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly lifetime: BridgeLifetime) {}

  /** Runs `job` once the jobs before it have ended; `signal` cancels it, waiting or running. */
  run(job: EngineJob, onEvent: (e: EngineEvent) => void, signal?: AbortSignal): Promise<EngineSummary> {
    const previous = this.queue;
    const turn = (async () => {
      await waitUnlessAborted(previous, signal);
      return this.runNow(job, onEvent, signal);
    })();
    // The next job waits for this one and every one before it: a job aborted while waiting ends early, yet the one
    // running ahead of it must still finish first.
    this.queue = Promise.allSettled([previous, turn]);
    return turn;
  }

  /** Terminates the worker now; later jobs start a fresh one. */
  terminate(): void {
    clearTimeout(this.idleTimer);
    this.live?.worker.terminate();
    this.live = null;
  }

  /** Terminates the worker and refuses further jobs. */
  dispose(): void {
    this.disposed = true;
    this.terminate();
  }

  private async runNow(
    job: EngineJob,
    onEvent: (e: EngineEvent) => void,
    signal?: AbortSignal,
  ): Promise<EngineSummary> {
    if (this.disposed)
      throw new SpriteError('ENGINE_FAILED', 'This sprite generator has been disposed: create a new one.');
    if (signal?.aborted) throw abortError();
    clearTimeout(this.idleTimer);
    this.live ??= startWorker();
    const live = this.live;
    live.jobs++;
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        this.terminate();
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const gate = eventGate(onEvent, signal);
    let silence: ReturnType<typeof watchSilence> | null = null;
    try {
      await Promise.race([live.ready, aborted]);
      // Once the worker runs: its thread may still block (see shared/heartbeat.ts), and silence then ends the job.
      const limit = engineSilenceLimit(this.lifetime.stallTimeoutMs);
      silence = watchSilence(
        live.worker,
        limit,
        () =>
          new SpriteError(
            'ENGINE_FAILED',
            `The engine worker stopped answering for ${Math.round(limit / 100) / 10} s (stage: engine): the job was stopped and its workers freed. Try again; a slow device may need a larger stallTimeoutMs.`,
            { details: { stalled: true, stage: 'engine', stallTimeoutMs: limit } },
          ),
      );
      return await Promise.race([live.api.run(job, proxy(gate.relay)), live.failed, aborted, silence.stalled]);
    } catch (e) {
      if (signal?.aborted) throw abortError();
      // A worker that failed to load or died cannot take the next job; one whose job stalled may still be running the
      // stuck call (an exec cannot be interrupted), so it goes too, and its decoders with it.
      if (
        e instanceof SpriteError &&
        (e.code === 'ENGINE_FAILED' || e.details?.['stalled'] === true) &&
        this.live === live
      )
        this.terminate();
      throw e;
    } finally {
      silence?.stop();
      gate.close();
      signal?.removeEventListener('abort', onAbort);
      if (this.live === live) this.rest(live);
    }
  }

  /** After a job: recycle a worker that has run its share, or let an idle one go after the idle time. */
  private rest(live: LiveWorker): void {
    if (live.jobs >= this.lifetime.maxJobsPerEngine || this.lifetime.idleTimeoutMs === 0) {
      this.terminate();
      return;
    }
    this.idleTimer = setTimeout(() => this.terminate(), this.lifetime.idleTimeoutMs);
  }
}

/**
 * Passes a job's events on while the job is live. Events still in flight when it settles (a progress report sent just
 * before the worker failed) or is cancelled (queued before the worker was terminated) would otherwise reach the caller
 * after the job's promise, and undo what the caller showed for its end.
 */
export function eventGate(
  onEvent: (e: EngineEvent) => void,
  signal?: AbortSignal,
): { relay: (e: EngineEvent) => void; close: () => void } {
  let open = true;
  return {
    relay: (e) => {
      if (open && !signal?.aborted) onEvent(e);
      // A tile's picture nobody will see is freed now, not when the collector gets to it.
      else if (e.type === 'tile') e.drawn.image.close();
    },
    close: () => {
      open = false;
    },
  };
}

/** Waits for `previous` to settle, or rejects with AbortError as soon as `signal` aborts. */
function waitUnlessAborted(previous: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return previous.then(() => {});
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    void previous.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
