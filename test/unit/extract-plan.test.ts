import { describe, expect, it } from 'vitest';
import { framePlacement } from '../../src/core/geometry.js';
import fc from 'fast-check';
import {
  balancedExecFrames,
  execArgs,
  filterChain,
  matchWantedTime,
  TS_WRAP_SEC,
  MAX_BYTES_PER_EXEC,
  MAX_FRAMES_PER_EXEC,
  maxExecFrames,
  MIN_BALANCED_FRAMES,
  planExecs,
  SEEK_GAP_MS,
  type ExtractContext,
} from '../../src/engine/ffmpeg/extract-plan.js';

const ctx: ExtractContext = {
  inputPath: '/input/a.mp4',
  outputPath: '/frames.rgba',
  streamIndex: 0,
  startSec: 1.4,
  formatStartSec: 1.4,
  placement: framePlacement('stretch', { width: 160, height: 90 }, { width: 160, height: 90 }),
  headersSuffice: false,
  keyOnly: false,
};

describe('planExecs', () => {
  it('keeps captures with no key frame between them in one exec (sequential decoding is cheapest)', () => {
    expect(planExecs([0, 500, 1000, 1500], [0], false)).toEqual([{ times: [0, 500, 1000, 1500], seekMs: 0 }]);
  });

  it('starts a new exec when a key frame lets the decoder skip more than SEEK_GAP_MS', () => {
    const keys = [0, 2000, 4000, 6000, 8000, 10000];
    const chunks = planExecs([0, 10000], keys, false);
    expect(chunks).toEqual([
      { times: [0], seekMs: 0 },
      { times: [10000], seekMs: 10000 },
    ]);
    // A key frame close after the previous capture does not pay for a new exec.
    expect(planExecs([0, SEEK_GAP_MS - 10], [0, SEEK_GAP_MS - 20], false)).toHaveLength(1);
  });

  it('never puts more than MAX_FRAMES_PER_EXEC frames in one exec', () => {
    const times = Array.from({ length: MAX_FRAMES_PER_EXEC * 2 + 1 }, (_, i) => i * 40);
    const chunks = planExecs(times, [0], false);
    expect(chunks.map((c) => c.times.length)).toEqual([MAX_FRAMES_PER_EXEC, MAX_FRAMES_PER_EXEC, 1]);
    expect(chunks.flatMap((c) => c.times)).toEqual(times);
  });

  it('splits key-only extraction by count only', () => {
    expect(planExecs([0, 10000, 20000], [0, 10000, 20000], true)).toHaveLength(1);
  });

  it('cuts for several decoders only where a key frame lies between captures, so nothing is decoded twice', () => {
    // Captures every 1 s; key frames every 4 s: the cuts after softMax frames wait for the next key frame.
    const times = Array.from({ length: 20 }, (_, i) => i * 1000);
    const keys = [0, 4000, 8000, 12000, 16000];
    const chunks = planExecs(times, keys, false, 3);
    expect(chunks.map((c) => c.times)).toEqual(
      [0, 4, 8, 12, 16].map((k) => [k, k + 1, k + 2, k + 3].map((s) => s * 1000)),
    );
    expect(chunks.map((c) => c.seekMs)).toEqual(keys);
    // One key frame only: no free cut exists, so a single exec (up to the hard limit) does it all.
    expect(planExecs(times, [0], false, 3)).toHaveLength(1);
  });

  it('property: cutting for balance keeps every capture once, in order, each exec starting at its key frame', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 60000 }), { maxLength: 150 }).map((a) => a.sort((x, y) => x - y)),
        fc
          .uniqueArray(fc.integer({ min: 1, max: 60000 }), { maxLength: 40 })
          .map((a) => [0, ...a.sort((x, y) => x - y)]),
        fc.boolean(),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: MAX_FRAMES_PER_EXEC }),
        (times, keys, keyOnly, softMax, hardMax) => {
          const chunks = planExecs(times, keys, keyOnly, Math.min(softMax, hardMax), hardMax);
          expect(chunks.flatMap((c) => c.times)).toEqual(times);
          for (const c of chunks) {
            expect(c.times.length).toBeLessThanOrEqual(hardMax);
            expect(c.seekMs).toBe(keys.filter((k) => k <= c.times[0]!).pop());
          }
        },
      ),
    );
  });
});

describe('maxExecFrames', () => {
  it("keeps one exec's raw output under the byte limit, with at least one frame and at most the count limit", () => {
    expect(maxExecFrames(256 * 144 * 4)).toBe(MAX_FRAMES_PER_EXEC);
    const cell1080 = 1920 * 1080 * 4;
    expect(maxExecFrames(cell1080)).toBe(Math.floor(MAX_BYTES_PER_EXEC / cell1080));
    expect(maxExecFrames(cell1080) * cell1080).toBeLessThanOrEqual(MAX_BYTES_PER_EXEC);
    expect(maxExecFrames(16384 * 16384 * 4)).toBe(1);
  });
});

describe('balancedExecFrames', () => {
  it('leaves a single decoder uncut and shares the frames among several, within the limits', () => {
    expect(balancedExecFrames(120, 1)).toBe(MAX_FRAMES_PER_EXEC);
    expect(balancedExecFrames(120, 2)).toBe(30);
    expect(balancedExecFrames(20, 4)).toBe(MIN_BALANCED_FRAMES);
    expect(balancedExecFrames(10000, 2)).toBe(MAX_FRAMES_PER_EXEC);
  });
});

describe('filterChain and execArgs', () => {
  it('starts each exec at the key frame before its first capture, and never mid-GOP', () => {
    expect(planExecs([3000, 9500], [0, 2000, 4000, 6000, 8000], false)).toEqual([
      { times: [3000], seekMs: 2000 },
      { times: [9500], seekMs: 8000 },
    ]);
    // A stream whose only key frame is the first decodes from the start, however late the capture.
    expect(planExecs([4166], [0], false)).toEqual([{ times: [4166], seekMs: 0 }]);
    expect(execArgs({ times: [4166], seekMs: 0 }, ctx)).not.toContain('-ss');
  });

  it('selects exact absolute pts before scaling, and seeks relative to the container start', () => {
    const args = execArgs({ times: [1000, 2000], seekMs: 1000 }, ctx);
    const vf = args[args.indexOf('-vf') + 1]!;
    expect(vf.startsWith("select='lt(abs(t-2.400000)\\,0.0005)+lt(abs(t-3.400000)\\,0.0005)'")).toBe(true);
    expect(vf).toContain('scale=160:90:flags=area');
    expect(vf.endsWith('showinfo')).toBe(true);
    expect(args[args.indexOf('-ss') + 1]).toBe('1.001000'); // just past the key frame at 1 s
    expect(args[args.indexOf('-frames:v') + 1]).toBe('2');
    expect(args).toContain('-copyts');
    expect(args).toContain('-noautorotate');
  });

  it("skips ffmpeg's stream analysis, on the input, only where the container's headers suffice (AVI)", () => {
    const args = execArgs({ times: [1000], seekMs: 1000 }, { ...ctx, headersSuffice: true });
    const input = args.indexOf('-i');
    expect(args.slice(0, input).join(' ')).toContain('-probesize 32 -analyzeduration 0');
    expect(execArgs({ times: [1000], seekMs: 1000 }, ctx)).not.toContain('-probesize');
  });

  it('drops the seek for the first frame and when asked to read from the start', () => {
    expect(execArgs({ times: [0], seekMs: 0 }, ctx)).not.toContain('-ss');
    expect(execArgs({ times: [5000], seekMs: 4000 }, ctx, true)).not.toContain('-ss');
  });

  it('decodes key frames only in key mode', () => {
    const args = execArgs({ times: [0], seekMs: 0 }, { ...ctx, keyOnly: true });
    expect(args.slice(args.indexOf('-skip_frame'), args.indexOf('-skip_frame') + 2)).toEqual(['-skip_frame', 'nokey']);
    expect(args.indexOf('-skip_frame')).toBeLessThan(args.indexOf('-i'));
  });

  it('scales a sideways frame to the transposed size, then turns it the way the display matrix says', () => {
    // A 1920 × 1080 picture shown turned (1080 × 1920), in a 90 × 160 cell: the core's one placement says it all.
    const turned = (rotation: 90 | 270) =>
      framePlacement('stretch', { width: 1080, height: 1920 }, { width: 90, height: 160 }, rotation);
    expect(filterChain([0], { ...ctx, placement: turned(90) })).toContain('scale=160:90:flags=area,transpose=clock');
    expect(filterChain([0], { ...ctx, placement: turned(270) })).toContain('scale=160:90:flags=area,transpose=cclock');
    const upsideDown = framePlacement('stretch', { width: 160, height: 90 }, { width: 160, height: 90 }, 180);
    expect(filterChain([0], { ...ctx, placement: upsideDown })).toContain('scale=160:90:flags=area,hflip,vflip');
  });

  it('crops only when the placement keeps part of the scaled frame', () => {
    expect(filterChain([0], ctx)).not.toContain('crop=');
    const placement = framePlacement('crop', { width: 160, height: 90 }, { width: 100, height: 90 });
    expect(placement.crop).toEqual({ x: 30, y: 0, width: 100, height: 90 });
    expect(filterChain([0], { ...ctx, placement })).toContain('crop=100:90:30:0');
  });
});

describe('matchWantedTime', () => {
  it('maps a delivered frame to the wanted time within the select window, and nothing else', () => {
    const times = [0, 41.667, 83.333];
    expect(matchWantedTime({ times }, 1.4, 1.4 + 0.041667)).toBe(41.667);
    expect(matchWantedTime({ times }, 1.4, 1.4 + 0.0833334)).toBe(83.333);
    expect(matchWantedTime({ times }, 1.4, 1.4 + 0.0625)).toBeNull();
    // Seeked by time, a frame a 33-bit wrap away is another frame; from a byte position, the same one.
    expect(matchWantedTime({ times }, 1.4, 1.4 + 0.041667 - TS_WRAP_SEC)).toBeNull();
    expect(matchWantedTime({ times, startByte: 376 }, 1.4, 1.4 + 0.041667 - TS_WRAP_SEC)).toBe(41.667);
    expect(matchWantedTime({ times, startByte: 376 }, 95_440, 95_440 + 0.041667 - TS_WRAP_SEC)).toBe(41.667);
  });

  it('starts an exec at a byte position instead of seeking, selecting the frames as either dating gives them', () => {
    const args = execArgs({ times: [1000], seekMs: 1000, startByte: 188 * 1000 }, ctx);
    expect(args.slice(args.indexOf('-skip_initial_bytes'), args.indexOf('-skip_initial_bytes') + 2)).toEqual([
      '-skip_initial_bytes',
      '188000',
    ]);
    expect(args).not.toContain('-ss');
    const vf = args[args.indexOf('-vf') + 1]!;
    expect(vf.match(/lt\(abs/g)).toHaveLength(3);
    expect(execArgs({ times: [1000], seekMs: 1000, startByte: 188 }, ctx, true)).not.toContain('-skip_initial_bytes');
  });
});
