// A job's events reach the caller only while the job is live: nothing after it settled or was cancelled.

import { describe, expect, it } from 'vitest';
import { eventGate } from '../../src/client/engine-bridge.js';
import type { EngineEvent } from '../../src/protocol/engine-api.js';

const tick = (fraction: number): EngineEvent => ({ type: 'progress', phase: 'load', fraction });

describe('eventGate', () => {
  it('passes events on until the job settles, and none after', () => {
    const seen: EngineEvent[] = [];
    const gate = eventGate((e) => seen.push(e));
    gate.relay(tick(0.1));
    gate.close();
    gate.relay(tick(0.2));
    expect(seen).toEqual([tick(0.1)]);
  });

  it('drops events once the job is cancelled, even before it has settled', () => {
    const seen: EngineEvent[] = [];
    const controller = new AbortController();
    const gate = eventGate((e) => seen.push(e), controller.signal);
    gate.relay(tick(0.1));
    controller.abort();
    gate.relay(tick(0.2));
    expect(seen).toEqual([tick(0.1)]);
  });
});
