// The WebCodecs engine's pure parts: which packets to feed, which are non-reference, and the SAR behind a rounded
// display size.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseSar, recoverSar, simplestRatio } from '../../src/engine/webcodecs/aspect.js';
import { findSps, spsFacts } from '../../src/engine/webcodecs/h264-sps.js';
import { keyBeforeIn, planRuns } from '../../src/engine/webcodecs/decode-plan.js';
import { hevcTopTemporalId, isIdr, isNonReference, nalFraming, nalUnits } from '../../src/engine/webcodecs/nal.js';

describe('planRuns', () => {
  // Decode order: key every 5 packets.
  const key = Array.from({ length: 20 }, (_, i) => i % 5 === 0);

  it('feeds from the key before each wanted packet, merging stretches that meet, nothing twice', () => {
    expect(planRuns(keyBeforeIn(key), [2, 3, 12])).toEqual([
      { from: 0, to: 3 },
      { from: 10, to: 12 },
    ]);
    expect(planRuns(keyBeforeIn(key), [4, 5])).toEqual([{ from: 0, to: 5 }]);
    expect(planRuns(keyBeforeIn(key), [10, 0])).toEqual([
      { from: 0, to: 0 },
      { from: 10, to: 10 },
    ]);
  });

  it('covers every wanted packet with its own GOP, in order, without overlap (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), fc.array(fc.nat(59)), (flags, picks) => {
        flags[0] = true;
        const wanted = picks.filter((i) => i < flags.length);
        const runs = planRuns(keyBeforeIn(flags), wanted);
        for (let r = 0; r < runs.length; r++) {
          expect(flags[runs[r]!.from]).toBe(true);
          if (r > 0) expect(runs[r]!.from).toBeGreaterThan(runs[r - 1]!.to + 1);
        }
        for (const w of wanted) {
          let k = w;
          while (!flags[k]) k--;
          expect(runs.some((run) => run.from <= k && w <= run.to)).toBe(true);
        }
      }),
    );
  });
});

/** An access unit of length-prefixed (4-byte) NAL units with the given header bytes. */
function au(...headers: number[][]): Uint8Array {
  const out: number[] = [];
  for (const h of headers) out.push(0, 0, 0, h.length + 1, ...h, 0x88);
  return Uint8Array.from(out);
}

describe('isIdr', () => {
  const four = { lengthSize: 4 } as const;
  const hevc = (type: number) => [type << 1, 1];

  it('H.264: only IDR slices (type 5), never a non-IDR I picture', () => {
    expect(isIdr('avc', au([0x09], [0x67], [0x68], [0x65]), four)).toBe(true); // AUD, SPS, PPS, IDR
    expect(isIdr('avc', au([0x41]), four)).toBe(false); // a non-IDR slice, whatever its type
    expect(isIdr('avc', au([0x65], [0x41]), four)).toBe(false); // a picture not all IDR
    expect(isIdr('avc', au([0x06]), four)).toBe(false); // no picture
  });

  it('HEVC: IDR_W_RADL and IDR_N_LP; a CRA (its leading pictures may refer to the GOP before) is not', () => {
    expect(isIdr('hevc', au(hevc(35), hevc(19)), four)).toBe(true);
    expect(isIdr('hevc', au(hevc(20)), four)).toBe(true);
    expect(isIdr('hevc', au(hevc(21)), four)).toBe(false); // CRA
    expect(isIdr('hevc', au(hevc(1)), four)).toBe(false);
  });
});

describe('isNonReference', () => {
  const four = { lengthSize: 4 } as const;

  it('H.264: slices with nal_ref_idc 0 are disposable; a reference slice, an IDR or no slice at all is not', () => {
    expect(isNonReference('avc', au([0x09], [0x01]), four)).toBe(true); // AUD + non-ref slice
    expect(isNonReference('avc', au([0x21]), four)).toBe(false); // ref_idc 1
    expect(isNonReference('avc', au([0x65]), four)).toBe(false); // IDR
    expect(isNonReference('avc', au([0x06], [0x09]), four)).toBe(false); // SEI + AUD only
    expect(isNonReference('avc', au([0x01], [0x41]), four)).toBe(false); // one slice of the picture is a reference
  });

  it('HEVC: TRAIL_N and friends of the top temporal layer only', () => {
    const nal = (type: number, tid = 0) => [type << 1, tid + 1];
    expect(isNonReference('hevc', au(nal(35), nal(0)), four)).toBe(true); // AUD + TRAIL_N
    expect(isNonReference('hevc', au(nal(1)), four)).toBe(false); // TRAIL_R
    expect(isNonReference('hevc', au(nal(8)), four)).toBe(true); // RASL_N
    expect(isNonReference('hevc', au(nal(0, 0)), four, 1)).toBe(false); // a lower layer may be referred to
    expect(isNonReference('hevc', au(nal(0, 1)), four, 1)).toBe(true);
    expect(isNonReference('hevc', au(nal(19)), four)).toBe(false); // IDR
  });

  it('reads Annex-B start codes (MPEG-TS) as well as length prefixes', () => {
    const annexB = Uint8Array.from([0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x01, 0x9a, 0x00, 0x00, 0, 0, 1, 0x06, 0x05]);
    expect([...nalUnits(annexB, { annexB: true })].map((u) => annexB[u.offset])).toEqual([0x09, 0x01, 0x06]);
    expect(isNonReference('avc', annexB, { annexB: true })).toBe(true);
  });

  it('takes the length size from avcC and hvcC, and the temporal layers from hvcC', () => {
    expect(nalFraming('avc', Uint8Array.from([1, 0x64, 0, 0x1f, 0xfd]))).toEqual({ lengthSize: 2 });
    expect(nalFraming('avc', undefined)).toEqual({ annexB: true });
    const hvcc = new Uint8Array(23);
    hvcc[21] = (2 << 3) | 3;
    expect(nalFraming('hevc', hvcc)).toEqual({ lengthSize: 4 });
    expect(hevcTopTemporalId(hvcc)).toBe(1);
  });

  it('never reads past the data, whatever the bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(1, 2, 4), (bytes, n) => {
        for (const u of nalUnits(bytes, { lengthSize: n }))
          expect(u.offset + u.length).toBeLessThanOrEqual(bytes.length);
        for (const u of nalUnits(bytes, { annexB: true }))
          expect(u.offset + u.length).toBeLessThanOrEqual(bytes.length);
      }),
    );
  });
});

describe('recoverSar', () => {
  it("finds the SAR the container wrote behind mediabunny's rounded sizes", () => {
    expect(recoverSar(160, 120, { num: 213, den: 160 })).toEqual([4, 3]); // 4:3 → 213 px wide
    expect(recoverSar(160, 120, { num: 120, den: 132 })).toEqual([10, 11]); // 10:11 → 132 px tall
    expect(recoverSar(640, 360, { num: 2, den: 1 })).toEqual([2, 1]);
    expect(recoverSar(320, 240, { num: 1, den: 1 })).toEqual([1, 1]);
  });

  it('always gives a SAR that stretches to the same display size (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 4096 }),
        fc.integer({ min: 16, max: 4096 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        (w, h, n, d) => {
          // What mediabunny reports for a SAR of n:d on a w × h picture.
          const wide = n >= d;
          const square = wide ? { num: Math.round((w * n) / d), den: w } : { num: h, den: Math.round((h * d) / n) };
          const [sn, sd] = recoverSar(w, h, square);
          if (wide) expect(Math.round((w * sn) / sd)).toBe(Math.round((w * n) / d));
          else expect(Math.round((h * sd) / sn)).toBe(Math.round((h * d) / n));
        },
      ),
    );
  });

  it('simplestRatio picks the smallest denominator that rounds to the size, edges included exactly', () => {
    expect(simplestRatio(160, 213)).toEqual([4, 3]);
    expect(simplestRatio(640, 1280)).toEqual([2, 1]);
    expect(simplestRatio(312, 331)).toEqual([35, 33]); // 17/16 gives 331.5, which rounds to 332
  });
});

describe('spsFacts and chooseSar', () => {
  const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));
  // avcC records and an in-band access unit read from fixtures with mediabunny (2026-11-26).
  const avcC = {
    sar21: hex('0164001effe1001a6764001eacd940a02ff971010000030001000003003c0f162d9601000668ebe3cb22c0fdf8f800'),
    bbb: hex('01640014ffe1001667640014ac2b40a0cfcf0800001f400007530078e11501000468ee3cb0fdf8f800'),
  };
  const water = hex(
    '000000010910000000012764001eac2cac0a02dbff002c002d1000003e90000ea60eae00b040161ef7be0a0000000128eac18332c0',
  );
  const ts110 = hex('0000000109f0000000016742c01ed90103febff006e006d1000003000100000300300f162e480000000168cb8cb2');
  // x264 with `-flags +ildct+ilme` (interlaced, MBAFF), 720 × 576, made with the CLI on 2026-12-06.
  const interlaced = hex('000000016764001eacd940b424d8088000000300800000190f8a14cb0000000168fbacb22c');
  const sar = (nal: Uint8Array) => spsFacts(nal)?.sar;

  it('reads the VUI aspect ratio of real SPSs, from avcC and from Annex-B access units', () => {
    expect(sar(findSps({ avcC: avcC.sar21 })!)).toEqual([2, 1]);
    expect(sar(findSps({ avcC: avcC.bbb })!)).toBeNull();
    expect(sar(findSps({ unit: water, framing: { annexB: true } })!)).toEqual([44, 45]);
    expect(sar(findSps({ unit: ts110, framing: { annexB: true } })!)).toEqual([110, 109]);
  });

  it('tells interlaced streams (frame_mbs_only_flag 0) from progressive ones', () => {
    expect(spsFacts(findSps({ unit: interlaced, framing: { annexB: true } })!)).toEqual({
      sar: [1, 1],
      interlaced: true,
    });
    for (const sps of [findSps({ avcC: avcC.sar21 }), findSps({ avcC: avcC.bbb })])
      expect(spsFacts(sps!)?.interlaced).toBe(false);
  });

  it('uses the codec SAR when the container says nothing or rounds to the same size, else recovers the container one', () => {
    expect(chooseSar(640, 352, { num: 44, den: 45 }, [44, 45])).toEqual([44, 45]);
    expect(chooseSar(256, 110, { num: 129, den: 128 }, [110, 109])).toEqual([110, 109]);
    expect(chooseSar(320, 180, { num: 1, den: 1 }, [4, 3])).toEqual([4, 3]);
    expect(chooseSar(160, 120, { num: 213, den: 160 }, [2, 1])).toEqual([4, 3]);
    expect(chooseSar(160, 120, { num: 213, den: 160 }, null)).toEqual([4, 3]);
  });

  it('gives up quietly on a cut or garbled SPS', () => {
    expect(spsFacts(avcC.sar21.subarray(8, 14))).toBeNull();
    expect(spsFacts(Uint8Array.from([0x67, 0xff, 0xff, 0xff]))).toBeNull();
  });
});
