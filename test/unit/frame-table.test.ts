import { describe, expect, it } from 'vitest';
import { framesOf } from './support.js';
import { buildFrameTable, frameIndexAt, indexFrames, keyFrameTable } from '../../src/core/frame-table.js';

describe('buildFrameTable', () => {
  it('sorts decode-order (B-frame) times, counts from the first frame and ends after the last frame', () => {
    const rows = [0.083333, 0.166667, 0.125, 0.25, 0.208333].map((pts, i) => ({ pts, key: i === 0 }));
    const t = buildFrameTable(rows)!;
    expect(t.startSec).toBe(0.083333);
    expect(framesOf(t).map((f) => f.time)).toEqual([0, 41.667, 83.334, 125, 166.667]);
    expect(framesOf(t)[0]!.key).toBe(true);
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
    expect(framesOf(t)).toHaveLength(2);
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

  it('keeps one frame of a time listed twice, the first listed', () => {
    const indexed = indexFrames(
      4,
      (i) => [0, 0.04, 0.04, 0.08][i]!,
      (i) => i !== 2,
    )!;
    expect(Array.from(indexed.table.times)).toEqual([0, 40, 80]);
    expect(Array.from(indexed.table.keys)).toEqual([1, 1, 1]);
    expect(Array.from(indexed.source)).toEqual([0, 1, 3]);
  });
});

describe('keyFrameTable', () => {
  it('gives the start, length and interval of the table of every frame from the key frames, the count and the last', () => {
    // VFR: 0, 0.1, 0.2 then 0.45, 0.5…; a key frame every 4 frames.
    const pts = [0.3, 0, 0.1, 0.2, 0.45, 0.5, 0.55, 0.6, 0.7, 0.75];
    const full = buildFrameTable(pts.map((p, i) => ({ pts: p, key: i % 4 === 1 })))!;
    const keySecs = pts.filter((_, i) => i % 4 === 1).sort((a, b) => a - b);
    const keys = keyFrameTable(keySecs, full.times.length, 0.75);
    expect([keys.startSec, keys.durationMs, keys.frameIntervalMs]).toEqual([
      full.startSec,
      full.durationMs,
      full.frameIntervalMs,
    ]);
    expect(Array.from(keys.times)).toEqual(Array.from(full.times).filter((_, i) => full.keys[i] === 1));
    expect(keys.partial).toBe('keys');
  });
});

describe('frameIndexAt', () => {
  it('finds a frame by its time within the frame-time tolerance, and nothing between frames', () => {
    const table = buildFrameTable([0, 0.04, 0.08].map((pts) => ({ pts, key: pts === 0 })))!;
    expect([0, 40, 40.4, 79.6, 80].map((t) => frameIndexAt(table, t))).toEqual([0, 1, 1, 2, 2]);
    expect([20, 41, -1, 81].map((t) => frameIndexAt(table, t))).toEqual([-1, -1, -1, -1]);
  });
});
