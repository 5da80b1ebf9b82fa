// The `skip` judgements on real pictures at tile size (frames from the CLI: fixtures as they are, blurred, faded to
// black, plain cards with coding noise), and the order in which a tile's other frames are tried.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { avoided, frameFlaw, tileAlternatives, type FrameFlaw } from '../../src/core/frame-quality.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** Frame `n` of `input` (a file, or `lavfi:` and a source) through `filters`, scaled to w × h, RGBA. */
function tile(input: string, n: number, filters: string, w: number, h: number): Buffer {
  const from = input.startsWith('lavfi:') ? ['-f', 'lavfi', '-i', input.slice(6)] : ['-i', input];
  const chain = [`select=eq(n\\,${n})`, filters, `scale=${w}:${h}:flags=area`].filter(Boolean).join(',');
  return execFileSync(
    'ffmpeg',
    ['-v', 'error', ...from, '-vf', chain, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'],
    { maxBuffer: 1 << 26 },
  );
}

const SHARP: [input: string, w: number, h: number][] = [
  [fixture('vp8-vorbis_webm_640x360_rocket-launch.webm'), 160, 90],
  [fixture('theora_ogv_214x160_calais-1906-film.ogv'), 107, 80],
  [fixture('h264_fmp4_1920x1080_rot-90_bbb.mp4'), 192, 108],
  [fixture('mpeg4_avi_400x300_bicycle.avi'), 200, 150],
  ['lavfi:testsrc2=size=640x360', 160, 90],
];

describe('frameFlaw on real pictures at tile size', () => {
  for (const [input, w, h] of SHARP) {
    const name = input.split('/').pop()!;
    // The 1920 × 1080 frame is a dark title over a plain backdrop: blurred, it is all but flat.
    const blurrable = !name.includes('1920');
    it(`${name}: as it is, nothing${blurrable ? "; blurred by 12 px (3 px at the tile's size), blurred" : ''}`, () => {
      const n = name.includes('bbb') ? 40 : 5;
      expect(frameFlaw(tile(input, n, '', w, h), w, h)).toBeNull();
      if (!blurrable) return;
      expect(frameFlaw(tile(input, n, 'gblur=sigma=12', w, h), w, h)).toBe('blurred');
      // Motion blur: along one axis only.
      expect(frameFlaw(tile(input, n, 'dblur=angle=0:radius=12', w, h), w, h)).toBe('blurred');
    });
  }

  it('a fade to black: black near its end, itself again before', () => {
    const rocket = SHARP[0]![0];
    const fade = (n: number) => frameFlaw(tile(rocket, n, 'fade=t=out:st=0:d=2', 160, 90), 160, 90);
    expect(fade(5)).toBeNull();
    expect(fade(47)).toBe('black');
  });

  it('a plain card of any colour, coding noise and all, is blank; one with a box drawn on a tenth of it is not', () => {
    for (const colour of ['0x3060a0', 'white', '0x808080']) {
      const card = `lavfi:color=c=${colour}:size=640x360`;
      expect(frameFlaw(tile(card, 0, 'noise=alls=6:allf=t', 160, 90), 160, 90)).toBe('blank');
      const titled = tile(card, 0, 'drawbox=x=200:y=140:w=240:h=80:color=yellow:t=fill', 160, 90);
      expect(frameFlaw(titled, 160, 90)).not.toBe('blank');
    }
  });
});

describe('avoided', () => {
  it('black avoids black; blank also blank; all also blurred; none nothing', () => {
    const flaws: (FrameFlaw | null)[] = ['black', 'blank', 'blurred', null];
    const table = (['none', 'black', 'blank', 'all'] as const).map((rule) => flaws.map((f) => avoided(f, rule)));
    expect(table).toEqual([
      [false, false, false, false],
      [true, false, false, false],
      [true, true, false, false],
      [true, true, true, false],
    ]);
  });
});

describe('tileAlternatives', () => {
  const table = { times: Float64Array.from({ length: 20 }, (_, i) => i * 40), durationMs: 800 };

  it("lists the other frames of each tile's interval, nearest the captured frame first, the earlier of two as near", () => {
    const captures = [
      { target: 0, time: 0, key: true },
      { target: 300, time: 280, key: false },
      { target: 600, time: 600, key: false },
    ];
    expect(tileAlternatives(captures, table)).toEqual([
      [40, 80, 120, 160, 200, 240],
      // 280 was captured on screen at 300, before its interval: 320 and 240 are both 40 ms from it; 240 is not in it.
      [320, 360, 400, 440, 480, 520, 560],
      [640, 680, 720, 760],
    ]);
  });

  it('never offers a frame another tile shows', () => {
    const captures = [
      { target: 0, time: 0, key: true },
      { target: 100, time: 80, key: false },
    ];
    const [first] = tileAlternatives(captures, table);
    expect(first).toEqual([40]);
  });
});
