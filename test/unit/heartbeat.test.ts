// The main thread's watch on the engine worker's heartbeat: silence for the limit ends a job, any message resets it.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineSilenceLimit, heartbeatEvery, watchSilence } from '../../src/shared/heartbeat.js';

describe('watchSilence', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fails once the worker has posted nothing for the limit; every message pushes the deadline back', async () => {
    const worker = new EventTarget();
    let failed: unknown = null;
    const watch = watchSilence(worker, 1000, () => new Error('silent'));
    watch.stalled.catch((e: unknown) => (failed = e));
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(900);
      worker.dispatchEvent(new MessageEvent('message', { data: 'video-sprite:engine-alive' }));
    }
    expect(failed).toBeNull();
    // A blocked thread posts nothing more.
    await vi.advanceTimersByTimeAsync(999);
    expect(failed).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(failed).toMatchObject({ message: 'silent' });
  });

  it('stop() ends the watch', async () => {
    const watch = watchSilence(new EventTarget(), 1000, () => new Error('silent'));
    let failed = false;
    watch.stalled.catch(() => (failed = true));
    watch.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(failed).toBe(false);
  });

  it("waits the job's stall limit, never under 10 s, and beats several times within it, at most once a second", () => {
    expect([engineSilenceLimit(60_000), heartbeatEvery(60_000)]).toEqual([60_000, 1000]);
    expect([engineSilenceLimit(1500), heartbeatEvery(1500)]).toEqual([10_000, 1000]);
    expect(heartbeatEvery(100)).toBeLessThanOrEqual(engineSilenceLimit(100) / 4);
  });
});
