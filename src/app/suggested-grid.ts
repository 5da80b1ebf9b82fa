// The interval and grid a chosen video gets before the user sets their own: about a hundred tiles whatever its
// length, on one sheet (ten columns), which is what a seek bar wants. Pure: unit-tested in Node.

/** How many tiles a video gets, about. */
export const TARGET_TILES = 100;

/** Intervals a person would pick, ms: the suggestion is the shortest that gives no more than TARGET_TILES tiles. */
const STEPS_MS = [
  50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 20_000, 30_000, 60_000, 90_000, 120_000, 300_000, 600_000,
  900_000, 1_800_000, 3_600_000,
];

/** The interval (ms) and the grid (10 columns, as many rows as the tiles need) for a video `durationMs` long. */
export function suggestedGrid(durationMs: number): { inter: number; tw: number; th: number; tiles: number } {
  const inter = STEPS_MS.find((step) => durationMs / step <= TARGET_TILES) ?? STEPS_MS.at(-1)!;
  const tiles = Math.max(1, Math.ceil(durationMs / inter));
  return { inter, tw: Math.min(10, tiles), th: Math.ceil(tiles / 10), tiles };
}
