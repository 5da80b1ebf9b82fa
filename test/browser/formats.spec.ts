// Sheet formats: every sheet is the format its name says, in its bytes as well as its type, and shows the frame. WebP
// is made where the browser's canvas encodes it; where it does not (WebKit, Safari: the canvas quietly gives PNG),
// `f: 'webp'` is INVALID_OPTION on f before anything is decoded.

import { ALL_BROWSERS, expect, test } from './fixtures.js';
import { openHarness, REFS, run, tilePsnr } from './helpers.js';

test.beforeEach(async ({ page }) => openHarness(page));

const REF = 'bbb-n48-stretch-160x90';
/** One frame (the reference's) on a one-cell sheet, so that the tile can be compared with the CLI's frame. */
const single = (f: string) => ({
  f,
  ss: Math.floor(REFS[REF]!.time),
  num: 1,
  sw: 160,
  sh: 90,
  tw: 1,
  th: 1,
  pad: 0,
  margin: 0,
});

const FORMATS = {
  jpg: { type: 'image/jpeg', magic: (b: number[]) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  png: { type: 'image/png', magic: (b: number[]) => String.fromCharCode(...b.slice(1, 4)) === 'PNG' },
  webp: {
    type: 'image/webp',
    magic: (b: number[]) =>
      String.fromCharCode(...b.slice(0, 4)) === 'RIFF' && String.fromCharCode(...b.slice(8, 12)) === 'WEBP',
  },
} as const;

for (const [f, { type, magic }] of Object.entries(FORMATS)) {
  test(
    `f: ${f}: a sheet in ${type} where the browser's canvas encodes it, else INVALID_OPTION on f`,
    ALL_BROWSERS,
    async ({ page }) => {
      // What this browser's canvas really makes of the type, asked of the browser rather than known by its name.
      const encodes = await page.evaluate((t) => window.harness.canvasEncodes(t), type);
      const r = await run(page, REFS[REF]!.fixture, single(f));
      if (!encodes) {
        expect(r, JSON.stringify(r).slice(0, 300)).toMatchObject({
          ok: false,
          isSpriteError: true,
          code: 'INVALID_OPTION',
          param: 'f',
          message: expect.stringContaining(f),
        });
        // Refused before any decoding, and the process string is held to the same.
        if (!r.ok) expect(r.progress.map((p) => p.phase)).not.toContain('decode');
        const viaString = await run(page, REFS[REF]!.fixture, `video/sprite,f_${f},sw_160,sh_90`);
        expect(viaString).toMatchObject({ ok: false, code: 'INVALID_OPTION', param: 'f' });
        return;
      }
      expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(true);
      if (!r.ok) return;
      expect(r.sheets).toHaveLength(1);
      expect(r.sheets[0]).toMatchObject({ name: `sprite-0.${f}`, type, width: 160, height: 90 });
      const head = await page.evaluate(() => window.harness.sheetHead(0));
      expect(magic(head), `${f} sheet starts ${head.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`).toBe(true);
      expect(r.vtt).toContain(`sprite-0.${f}#xywh=0,0,160,90`);
      // The browser reads its own sheet back, and it shows the CLI's frame.
      expect(await tilePsnr(page, r.tiles[0]!, REF)).toBeGreaterThan(30);
    },
  );
}
