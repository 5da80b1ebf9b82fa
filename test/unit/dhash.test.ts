import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DhashSelector, dhash64, hamming, type DhashKept } from '../../src/core/dhash.js';

/** A hash as 16 hex digits, so that expectations read like the bit pattern. */
const hashToHex = (h: bigint): string => BigInt.asUintN(64, h).toString(16).padStart(16, '0');

/** A grey image from a function of (x, y). */
function grey(w: number, h: number, f: (x: number, y: number) => number): Uint8Array {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = f(x, y);
  return data;
}

function toRgba(g: Uint8Array): Uint8Array {
  const out = new Uint8Array(g.length * 4);
  g.forEach((v, i) => out.set([v, v, v, 255], i * 4));
  return out;
}

describe('dhash64', () => {
  it('is all zeros for a picture brighter to the right, all ones brighter to the left', () => {
    expect(
      dhash64(
        grey(90, 80, (x) => x * 2),
        90,
        80,
        1,
      ),
    ).toBe(0n);
    expect(
      dhash64(
        grey(90, 80, (x) => 255 - x * 2),
        90,
        80,
        1,
      ),
    ).toBe(0xffffffffffffffffn);
  });

  it('puts bit (r, c) at 63 − (8r + c)', () => {
    // 9×8 image, flat except pixel (r=0, c=0) bright → bit 63; pixel (r=7, c=7) bright vs (7, 8) → bit 0.
    const img = grey(9, 8, (x, y) => ((x === 0 && y === 0) || (x === 7 && y === 7) ? 200 : 100));
    // (7,6) is darker than (7,7): no bit; (7,7) brighter than (7,8): bit 0.
    expect(dhash64(img, 9, 8, 1)).toBe((1n << 63n) | 1n);
    expect(hashToHex(dhash64(img, 9, 8, 1))).toBe('8000000000000001');
  });

  it('gives the same hash for grey and RGBA versions of a picture', () => {
    const g = grey(64, 48, (x, y) => (x * 7 + y * 13) % 256);
    expect(dhash64(toRgba(g), 64, 48, 4)).toBe(dhash64(g, 64, 48, 1));
  });

  it('uses BT.601 luma weights for colour', () => {
    // Left half pure green (luma 149.7), right half pure red (76.2): left brighter → bits at the boundary column.
    const w = 18;
    const rgba = new Uint8Array(w * 8 * 4);
    for (let i = 0; i < w * 8; i++) rgba.set(i % w < 9 ? [0, 255, 0, 255] : [255, 0, 0, 255], i * 4);
    const h = dhash64(rgba, w, 8, 4);
    // Column 4 of the 9-wide grid covers x 8..10 (half green, half red) and is darker than column 3: bit set at c=3 in each row.
    let expected = 0n;
    for (let r = 0; r < 8; r++) expected |= 1n << BigInt(63 - (8 * r + 3));
    // Column 4 (mixed) is brighter than column 5 (red): bit at c=4.
    for (let r = 0; r < 8; r++) expected |= 1n << BigInt(63 - (8 * r + 4));
    expect(hashToHex(h)).toBe(hashToHex(expected));
  });

  it('area-averages: an image of 2 × 2 blocks hashes like its 9 × 8 original', () => {
    const small = grey(9, 8, (x, y) => (x * 31 + y * 17) % 251);
    const big = grey(18, 16, (x, y) => small[Math.floor(y / 2) * 9 + Math.floor(x / 2)]!);
    expect(dhash64(big, 18, 16, 1)).toBe(dhash64(small, 9, 8, 1));
  });

  it('works on images smaller than 9 × 8 and honours a row stride', () => {
    expect(
      dhash64(
        grey(4, 3, (x) => 250 - x * 60),
        4,
        3,
        1,
      ),
    ).not.toBe(0n);
    expect(
      dhash64(
        grey(1, 1, () => 9),
        1,
        1,
        1,
      ),
    ).toBe(0n);
    const padded = grey(12, 8, (x) => (x < 9 ? x * 20 : 0)); // 3 bytes of padding per row
    expect(dhash64(padded, 9, 8, 1, 12)).toBe(
      dhash64(
        grey(9, 8, (x) => x * 20),
        9,
        8,
        1,
      ),
    );
  });

  it('rejects an empty image or a buffer too short', () => {
    expect(() => dhash64(new Uint8Array(0), 0, 8, 1)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => dhash64(new Uint8Array(10), 9, 8, 1)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

describe('hamming', () => {
  it('counts differing bits across both 32-bit halves', () => {
    expect(hamming(0n, 0n)).toBe(0);
    expect(hamming(0n, 0xffffffffffffffffn)).toBe(64);
    expect(hamming(1n << 63n, 1n)).toBe(2);
    expect(hamming(0xf0f0n, 0x0ff0n)).toBe(8);
  });
});

describe('DhashSelector (SPEC §3.4)', () => {
  const cand = (id: number, hash: bigint) => ({ id, time: id * 100, hash });

  it('always keeps the first candidate with change 100', () => {
    const s = new DhashSelector({ thr: 100, num: 0 });
    expect(s.push(cand(0, 5n))).toEqual({ kept: true, change: 100 });
    expect(s.push(cand(1, ~5n)).kept).toBe(false); // change 100 is not > 100
  });

  it('keeps a candidate only when its change is strictly greater than thr, against the last selected', () => {
    const s = new DhashSelector({ thr: 25, num: 0 });
    s.push(cand(0, 0n));
    expect(s.push(cand(1, 0xffffn))).toMatchObject({ kept: false, change: 25 }); // 16 bits = 25 %: not > 25
    expect(s.push(cand(2, 0x1ffffn))).toMatchObject({ kept: true, change: (17 * 100) / 64 });
    // Now compared with candidate 2, not 0.
    expect(s.push(cand(3, 0x1ffffn))).toMatchObject({ kept: false, change: 0 });
    expect(s.result().map((k) => k.id)).toEqual([0, 2]);
  });

  it('with num, keeps the largest changes (ties to the earlier), reports evictions, returns time order', () => {
    const s = new DhashSelector({ thr: 0, num: 2 });
    s.push(cand(0, 0n)); // change 100
    expect(s.push(cand(1, 0xffn))).toMatchObject({ kept: true, change: 12.5 }); // 8 bits vs 0
    // 8 bits vs 0xff: 12.5 again, a tie with candidate 1: the earlier one stays.
    expect(s.push(cand(2, 0xffffn))).toEqual({ kept: false, change: 12.5 });
    // 32 bits vs 0xffff (the last selected, though not kept): 50 beats 12.5 and evicts candidate 1.
    expect(s.push(cand(3, 0xffffffff0000ffffn))).toMatchObject({ kept: true, change: 50, evicted: { id: 1 } });
    expect(s.result().map((k) => k.id)).toEqual([0, 3]);
    expect(s.result()).toHaveLength(2);
  });

  it('matches a naive reference for random candidates', () => {
    const input = fc.record({
      hashes: fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { maxLength: 60 }),
      thr: fc.integer({ min: 0, max: 60 }),
      num: fc.integer({ min: 0, max: 8 }),
    });
    fc.assert(
      fc.property(input, ({ hashes, thr, num }) => {
        const selected: DhashKept[] = [];
        let last: bigint | undefined;
        hashes.forEach((hash, id) => {
          const change = last === undefined ? 100 : (hamming(hash, last) * 100) / 64;
          if (last === undefined || change > thr) {
            selected.push({ id, time: id, hash, change });
            last = hash;
          }
        });
        const reference = (
          num > 0 ? [...selected].sort((a, b) => b.change - a.change || a.time - b.time).slice(0, num) : selected
        )
          .sort((a, b) => a.time - b.time)
          .map((k) => k.id);
        const s = new DhashSelector({ thr, num });
        const alive = new Set<number>();
        hashes.forEach((hash, id) => {
          const v = s.push({ id, time: id, hash });
          if (v.kept) alive.add(id);
          if (v.evicted) alive.delete(v.evicted.id);
          if (num > 0) expect(s.result().length).toBeLessThanOrEqual(num);
        });
        expect(s.result().map((k) => k.id)).toEqual(reference);
        // Evictions reported along the way leave exactly the result alive.
        expect([...alive].sort((a, b) => a - b)).toEqual(reference);
      }),
      { numRuns: 1000 },
    );
  });
});
