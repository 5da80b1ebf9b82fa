// The sample aspect ratio as the container wrote it, recovered from the rounded display size mediabunny reports.

/**
 * The simplest ratio p/q (smallest q, then smallest p) with `Math.round(coded · p / q) === target`, in integers: the
 * rounding interval is half-open, and floats land on its edges.
 */
export function simplestRatio(coded: number, target: number): [number, number] {
  // round(coded·p/q) = target  ⇔  (2·target − 1)·q ≤ 2·coded·p < (2·target + 1)·q
  for (let q = 1; ; q++) {
    const p = Math.ceil(((2 * target - 1) * q) / (2 * coded));
    if (2 * coded * p < (2 * target + 1) * q) return [p, q];
  }
}

/**
 * The SAR `[num, den]` behind a square-pixel display size: mediabunny stretches the width by a SAR ≥ 1 and the height
 * by one < 1, rounding, and reports the ratio of the rounded sizes (4:3 on 160 px comes back as 213/160). The
 * simplest fraction that rounds to the same size is the one the container most likely wrote.
 */
export function recoverSar(
  codedWidth: number,
  codedHeight: number,
  par: { num: number; den: number },
): [number, number] {
  if (!(par.num > 0 && par.den > 0) || par.num === par.den) return [1, 1];
  if (par.num > par.den) return simplestRatio(codedWidth, Math.round((codedWidth * par.num) / par.den));
  const [p, q] = simplestRatio(codedHeight, Math.round((codedHeight * par.den) / par.num));
  return [q, p];
}

/** What mediabunny's rounded pixel aspect ratio would be for `sar` on a coded `width` × `height` picture. */
function roundedBy(width: number, height: number, [num, den]: [number, number]): string {
  return num >= den ? `w${Math.round((width * num) / den)}` : `h${Math.round((height * den) / num)}`;
}

/**
 * The SAR to use, as ffmpeg picks it: the container's (MP4 `pasp`, Matroska display size) when it gives one, else the
 * codec's (H.264 VUI, `codecSar`). mediabunny reports the container's only rounded into a display size: when the
 * codec's exact SAR rounds to the same size, it is the same SAR, written exactly.
 */
export function chooseSar(
  codedWidth: number,
  codedHeight: number,
  par: { num: number; den: number },
  codecSar: [number, number] | null,
): [number, number] {
  const square = !(par.num > 0 && par.den > 0) || par.num === par.den;
  if (
    codecSar &&
    (square || roundedBy(codedWidth, codedHeight, codecSar) === roundedBy(codedWidth, codedHeight, [par.num, par.den]))
  )
    return codecSar;
  return recoverSar(codedWidth, codedHeight, par);
}
