// A loop of promise jobs alone starves the thread's timers (the engine's heartbeat); one that takes turns does not.

import { describe, expect, it, vi } from 'vitest';
import { turnTaker } from '../../src/engine/event-turns.js';

/** Runs promise jobs for `ms`, calling `step` at each; resolves with whether a timer set at the start fired meanwhile. */
async function busyLoop(ms: number, step: () => Promise<void>): Promise<boolean> {
  let fired = false;
  setTimeout(() => (fired = true), 0);
  const end = performance.now() + ms;
  let firedDuring = false;
  while (performance.now() < end) {
    await step();
    firedDuring ||= fired;
  }
  return firedDuring;
}

describe('turnTaker', () => {
  it('lets a timer run during a long loop of promise jobs', async () => {
    expect(await busyLoop(200, turnTaker(20))).toBe(true);
  });

  it('is needed: the same loop without turns starves the timer', async () => {
    expect(await busyLoop(200, () => Promise.resolve())).toBe(false);
  });

  it('sets no timer until the interval has passed', async () => {
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      const turn = turnTaker(60_000);
      for (let i = 0; i < 10_000; i++) await turn();
      expect(timers).not.toHaveBeenCalled();
    } finally {
      timers.mockRestore();
    }
  });
});
