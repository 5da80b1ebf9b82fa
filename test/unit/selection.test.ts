import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveOptions, type SpriteOptions } from '../../src/core/options.js';
import {
  avgTargets,
  lostTargets,
  FramePicker,
  interTargets,
  selectAvg,
  selectFrames,
  selectInter,
  selectKey,
  type Capture,
} from '../../src/core/selection.js';
import { buildFrameTable, type FrameInfo, type FrameTable } from '../../src/core/frame-table.js';
import type { SelectionFacts } from '../../src/core/selection.js';

const opts = (o: Partial<SpriteOptions> = {}) => resolveOptions({ f: 'jpg', ...o });
const times = (c: Capture[]) => c.map((x) => x.time);

/** Constant rate: n frames every `step` ms, a key frame every `gop` frames. */
function cfr(n: number, step: number, gop = 25): FrameInfo[] {
  return Array.from({ length: n }, (_, i) => ({ time: i * step, key: i % gop === 0 }));
}
/** A frame table of `frames` (in time order) with the given facts. */
function table(frames: FrameInfo[], facts: SelectionFacts): FrameTable {
  return {
    startSec: 0,
    times: Float64Array.from(frames, (f) => f.time),
    keys: Uint8Array.from(frames, (f) => (f.key ? 1 : 0)),
    ...facts,
  };
}
const fps25 = cfr(125, 40); // 5 s at 25 fps, key every 1 s
const facts25 = { durationMs: 5000, frameIntervalMs: 40 };

describe('inter (SPEC §3.1)', () => {
  it('captures the frame at ss, ss+inter, … while before the end', () => {
    const c = selectInter(table(fps25, facts25), opts({ inter: 1000 }));
    expect(times(c)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(c.map((x) => x.target)).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('takes the frame on screen (the last one at or before the target) between frames', () => {
    expect(times(selectInter(table(fps25, facts25), opts({ inter: 1010 })))).toEqual([0, 1000, 2000, 3000, 4040]);
  });

  it('starts at ss; when the frame on screen at ss began before ss, takes the first frame at or after ss', () => {
    expect(times(selectInter(table(fps25, facts25), opts({ ss: 1000, inter: 1500 })))).toEqual([1000, 2480, 4000]);
    // ss = 1010: the frame at 1000 is on screen but starts before ss → 1040.
    expect(times(selectInter(table(fps25, facts25), opts({ ss: 1010, inter: 1000 })))).toEqual([
      1040, 2000, 3000, 4000,
    ]);
  });

  it('captures every frame from ss when inter is 0 or below the frame interval', () => {
    expect(interTargets(opts({ inter: 0 }), facts25)).toBe('every');
    expect(interTargets(opts({ inter: 39 }), facts25)).toBe('every');
    expect(interTargets(opts({ inter: 40 }), facts25)).not.toBe('every');
    expect(times(selectInter(table(fps25, facts25), opts({ ss: 4800, inter: 10 })))).toEqual([
      4800, 4840, 4880, 4920, 4960,
    ]);
  });

  it('stops after num captures', () => {
    expect(times(selectInter(table(fps25, facts25), opts({ inter: 500, num: 3 })))).toEqual([0, 480, 1000]); // 500 falls between 480 and 520
    expect(selectInter(table(fps25, facts25), opts({ num: 7 }))).toHaveLength(7);
  });

  it('gives the same result for frames in decode order (B-frames) as in presentation order', () => {
    // I P B B pattern: decode order 0, 120, 40, 80, 240, 160, 200, …
    const decodeOrder: FrameInfo[] = [];
    for (let g = 0; g < fps25.length; g += 3) {
      const group = fps25.slice(g, g + 3);
      if (group.length === 3) decodeOrder.push(group[0]!, group[2]!, group[1]!);
      else decodeOrder.push(...group);
    }
    expect(decodeOrder.map((f) => f.time)).not.toEqual(fps25.map((f) => f.time));
    // The frame table puts them in time order, whatever order the demuxer lists them in.
    const rows = (frames: FrameInfo[]) => frames.map((f) => ({ pts: f.time / 1000, key: f.key }));
    const fromDecodeOrder = buildFrameTable(rows(decodeOrder))!;
    expect(Array.from(fromDecodeOrder.times)).toEqual(fps25.map((f) => f.time));
    for (const o of [opts({ inter: 330 }), opts({ m: 'avg', num: 9 }), opts({ m: 'key' })]) {
      expect(selectFrames(fromDecodeOrder, o)).toEqual(selectFrames(buildFrameTable(rows(fps25))!, o));
      expect(selectFrames(fromDecodeOrder, o)).toEqual(selectFrames(table(fps25, facts25), o));
    }
  });

  it('works on a stream whose first frame is at a non-zero time once times count from it', () => {
    const absolute = fps25.map((f) => ({ ...f, time: f.time + 1400 }));
    const relative = absolute.map((f) => ({ ...f, time: f.time - absolute[0]!.time }));
    expect(times(selectInter(table(relative, facts25), opts({ inter: 1000 })))).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('captures a frame once when a VFR gap covers several targets', () => {
    // 0, 100, 200, then a 2.3 s gap to 2500, then 2600…
    const vfr: FrameInfo[] = [0, 100, 200, 2500, 2600, 2700].map((time, i) => ({ time, key: i === 0 }));
    const c = selectInter(table(vfr, { durationMs: 2800, frameIntervalMs: 100 }), opts({ inter: 500 }));
    // Targets 0, 500, 1000, 1500, 2000 → 0, 200, 200 (again), 200, 200; 2500 → 2500.
    expect(times(c)).toEqual([0, 200, 2500]);
    expect(c.map((x) => x.target)).toEqual([0, 500, 2500]);
  });

  it('rejects ss at or past the end', () => {
    expect(() => selectInter(table(fps25, facts25), opts({ ss: 5000 }))).toThrow(
      expect.objectContaining({ code: 'START_PAST_END', param: 'ss' }),
    );
    expect(() => selectInter(table(fps25, facts25), opts({ ss: 4999 }))).not.toThrow();
  });
});

describe('key (SPEC §3.2)', () => {
  it('takes every key frame at or after ss, up to num', () => {
    expect(times(selectKey(table(fps25, facts25), opts({ m: 'key' })))).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(times(selectKey(table(fps25, facts25), opts({ m: 'key', ss: 1000 })))).toEqual([1000, 2000, 3000, 4000]);
    expect(times(selectKey(table(fps25, facts25), opts({ m: 'key', ss: 1001, num: 2 })))).toEqual([2000, 3000]);
  });

  it('ignores inter and rejects ss past the end', () => {
    expect(selectKey(table(fps25, facts25), opts({ m: 'key', inter: 2000 }))).toHaveLength(5);
    expect(() => selectKey(table(fps25, facts25), opts({ m: 'key', ss: 6000 }))).toThrow(
      expect.objectContaining({ code: 'START_PAST_END' }),
    );
  });
});

describe('avg (SPEC §3.3)', () => {
  it('spreads num targets over [ss, end) without rounding them', () => {
    expect(avgTargets({ ss: 0, num: 4 }, facts25)).toEqual([0, 1250, 2500, 3750]);
    expect(avgTargets({ ss: 1000, num: 3 }, facts25)).toEqual([1000, 1000 + 4000 / 3, 1000 + 8000 / 3]);
  });

  it('captures the frame on screen at each target', () => {
    // 1000 + 1333.33 = 2333.33 → frame 2320; 3666.67 → 3640.
    expect(times(selectAvg(table(fps25, facts25), opts({ m: 'avg', num: 3, ss: 1000 })))).toEqual([1000, 2320, 3640]);
  });

  it('defaults to one full sheet (tw·th)', () => {
    expect(
      selectAvg(table(cfr(1000, 10), { durationMs: 10000, frameIntervalMs: 10 }), opts({ m: 'avg', tw: 3, th: 2 })),
    ).toHaveLength(6);
  });

  it('captures fewer frames than num when the video has fewer, never a frame twice', () => {
    const few = cfr(4, 250);
    const c = selectAvg(table(few, { durationMs: 1000, frameIntervalMs: 250 }), opts({ m: 'avg', num: 10 }));
    expect(times(c)).toEqual([0, 250, 500, 750]);
  });
});

describe('dhash candidates and dispatch', () => {
  it('gives dhash candidates taken as in inter mode over the whole video: num limits the frames kept, not the candidates', () => {
    const o = { inter: 1000, ss: 200 };
    const all = selectInter(table(fps25, facts25), opts({ m: 'inter', ...o }));
    expect(all.length).toBeGreaterThan(3);
    expect(selectFrames(table(fps25, facts25), opts({ m: 'dhash', ...o }))).toEqual(all);
    expect(selectFrames(table(fps25, facts25), opts({ m: 'dhash', ...o, num: 3 }))).toEqual(all);
  });
});

describe('partial tables', () => {
  it('serves key mode, and no mode that needs every frame', () => {
    const keys = {
      ...table(
        fps25.filter((f) => f.key),
        facts25,
      ),
      partial: 'keys' as const,
    };
    expect(times(selectFrames(keys, opts({ m: 'key', ss: 1000 })))).toEqual([1000, 2000, 3000, 4000]);
    for (const m of ['inter', 'avg', 'dhash'] as const)
      expect(() => selectFrames(keys, opts({ m }))).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('a table of the frames at the targets serves the modes with targets, and not key mode', () => {
    const near = { ...table(fps25, facts25), partial: 'targets' as const };
    expect(times(selectFrames(near, opts({ inter: 1000 })))).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(() => selectFrames(near, opts({ m: 'key' }))).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

describe('the frames at the targets hold every answer (what WebCodecs looks up instead of a table of every frame)', () => {
  it('picks the same frames from them as from the table of every frame (property)', () => {
    const input = fc.record({
      gaps: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 80 }),
      ss: fc.integer({ min: 0, max: 3000 }),
      inter: fc.integer({ min: 1, max: 2000 }),
      num: fc.integer({ min: 0, max: 12 }),
      m: fc.constantFrom('inter' as const, 'avg' as const, 'dhash' as const),
    });
    fc.assert(
      fc.property(input, ({ gaps, ss, inter, num, m }) => {
        let t = 0;
        const frames: FrameInfo[] = [
          { time: 0, key: true },
          ...gaps.map((g, i) => ({ time: (t += g), key: i % 7 === 6 })),
        ];
        const facts = { durationMs: t + 40, frameIntervalMs: t / gaps.length };
        fc.pre(ss < facts.durationMs);
        const o = opts({ m, ss, inter: m === 'avg' ? 0 : inter, num: m === 'avg' ? Math.max(num, 1) : num });
        const targets = m === 'avg' ? avgTargets(o, facts) : interTargets(o, facts);
        fc.pre(targets !== 'every');
        // The frame on screen at each target, and the next one after the frame on screen at the first target.
        const at = (x: number) => frames.filter((f) => f.time <= x).at(-1)!;
        const picked = new Set(targets.map(at));
        const first = at(targets[0]!);
        if (first.time < targets[0]!) {
          const next = frames.find((f) => f.time > first.time);
          if (next) picked.add(next);
        }
        const near = {
          ...table(
            [...picked].sort((a, b) => a.time - b.time),
            facts,
          ),
          partial: 'targets' as const,
        };
        expect(selectFrames(near, o)).toEqual(selectFrames(table(frames, facts), o));
      }),
    );
  });
});

describe('FramePicker (streaming)', () => {
  it('settles a target once a later frame arrives, and says when it is done', () => {
    const p = new FramePicker([100, 200], { ss: 0, limit: 0 });
    expect(p.push({ time: 0, key: true })).toEqual([]);
    expect(p.push({ time: 90, key: false })).toEqual([]);
    expect(p.push({ time: 150, key: false })).toEqual([{ target: 100, time: 90, key: false }]);
    expect(p.done).toBe(false);
    expect(p.end()).toEqual([{ target: 200, time: 150, key: false }]);
    expect(p.done).toBe(true);
  });

  it('is done after limit captures, so the decoder can stop', () => {
    const p = new FramePicker('every', { ss: 50, limit: 2 });
    expect(p.push({ time: 0, key: true })).toEqual([]);
    expect(p.push({ time: 50, key: false })).toHaveLength(1);
    expect(p.push({ time: 60, key: false })).toHaveLength(1);
    expect(p.done).toBe(true);
    expect(p.push({ time: 70, key: false })).toEqual([]);
  });

  it('matches an independent reference for random frame lists and targets', () => {
    const input = fc.record({
      gaps: fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 60 }),
      targets: fc.uniqueArray(fc.integer({ min: 0, max: 20000 }), { maxLength: 30 }),
      ss: fc.integer({ min: 0, max: 5000 }),
      limit: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(
      fc.property(input, ({ gaps, targets, ss, limit }) => {
        let t = 0;
        const frames: FrameInfo[] = [{ time: 0, key: true }, ...gaps.map((g) => ({ time: (t += g), key: false }))];
        const sorted = [...targets].sort((a, b) => a - b).filter((x) => x >= ss);
        // Reference: for each target, the last frame ≤ target (or, when that is before ss, the first ≥ ss).
        const expected: number[] = [];
        for (const target of sorted) {
          const onScreen = [...frames].reverse().find((f) => f.time <= target);
          const frame = onScreen && onScreen.time >= ss ? onScreen : frames.find((f) => f.time >= ss);
          if (frame && !expected.includes(frame.time) && (limit === 0 || expected.length < limit))
            expected.push(frame.time);
        }
        const picker = new FramePicker(sorted, { ss, limit });
        const got: Capture[] = [];
        for (const f of frames) got.push(...picker.push(f));
        got.push(...picker.end());
        expect(times(got)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('lostTargets (truncated files)', () => {
  const facts = { durationMs: 5000, frameIntervalMs: 40 }; // the file ends at 5 s, its header says 8 s
  it('counts the inter targets between the real end and the claimed end', () => {
    expect(lostTargets(opts({ inter: 1000 }), facts, 8000, 5)).toBe(3); // 5000, 6000, 7000
    expect(lostTargets(opts({ inter: 1500, ss: 500 }), facts, 8000, 3)).toBe(2); // 500+3·1500 = 5000, 6500
    expect(lostTargets(opts({ inter: 0 }), facts, 5400, 125)).toBe(10); // every frame: 5000…5360
  });
  it('respects num, and counts nothing for avg and key', () => {
    expect(lostTargets(opts({ inter: 1000, num: 6 }), facts, 8000, 5)).toBe(1);
    expect(lostTargets(opts({ inter: 1000, num: 5 }), facts, 8000, 5)).toBe(0);
    expect(lostTargets(opts({ m: 'avg' }), facts, 8000, 36)).toBe(0);
    expect(lostTargets(opts({ m: 'key' }), facts, 8000, 5)).toBe(0);
  });
});
