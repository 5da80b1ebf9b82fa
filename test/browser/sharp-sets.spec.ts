// Sharp sets: several cell sizes of the same tiles from one decode (`extraSizes`), in both engines. Each size's tiles
// have the same times as a job of that size alone, its sheets and names of its own, and pictures that match that
// job's: exactly at the size decoded, within 30 dB PSNR where scaled down from it. The DASH writer lists the sizes as
// Representations of one track.

import { expect, test } from '@playwright/test';
import { openHarness } from './helpers.js';

const BBB = 'h264-aac_fmp4_320x180_bbb.mp4';
const OPTIONS = { f: 'png', inter: 500, sw: 80, sh: 45, tw: 4, th: 2, pad: 0, margin: 0 } as const;

test.beforeEach(async ({ page }) => openHarness(page));

for (const engine of ['auto', 'ffmpeg'] as const) {
  test(`1× and 2× from one decode (${engine === 'auto' ? 'WebCodecs' : 'ffmpeg.wasm'})`, async ({ page }) => {
    const r = await page.evaluate(
      ([fixture, o, e]) => window.harness.sharpSet({ fixture }, o, [{ sw: 160, sh: 90 }], e),
      [BBB, OPTIONS, engine] as const,
    );
    expect(r.engine).toBe(engine === 'auto' ? 'webcodecs' : 'ffmpeg');
    // One decode: as many frames as the 1× job alone decodes.
    if (engine === 'auto') expect(r.decoded.sharp).toBe(r.decoded.single);
    expect(r.times[0]).toHaveLength(10);
    expect(r.times[1]).toEqual(r.times[0]);
    expect(r.times).toEqual(r.singleTimes);
    expect(r.cells).toEqual([
      { width: 80, height: 45 },
      { width: 160, height: 90 },
    ]);
    expect(r.names).toEqual([
      ['sprite-0.png', 'sprite-1.png'],
      ['sprite-0@160x90.png', 'sprite-1@160x90.png'],
    ]);
    expect(r.vttNames).toEqual(['sprite.vtt', 'sprite@160x90.vtt']);
    expect(r.sheetSizes).toEqual(r.singleSheetSizes);
    // 2×: decoded at that size, as the job alone is. 1×: scaled down from the 2× picture by the canvas.
    for (const p of r.psnr[1]!) expect(p).toBe(Infinity);
    for (const p of r.psnr[0]!) expect(p).toBeGreaterThan(30);
    expect(r.dash.match(/<Representation /g)).toHaveLength(2);
    expect(r.dash).toContain('media="sprite-$Number$%40160x90.png"');
  });
}

test('a size of another shape is refused, naming extraSizes and a size that fits', async ({ page }) => {
  const r = await page.evaluate(
    async ([fixture, o]) => {
      try {
        await window.harness.api.generateSprites(await window.harness.input({ fixture }), o, {
          extraSizes: [{ sw: 160, sh: 160 }],
        });
        return null;
      } catch (e) {
        const error = e as { code: string; param: string; message: string };
        return { code: error.code, param: error.param, message: error.message };
      }
    },
    [BBB, OPTIONS] as const,
  );
  expect(r).toMatchObject({ code: 'INVALID_OPTION', param: 'extraSizes' });
  expect(r!.message).toMatch(/another shape.*sw 284 for sh 160/);
});

test('extra sizes are checked as the options are, naming the size and its key', async ({ page }) => {
  const refusal = (extraSizes: unknown) =>
    page.evaluate(
      async ([fixture, o, sizes]) => {
        try {
          await window.harness.api.generateSprites(await window.harness.input({ fixture }), o, {
            extraSizes: sizes as never,
          });
          return null;
        } catch (e) {
          const error = e as { code: string; param: string; message: string };
          return { code: error.code, param: error.param, message: error.message };
        }
      },
      [BBB, OPTIONS, extraSizes] as const,
    );
  expect(await refusal([{ sw: 160, sh: 90 }, { sw: 8 }])).toMatchObject({
    code: 'INVALID_OPTION',
    param: 'extraSizes[1].sw',
    message: expect.stringMatching(/^extraSizes\[1\]: .*sw.*32/),
  });
  expect(await refusal([{ width: 160 }])).toMatchObject({ code: 'INVALID_OPTION', param: 'extraSizes[0].width' });
  expect(await refusal({ sw: 160 })).toMatchObject({ code: 'INVALID_OPTION', param: 'extraSizes' });
});
