// The picture in each tile, in both engines: HDR (PQ, HLG) tone-mapped to SDR BT.709 as the CLI's zscale + tonemap
// does it; interlaced frames shown without comb teeth, as the CLI's bwdif shows them; and, with `skip`, black, blank
// and blurred tiles giving way to the nearest good frame of their interval. The clips are made at test time by the
// CLI, which also makes the reference pictures.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { frameFlaw, type FrameFlaw } from '../../src/core/frame-quality.js';
import { toneMapFilters } from '../../src/core/tone-map.js';
import { CLI_TRANSFER, hdrGrade } from '../hdr-grade.js';
import { rgbPsnr } from '../psnr.js';
import type { Page } from '@playwright/test';
import { ALL_BROWSERS, expect, test } from './fixtures.js';
import { openHarness, run, tileBytes } from './helpers.js';

const ROCKET = join(import.meta.dirname, '..', 'fixtures', 'vp8-vorbis_webm_640x360_rocket-launch.webm');
const dir = mkdtempSync(join(tmpdir(), 'picture-'));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { maxBuffer: 1 << 28 });

/**
 * The frame of `file` shown `ms` after its first (the CLI's `t` counts from there too), as RGBA from the CLI: through `before`, picked, then through `after`
 * (bwdif goes before the pick: it reads each frame's neighbours).
 */
function cliTile(file: string, ms: number, after: string[], before: string[] = []): Uint8Array {
  const select = `select='lt(abs(t-${(ms / 1000).toFixed(6)})\\,0.002)'`;
  const filters = [...before, select, ...after].join(',');
  return new Uint8Array(
    ffmpeg(['-i', file, '-vf', filters, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-']),
  );
}

/** Mean absolute difference of two RGBA pictures, in levels (0–255) over R, G and B. */
function meanLevels(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) if (i % 4 !== 3) sum += Math.abs(a[i]! - b[i]!);
  return sum / ((a.length / 4) * 3);
}

/** Comb teeth: the mean of |p(y) − (p(y−1) + p(y+1)) / 2| over green, high where a picture's two fields disagree. */
function comb(rgba: Uint8Array, width: number, height: number): number {
  let sum = 0;
  for (let y = 1; y < height - 1; y++)
    for (let x = 0; x < width; x++) {
      const p = (row: number) => rgba[(row * width + x) * 4 + 1]!;
      sum += Math.abs(p(y) - (p(y - 1) + p(y + 1)) / 2);
    }
  return sum / (width * (height - 2));
}

const input = (file: string) => ({ base64: readFileSync(file).toString('base64'), name: basename(file) });

/** A job on `clip` (made by `make` first, once per worker), which must succeed. */
async function jobOn(page: Page, clip: string, make: () => void, options: object, engine: 'auto' | 'ffmpeg') {
  if (!existsSync(clip)) make();
  const r = await run(page, input(clip), options, { engine });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (!r.ok) throw new Error('unreachable');
  if (engine === 'ffmpeg') expect(r.engine.used).toBe('ffmpeg');
  return r;
}

/** Firefox's WebCodecs hands pictures over in 8-bit RGB, already converted: some checks have their own bounds there. */
const firefoxRgb = (r: { engine: { used: string } }, driver: string) =>
  r.engine.used === 'webcodecs' && driver === 'firefox';

test.beforeEach(async ({ page }) => openHarness(page));

for (const transfer of ['pq', 'hlg'] as const) {
  /** 2 s of a real fixture graded into HDR (SDR white at 203 cd/m², BT.2408), 10-bit VP9 in WebM, tagged. */
  const clip = join(dir, `${transfer}.webm`);
  const make = () =>
    ffmpeg([
      '-i',
      ROCKET,
      '-t',
      '2',
      '-an',
      '-vf',
      hdrGrade(transfer),
      ...['-c:v', 'libvpx-vp9', '-profile:v', '2', '-b:v', '2M', '-deadline', 'realtime', '-cpu-used', '8'],
      ...[
        '-color_primaries',
        'bt2020',
        '-color_trc',
        CLI_TRANSFER[transfer],
        '-colorspace',
        'bt2020nc',
        '-color_range',
        'tv',
        clip,
      ],
    ]);
  for (const engine of ['auto', 'ffmpeg'] as const) {
    test(
      `${transfer.toUpperCase()} is tone-mapped as the CLI's zscale + tonemap do it (${engine})`,
      ALL_BROWSERS,
      async ({ page, driver }) => {
        const options = { f: 'png', inter: 500, sw: 160, sh: 90, tw: 4, th: 1, pad: 0, margin: 0 };
        const r = await jobOn(page, clip, make, options, engine);
        // Chromium decodes 10-bit VP9 natively: the WebCodecs path does the tone-mapping there.
        if (engine === 'auto' && driver === 'chromium') expect(r.engine.used).toBe('webcodecs');
        expect(r.source.hdr).toBe(transfer);
        expect(r.tiles).toHaveLength(4);
        for (const tile of r.tiles) {
          const ours = await tileBytes(page, tile);
          const mapped = cliTile(clip, tile.time, [...toneMapFilters(transfer), 'scale=160:90:flags=area']);
          const untouched = cliTile(clip, tile.time, ['scale=160:90:flags=area']);
          const off = meanLevels(ours, mapped);
          // Firefox's RGB is still in PQ or HLG: tone-mapped from 8 bits, not 10.
          expect(off, `tile at ${tile.time} ms`).toBeLessThan(firefoxRgb(r, driver) ? 3.5 : 2);
          // What the tile would be without tone-mapping is much further: the check tells the two apart.
          expect(meanLevels(untouched, mapped)).toBeGreaterThan(3 * Math.max(off, 1));
        }
      },
    );
  }
}

/**
 * 2 s of fast horizontal motion at 50 fields a second, woven into 25 interlaced frames (each field from its own
 * moment), coded interlaced: H.264 (MBAFF) in MP4, which WebCodecs decodes, and MPEG-2 in MPEG-PS, which ffmpeg.wasm
 * does.
 */
const INTERLACED = [
  ['h264.mp4', ['-c:v', 'libx264', '-flags', '+ildct+ilme', '-x264-params', 'tff=1', '-b:v', '4M', '-g', '25']],
  ['mpeg2.mpg', ['-c:v', 'mpeg2video', '-flags', '+ildct+ilme', '-top', '1', '-b:v', '8M', '-g', '12']],
] as const;

for (const [name, codec] of INTERLACED) {
  const clip = join(dir, name);
  const make = () =>
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=720x576:rate=50,scroll=h=0.01', '-t', '2'],
      ...['-vf', 'tinterlace=interleave_top,setfield=tff', '-pix_fmt', 'yuv420p', ...codec, clip],
    ]);
  for (const engine of ['auto', 'ffmpeg'] as const) {
    test(
      `interlaced ${name} shows no comb teeth on full-size cells, as bwdif (${engine})`,
      ALL_BROWSERS,
      async ({ page, driver }) => {
        const options = { f: 'png', inter: 700, sw: 720, sh: 576, tw: 2, th: 1, pad: 0, margin: 0 };
        const r = await jobOn(page, clip, make, options, engine);
        const native = engine === 'auto' && name === 'h264.mp4' && driver === 'chromium';
        if (native) expect(r.engine.used).toBe('webcodecs');
        if (name === 'mpeg2.mpg') expect(r.engine.used).toBe('ffmpeg');
        expect(r.source.interlaced).toBe(true);
        expect(r.tiles.length).toBeGreaterThanOrEqual(2);
        for (const tile of r.tiles.slice(0, 2)) {
          const ours = await tileBytes(page, tile);
          const woven = cliTile(clip, tile.time, []);
          const reference = cliTile(clip, tile.time, [], ['bwdif=mode=send_frame:parity=auto:deint=interlaced']);
          const teeth = comb(ours, 720, 576);
          expect(comb(woven, 720, 576), 'the clip itself is combed').toBeGreaterThan(5);
          // Firefox's RGB had its chroma upsampled across the two fields: a trace of the other field stays in the
          // colours (a fifth of the woven frame's teeth, against a tenth).
          const rgbIn = firefoxRgb(r, driver);
          const limit = rgbIn ? comb(woven, 720, 576) / 4 : 1.5 * comb(reference, 720, 576) + 0.2;
          expect(teeth, `tile at ${tile.time} ms`).toBeLessThan(limit);
          // The same picture as bwdif's, not merely a smooth one.
          // (Firefox's RGB of this untagged video is in other colours than ffmpeg's, as its VP9 is: 18 dB here.)
          expect(rgbPsnr(ours, reference), `tile at ${tile.time} ms`).toBeGreaterThan(rgbIn ? 15 : 28);
        }
      },
    );
  }
}

/**
 * 10 s at 25 fps with trouble at known places: a fade to black (out over 2.2–3.0 s, black to 3.6, in over 3.6–4.4),
 * a plain title card (6.0–6.6, with coding noise), and motion blur (8.0–8.6, `dblur` along the motion). Every part
 * is a whole number of frames long, so the times stay on the 40 ms grid.
 */
const TROUBLED = join(dir, 'troubled.mp4');
const pattern = (seconds: number) => `testsrc2=size=320x180:rate=25:duration=${seconds},scroll=h=0.004`;
const makeTroubled = () =>
  ffmpeg([
    '-filter_complex',
    [
      `${pattern(3)},fade=t=out:st=2.2:d=0.8[a]`,
      'color=c=black:size=320x180:rate=25:duration=0.6[b]',
      `${pattern(2.4)},fade=t=in:st=0:d=0.8[c]`,
      'color=c=0x3060a0:size=320x180:rate=25:duration=0.6,noise=alls=6:allf=t[d]',
      `${pattern(3.4)},dblur=angle=0:radius=12:enable='between(t,1.39,1.99)'[e]`,
      '[a][b][c][d][e]concat=n=5:v=1:a=0,format=yuv420p[v]',
    ].join(';'),
    ...['-map', '[v]', '-c:v', 'libx264', '-g', '25', '-crf', '18', TROUBLED],
  ]);

/** Our judgement of each frame of the troubled clip from `fromMs` to `toMs`, as the CLI decodes and scales them. */
function cliFlaws(fromMs: number, toMs: number): Map<number, FrameFlaw | null> {
  const [first, last] = [Math.round(fromMs / 40), Math.round(toMs / 40)];
  const raw = ffmpeg(
    [
      '-i',
      TROUBLED,
      '-vf',
      `select='between(n\\,${first}\\,${last})',scale=160:90:flags=area`,
      '-fps_mode',
      'passthrough',
    ].concat(['-f', 'rawvideo', '-pix_fmt', 'rgba', '-']),
  );
  const size = 160 * 90 * 4;
  const out = new Map<number, FrameFlaw | null>();
  for (let n = first; n <= last; n++) {
    const picture = raw.subarray((n - first) * size, (n - first + 1) * size);
    out.set(n * 40, frameFlaw(picture, 160, 90));
  }
  return out;
}

for (const engine of ['auto', 'ffmpeg'] as const) {
  test(
    `skip: a black, a blank and a blurred tile each take the nearest good frame of their interval (${engine})`,
    ALL_BROWSERS,
    async ({ page }) => {
      const options = { f: 'png', inter: 1000, num: 10, sw: 160, sh: 90, tw: 5, th: 2, pad: 0, margin: 0 } as const;
      const plain = await jobOn(page, TROUBLED, makeTroubled, options, engine);
      const skipped = await jobOn(page, TROUBLED, makeTroubled, { ...options, skip: 'all' }, engine);
      const black = await jobOn(page, TROUBLED, makeTroubled, { ...options, skip: 'black' }, engine);
      const times = (r: typeof plain) => r.tiles.map((t) => t.time);
      expect(times(plain)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
      const got = times(skipped);
      // The troubled tiles moved within their intervals; the others kept their frames.
      for (const i of [0, 1, 2, 4, 5, 7, 9]) expect(got[i]).toBe(i * 1000);
      for (const [i, flaw] of [
        [3, 'black'],
        [6, 'blank'],
        [8, 'blurred'],
      ] as const) {
        const t = got[i]!;
        expect(t, `tile ${i}`).toBeGreaterThan(i * 1000);
        expect(t, `tile ${i}`).toBeLessThan((i + 1) * 1000);
        // By the CLI's own frames: the target frame has the flaw, every frame before the chosen one in the interval is
        // avoided too, and the chosen one is not.
        const flaws = cliFlaws(i * 1000, t);
        expect(flaws.get(i * 1000)).toBe(flaw);
        for (const [time, f] of flaws) expect(f === null, `frame at ${time} ms: ${f}`).toBe(time === t);
      }
      // The tiles the VTT and the manifest point at carry the frames' own times.
      expect(skipped.manifest.tiles.map((t: { time: number }) => t.time)).toEqual(got);
      expect(skipped.vtt).toContain(
        `00:00:0${Math.floor(got[3]! / 1000)}.${String(got[3]! % 1000).padStart(3, '0')} -->`,
      );
      // skip black: only the black tile moves, to the same frame.
      expect(times(black)).toEqual(times(plain).map((t, i) => (i === 3 ? got[3] : t)));
    },
  );
}
