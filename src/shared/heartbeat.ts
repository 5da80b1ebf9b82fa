// The engine worker's heartbeat. A job's own watchdog (engine/watchdog.ts) runs on the engine worker's thread, so it
// cannot see that thread blocked: Firefox 153 sometimes never returns from `new Worker(…, { type: 'module' })` called
// inside a worker, which left about one ffmpeg.wasm job in 15 without progress, error or end. While a job runs, the
// engine says so every few moments; the main thread that hears nothing for the job's stall limit stops the worker.

import { waitForSilence } from './silence.js';

/** What the engine worker posts while a job runs (a plain message beside comlink's, which comlink ignores). */
export const ENGINE_ALIVE = 'video-sprite:engine-alive';

/**
 * How long the main thread waits for the engine's heartbeat before it stops the worker, ms: the job's stall limit,
 * but never under 10 s. The engine's own thread does work in bursts the job's watchdog does not see as silence (a
 * short limit such as 1.5 s was once crossed by a burst that had nothing stuck in it); a thread blocked for 10 s is.
 */
export function engineSilenceLimit(stallTimeoutMs: number): number {
  return Math.max(10_000, stallTimeoutMs);
}

/** How often the engine says it is alive while a job runs, ms: a quarter of the silence limit, at most every second. */
export function heartbeatEvery(stallTimeoutMs: number): number {
  return Math.min(1000, Math.floor(engineSilenceLimit(stallTimeoutMs) / 4));
}

/**
 * Rejects `stalled` once `target` (a Worker) has posted nothing for `limitMs`, with the error `onSilence` makes.
 * `stop()` ends the watch.
 */
export function watchSilence(
  target: EventTarget,
  limitMs: number,
  onSilence: () => Error,
): { stalled: Promise<never>; stop: () => void } {
  const silence = waitForSilence(limitMs, () => {
    target.removeEventListener('message', silence.heard);
    return onSilence();
  });
  target.addEventListener('message', silence.heard);
  return {
    stalled: silence.stalled,
    stop: () => {
      silence.stop();
      target.removeEventListener('message', silence.heard);
    },
  };
}
