import { describe, expect, it } from 'vitest';
import { buildFrameTable } from '../../src/core/frame-table.js';

describe('buildFrameTable', () => {
  it('sorts decode-order (B-frame) times, counts from the first frame and ends after the last frame', () => {
    const rows = [0.083333, 0.166667, 0.125, 0.25, 0.208333].map((pts, i) => ({ pts, key: i === 0 }));
    const t = buildFrameTable(rows)!;
    expect(t.startSec).toBe(0.083333);
    expect(t.frames.map((f) => f.time)).toEqual([0, 41.667, 83.334, 125, 166.667]);
    expect(t.frames[0]!.key).toBe(true);
    expect(t.durationMs).toBe(208); // 166.667 + the mean gap 41.667, whole ms
  });

  it('drops frames before the first key frame, which no decoder can show', () => {
    const t = buildFrameTable([
      { pts: 1, key: false },
      { pts: 1.04, key: false },
      { pts: 1.08, key: true },
      { pts: 1.12, key: false },
    ])!;
    expect(t.startSec).toBe(1.08);
    expect(t.frames).toHaveLength(2);
  });

  it('takes the interval from the frames (their mean gap), not from a declared rate', () => {
    const t = buildFrameTable([0, 0.1, 0.2, 0.4].map((pts) => ({ pts, key: pts === 0 })))!;
    expect(t.frameIntervalMs).toBeCloseTo(133.333, 3);
    expect(t.durationMs).toBe(533);
  });

  it('gives one frame 40 ms when nothing says how long it lasts', () => {
    expect(buildFrameTable([{ pts: 3, key: true }])!.durationMs).toBe(40);
  });

  it('returns null when any time is missing, so the caller decodes to learn them', () => {
    expect(buildFrameTable([{ pts: null, key: true }])).toBeNull();
    expect(buildFrameTable([])).toBeNull();
  });
});
