// Which H.264 and HEVC access units are non-reference pictures: nothing decoded after them refers to them, so a
// decoder can skip one that is not wanted and still decode every later frame exactly.

/** How a stream frames its NAL units: a big-endian length of `lengthSize` bytes before each, or Annex-B start codes. */
export type NalFraming = { lengthSize: 1 | 2 | 3 | 4 } | { annexB: true };

/** The framing a decoder configuration implies: avcC/hvcC say the length size; no description means Annex-B (TS). */
export function nalFraming(codec: 'avc' | 'hevc', description: Uint8Array | undefined): NalFraming {
  if (!description || description.length < (codec === 'avc' ? 5 : 22)) return { annexB: true };
  const byte = codec === 'avc' ? description[4]! : description[21]!;
  return { lengthSize: ((byte & 3) + 1) as 1 | 2 | 3 | 4 };
}

/** The offsets of each NAL unit's first (header) byte and its length, in order. */
export function* nalUnits(data: Uint8Array, framing: NalFraming): Generator<{ offset: number; length: number }> {
  if ('lengthSize' in framing) {
    const n = framing.lengthSize;
    for (let at = 0; at + n <= data.length;) {
      let length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + data[at + i]!;
      at += n;
      if (length === 0 || at + length > data.length) return;
      yield { offset: at, length };
      at += length;
    }
    return;
  }
  // Annex-B: units start after 00 00 01 (or 00 00 00 01) and run to the next start code.
  let start = -1;
  for (let i = 0; i + 2 < data.length; i++) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      if (start >= 0) {
        let end = i;
        while (end > start && data[end - 1] === 0) end--;
        yield { offset: start, length: end - start };
      }
      start = i + 3;
      i += 2;
    }
  }
  if (start >= 0 && start < data.length) yield { offset: start, length: data.length - start };
}

/**
 * True when every picture (VCL) NAL unit of the access unit is a non-reference one:
 * - H.264: slices (types 1–5) with nal_ref_idc 0;
 * - HEVC: sub-layer non-reference pictures (TRAIL_N, TSA_N, STSA_N, RADL_N, RASL_N, reserved N types: even types up
 *   to 14) of the highest temporal sub-layer, `topTemporalId` (from hvcC; others may be referred to by higher ones).
 * False when the unit holds no picture or cannot be read: skipping is only ever an optimisation.
 */
export function isNonReference(
  codec: 'avc' | 'hevc',
  data: Uint8Array,
  framing: NalFraming,
  topTemporalId = 0,
): boolean {
  return everyPicture(codec, data, framing, (type, header, next) =>
    codec === 'avc' ? header >> 5 === 0 : type <= 14 && type % 2 === 0 && (next & 7) - 1 === topTemporalId,
  );
}

/**
 * True when every picture (VCL) NAL unit of the access unit is an IDR picture: H.264 type 5, HEVC IDR_W_RADL and
 * IDR_N_LP (19, 20). An IDR clears the decoder's references, so that decoding can jump to it without a flush; a CRA
 * or an H.264 I picture that is not IDR does not (its leading pictures may refer to the GOP before). False when the
 * unit holds no picture or cannot be read.
 */
export function isIdr(codec: 'avc' | 'hevc', data: Uint8Array, framing: NalFraming): boolean {
  return everyPicture(codec, data, framing, (type) => (codec === 'avc' ? type === 5 : type === 19 || type === 20));
}

/**
 * Whether the access unit holds a picture (VCL) NAL unit, H.264 types 1–5 or HEVC types 0–31, and `test` holds for
 * every one, given its type, its first header byte and the byte after (HEVC's temporal id is in it).
 */
function everyPicture(
  codec: 'avc' | 'hevc',
  data: Uint8Array,
  framing: NalFraming,
  test: (type: number, header: number, next: number) => boolean,
): boolean {
  let pictures = 0;
  for (const { offset, length } of nalUnits(data, framing)) {
    const header = data[offset]!;
    if (codec === 'hevc' && length < 2) continue;
    const type = codec === 'avc' ? header & 31 : (header >> 1) & 63;
    if (codec === 'avc' ? type < 1 || type > 5 : type > 31) continue;
    pictures++;
    if (!test(type, header, data[offset + 1] ?? 0)) return false;
  }
  return pictures > 0;
}

/** The highest temporal sub-layer id an HEVC stream uses, from its hvcC (numTemporalLayers − 1); 0 when unknown. */
export function hevcTopTemporalId(description: Uint8Array | undefined): number {
  if (!description || description.length < 22) return 0;
  const layers = (description[21]! >> 3) & 7;
  return Math.max(0, layers - 1);
}
