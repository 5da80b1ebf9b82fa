// HDR to SDR, step for step beside the CLI: a PQ and an HLG frame made from a real fixture at test time, tone-mapped
// pixel by pixel by toneMapPixel and by ffmpeg's filters (toneMapFilters, the chain the ffmpeg.wasm path runs).

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hdrGrade } from '../hdr-grade.js';
import { hdrTransferOf, pqToLinear, toneMapFilters, toneMapPixel, type HdrTransfer } from '../../src/core/tone-map.js';

const ROCKET = fileURLToPath(new URL('../fixtures/vp8-vorbis_webm_640x360_rocket-launch.webm', import.meta.url));
const W = 640;
const H = 360;

/** Frame 40 of the fixture, graded into `transfer` (SDR white at 203 cd/m², BT.2408) and run through `filters`. */
function hdrFrame(transfer: HdrTransfer, filters: string[], format: string): Buffer {
  const grade = hdrGrade(transfer);
  return execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', ROCKET, '-vf', [`select=eq(n\\,40)`, grade, ...filters].join(','), '-frames:v', '1'].concat([
      '-f',
      'rawvideo',
      '-pix_fmt',
      format,
      '-',
    ]),
    { maxBuffer: 1 << 26 },
  );
}

describe('toneMapPixel beside ffmpeg’s zscale + tonemap', () => {
  for (const [transfer, meanLimit] of [
    ['pq', 0.05],
    ['hlg', 0.05],
  ] as const) {
    it(`${transfer}: every pixel of a real frame, within ${meanLimit} levels on average`, () => {
      // Both sides start from the same R'G'B': the frame's YUV turned to RGB by zimg, before any transfer.
      const rgbIn = hdrFrame(transfer, ['zscale=min=bt2020nc:rin=tv:r=full', 'format=gbrpf32le'], 'gbrpf32le');
      const samples = new Float32Array(rgbIn.buffer, rgbIn.byteOffset, rgbIn.length / 4);
      const expected = hdrFrame(transfer, toneMapFilters(transfer), 'gbrp');
      const plane = W * H;
      const pixel = new Float64Array(3);
      let sum = 0;
      // gbrp: the green plane, then blue, then red.
      const order = [2, 0, 1];
      for (let i = 0; i < plane; i++) {
        for (let c = 0; c < 3; c++) pixel[c] = samples[order[c]! * plane + i]!;
        toneMapPixel(pixel, transfer);
        for (let c = 0; c < 3; c++) sum += Math.abs(Math.round(pixel[c]! * 255) - expected[order[c]! * plane + i]!);
      }
      const mean = sum / (plane * 3);
      expect(mean).toBeLessThan(meanLimit);
      // The frame was not near-black: a tone-mapper that gave black would be far off.
      expect([...expected].reduce((a, b) => a + b, 0) / expected.length).toBeGreaterThan(40);
    });
  }

  it('maps PQ by its definition: 10 000 cd/m² at 1, 100 cd/m² near 0.508, nothing at 0', () => {
    expect(pqToLinear(1)).toBeCloseTo(100, 6);
    expect(pqToLinear(0.50808)).toBeCloseTo(1, 3);
    expect(pqToLinear(0)).toBe(0);
  });

  it('keeps greys grey and brighter signals brighter, up to white', () => {
    for (const transfer of ['pq', 'hlg'] as const) {
      let last = -1;
      for (let e = 0; e <= 1.0001; e += 0.05) {
        const pixel = [e, e, e];
        toneMapPixel(pixel, transfer);
        expect(Math.abs(pixel[0]! - pixel[1]!) + Math.abs(pixel[1]! - pixel[2]!)).toBeLessThan(1e-9);
        expect(pixel[0]!).toBeGreaterThanOrEqual(last);
        expect(pixel[0]!).toBeLessThanOrEqual(1);
        last = pixel[0]!;
      }
      expect(last).toBeGreaterThan(0.9);
    }
  });

  it('names only PQ and HLG as HDR transfers', () => {
    expect(hdrTransferOf('pq')).toBe('pq');
    expect(hdrTransferOf('hlg')).toBe('hlg');
    for (const other of ['bt709', 'smpte170m', null, undefined]) expect(hdrTransferOf(other)).toBeUndefined();
  });
});
