// The sample aspect ratio an H.264 stream carries in its sequence parameter set (VUI), exactly: ffmpeg uses it where
// the container says nothing (pure).
//
// Why our own parser: mediabunny (1.61) parses the same SPS but reports the ratio only through a square-pixel display
// size it has rounded (getPixelAspectRatio divides the rounded sizes), so 110:109 on 256 px comes back as 129:128 and
// the cells would differ from ffmpeg's by a pixel. Delete this file (and aspect.ts's recovery) once mediabunny gives
// the exact ratio ("same answers from both engines" in engines.spec.ts compares the SAR fixture with ffmpeg's).

import { nalUnits, type NalFraming } from './nal.js';

/** Table E-1 of H.264: aspect_ratio_idc 1–16. */
const SAR_TABLE: readonly [number, number][] = [
  [1, 1],
  [12, 11],
  [10, 11],
  [16, 11],
  [40, 33],
  [24, 11],
  [20, 11],
  [32, 11],
  [80, 33],
  [18, 11],
  [15, 11],
  [64, 33],
  [160, 99],
  [4, 3],
  [3, 2],
  [2, 1],
];
/** aspect_ratio_idc meaning "sar_width and sar_height follow". */
const EXTENDED_SAR = 255;
/** Profiles whose SPS carries chroma format, bit depths and scaling matrices. */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Reads bits, most significant first, from an RBSP (emulation prevention bytes removed). */
class Bits {
  private at = 0;
  constructor(private readonly data: Uint8Array) {}

  bit(): number {
    const byte = this.data[this.at >> 3];
    if (byte === undefined) throw new RangeError('SPS ends early');
    const bit = (byte >> (7 - (this.at & 7))) & 1;
    this.at++;
    return bit;
  }

  bits(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 2 + this.bit();
    return value;
  }

  /** Unsigned Exp-Golomb. */
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) if (++zeros > 31) throw new RangeError('bad Exp-Golomb code');
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  /** Signed Exp-Golomb. */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }
}

/** The RBSP of a NAL unit: without its header byte and with every 00 00 03 turned back into 00 00. */
function rbsp(nal: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (let i = 1; i < nal.length; i++) {
    const byte = nal[i]!;
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}

function skipScalingList(bits: Bits, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + bits.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** What an SPS says that placing frames needs. */
export interface SpsFacts {
  /** The sample aspect ratio, or null when it declares none. */
  sar: [number, number] | null;
  /** Pictures may be coded as fields or field pairs (`frame_mbs_only_flag` 0): the stream is interlaced. */
  interlaced: boolean;
}

/** The facts of an SPS NAL unit (header byte included), or null when it cannot be read. */
export function spsFacts(nal: Uint8Array): SpsFacts | null {
  try {
    const bits = new Bits(rbsp(nal));
    const profile = bits.bits(8);
    bits.bits(16); // constraint flags, level
    bits.ue(); // seq_parameter_set_id
    if (HIGH_PROFILES.has(profile)) {
      const chroma = bits.ue();
      if (chroma === 3) bits.bit();
      bits.ue(); // bit depth luma
      bits.ue(); // bit depth chroma
      bits.bit(); // qpprime_y_zero_transform_bypass
      if (bits.bit())
        for (let i = 0; i < (chroma === 3 ? 12 : 8); i++) if (bits.bit()) skipScalingList(bits, i < 6 ? 16 : 64);
    }
    bits.ue(); // log2_max_frame_num_minus4
    const pocType = bits.ue();
    if (pocType === 0) bits.ue();
    else if (pocType === 1) {
      bits.bit();
      bits.se();
      bits.se();
      for (let n = bits.ue(), i = 0; i < n; i++) bits.se();
    }
    bits.ue(); // max_num_ref_frames
    bits.bit(); // gaps_in_frame_num_value_allowed
    bits.ue(); // pic_width_in_mbs_minus1
    bits.ue(); // pic_height_in_map_units_minus1
    const interlaced = !bits.bit(); // frame_mbs_only_flag
    if (interlaced) bits.bit(); // mb_adaptive_frame_field
    bits.bit(); // direct_8x8_inference
    if (bits.bit()) for (let i = 0; i < 4; i++) bits.ue(); // frame cropping
    if (!bits.bit() || !bits.bit()) return { sar: null, interlaced }; // no VUI, or no aspect ratio in it
    const idc = bits.bits(8);
    if (idc === EXTENDED_SAR) {
      const w = bits.bits(16);
      const h = bits.bits(16);
      return { sar: w > 0 && h > 0 ? [w, h] : null, interlaced };
    }
    return { sar: SAR_TABLE[idc - 1] ?? null, interlaced };
  } catch {
    return null;
  }
}

/** The first SPS of an avcC record (MP4, Matroska), or of an access unit in Annex-B or length-prefixed form. */
export function findSps(source: { avcC: Uint8Array } | { unit: Uint8Array; framing: NalFraming }): Uint8Array | null {
  if ('avcC' in source) {
    const avcC = source.avcC;
    if (avcC.length < 8 || (avcC[5]! & 31) === 0) return null;
    const length = (avcC[6]! << 8) | avcC[7]!;
    return avcC.length >= 8 + length ? avcC.subarray(8, 8 + length) : null;
  }
  for (const { offset, length } of nalUnits(source.unit, source.framing)) {
    if ((source.unit[offset]! & 31) === 7) return source.unit.subarray(offset, offset + length);
  }
  return null;
}
