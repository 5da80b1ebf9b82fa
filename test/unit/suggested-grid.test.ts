// The page's interval for a chosen video: about a hundred tiles on one sheet, for any length.

import { describe, expect, it } from 'vitest';
import { suggestedGrid, TARGET_TILES } from '../../src/app/suggested-grid.js';

describe('suggestedGrid', () => {
  it('gives between a third of and a hundred tiles for lengths from 5 s to 10 h, on one sheet of ten columns', () => {
    for (let ms = 5000; ms <= 36_000_000; ms *= 1.37) {
      const { inter, tw, th, tiles } = suggestedGrid(ms);
      expect(tiles, `${ms} ms`).toBe(Math.ceil(ms / inter));
      expect(tiles).toBeLessThanOrEqual(TARGET_TILES);
      expect(tiles, `${ms} ms`).toBeGreaterThanOrEqual(TARGET_TILES / 3);
      expect(tw * th).toBeGreaterThanOrEqual(tiles);
      expect(tw * (th - 1)).toBeLessThan(tiles);
    }
  });

  it('picks intervals a person would: 2 s for 3 minutes, 90 s for 2 hours, 50 ms for the 5 s sample', () => {
    expect(suggestedGrid(180_000)).toEqual({ inter: 2000, tw: 10, th: 9, tiles: 90 });
    expect(suggestedGrid(7_200_000)).toEqual({ inter: 90_000, tw: 10, th: 8, tiles: 80 });
    expect(suggestedGrid(5000)).toEqual({ inter: 50, tw: 10, th: 10, tiles: 100 });
    expect(suggestedGrid(300)).toEqual({ inter: 50, tw: 6, th: 1, tiles: 6 });
  });
});
