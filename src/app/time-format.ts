// How the page writes a time for people: `m:ss.f…`, minutes unpadded, to the precision the place needs.

/** `m:ss` with `digits` decimals of a second, e.g. `clock(61.5, 1)` → `1:01.5`. */
export function clock(seconds: number, digits: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${(seconds - m * 60).toFixed(digits).padStart(digits > 0 ? 3 + digits : 2, '0')}`;
}
