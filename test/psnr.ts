// PSNR between two RGBA pictures, the one measure of "the same picture" every test uses (Node and the harness page).

/** PSNR (dB) of `b` against `a`, RGBA of the same size, over the colour channels; Infinity when they are equal. */
export function rgbPsnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    const d = a[i]! - b[i]!;
    sum += d * d;
    n++;
  }
  return sum === 0 ? Infinity : 10 * Math.log10((255 * 255 * n) / sum);
}
