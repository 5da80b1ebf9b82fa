// A wait that ends when nothing has been heard for a limit: the job's watchdog (engine/watchdog.ts) and the main
// thread's watch on the engine's heartbeat (heartbeat.ts) both wait this way. One timer per limit, not one per sign
// of life: signs of life come with every packet, log line and heartbeat.

/** A wait for silence. */
export interface Silence {
  /** Rejects once nothing was heard for the limit; never resolves. */
  readonly stalled: Promise<never>;
  /** Something was heard: the deadline moves back. */
  readonly heard: () => void;
  /** Ends the wait. */
  readonly stop: () => void;
}

/**
 * Rejects `stalled` with `onSilence(limit)` once nothing was heard for `limit()` ms. `limit` is asked again at every
 * check (a limit may grow while a slow step runs), and a check comes at least every `baseMs`, so that a limit that
 * shrinks back is honoured within that.
 */
export function waitForSilence(
  baseMs: number,
  onSilence: (limitMs: number) => Error,
  limit: () => number = () => baseMs,
): Silence {
  let last = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let fail: (e: Error) => void = () => {};
  const stalled = new Promise<never>((_, reject) => (fail = reject));
  // Only observed when it fires: the waiter races it.
  stalled.catch(() => {});
  const check = () => {
    const quiet = Date.now() - last;
    const now = limit();
    if (quiet < now) {
      timer = setTimeout(check, Math.min(now - quiet, baseMs));
      return;
    }
    timer = undefined;
    fail(onSilence(now));
  };
  timer = setTimeout(check, baseMs);
  return {
    stalled,
    heard: () => {
      last = Date.now();
    },
    stop: () => {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
