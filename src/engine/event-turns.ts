// Long loops over data mediabunny already holds run on promise jobs alone, and promise jobs never let the worker's
// timers and messages in: its heartbeat (shared/heartbeat.ts) stops, a cancel waits, and the main thread ends the job
// as a blocked engine. Listing the 216 000 packets of a 2-hour Matroska film and then decoding 20 runs from that list
// did so (ENGINE_FAILED after 60 s; with a turn every 50 ms the same job took 47.8 s, measured 2026-12-05). Such
// loops call a turn taker at each step.

/** How often a long loop gives the event loop a turn, ms: far under the heartbeat's interval (at most 1 s). */
export const TURN_EVERY_MS = 50;

/**
 * A function for each step of a long loop: it resolves at once, except every `everyMs` of the loop's time, when it
 * waits for a timer, so that the thread's timers and messages run in between.
 */
export function turnTaker(everyMs = TURN_EVERY_MS): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < everyMs) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
}
