// The AVI index reader against ffmpeg's own decoder (the CLI, as an oracle): the frame table from the index must be
// the one a full decode gives, frame for frame, on every kind of AVI the engine reads this way.

import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { framesOf } from './support.js';
import { buildFrameTable } from '../../src/core/frame-table.js';
import { aviFrames, vopType, type AviReadOptions, type AviStream } from '../../src/engine/ffmpeg/avi-index.js';
import { parseShowinfo } from '../../src/engine/ffmpeg/probe-parse.js';

const dir = mkdtempSync(join(tmpdir(), 'avi-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
/** A short AVI made by the CLI: `vf` and codec arguments given; a sine audio track interleaved unless `audio` is false. */
function makeAvi(
  name: string,
  codec: string[],
  { seconds = 4, size = '176x144', rate = 25, audio = true } = {},
): string {
  const out = join(dir, name);
  const a = audio ? ['-f', 'lavfi', '-i', `sine=duration=${seconds}`, '-c:a', 'pcm_s16le'] : [];
  ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`, ...a, ...codec, out]);
  return out;
}

/** The stream facts ffprobe gives (what the engine passes in). */
function streamOf(file: string): AviStream {
  const [index, codec, hasB] = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=index,codec_name,has_b_frames',
      '-of',
      'csv=p=0',
      file,
    ],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n')[0]!
    .split(',');
  return { index: Number(index), codec: codec!, hasBFrames: Number(hasB) };
}

/** The frame table of a full decode by the CLI: every frame's exact pts and key flag, as showinfo prints them. */
function decodedTable(file: string) {
  const run = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-copyts', '-i', file, '-map', '0:v:0', '-vf', 'showinfo', '-f', 'null', '-'],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  return buildFrameTable(parseShowinfo(run.stderr.split('\n')));
}

/** A reader over the file's bytes, counting its requests (pieces asked for together count once) and bytes. */
function reader(bytes: Uint8Array) {
  const stats = { reads: 0, bytes: 0 };
  const piece = (start: number, end: number) => {
    const out = bytes.subarray(start, Math.min(end, bytes.length));
    stats.bytes += out.length;
    return out;
  };
  const read = (start: number, end: number) => {
    stats.reads++;
    return Promise.resolve(piece(start, end));
  };
  const readPieces = (pieces: readonly { start: number; end: number }[]) => {
    stats.reads++;
    return Promise.resolve(pieces.map(({ start, end }) => piece(start, end)));
  };
  return { read, readPieces, stats };
}

async function indexTable(file: string, bytes = new Uint8Array(readFileSync(file)), options: AviReadOptions = {}) {
  const { read, readPieces, stats } = reader(bytes);
  const frames = await aviFrames(read, bytes.length, streamOf(file), { readPieces, ...options });
  return { table: frames?.table ?? null, keysBefore: frames?.keysBefore ?? null, stats };
}

describe('aviFrameTable', () => {
  const cases: [string, () => string][] = [
    [
      'MPEG-4 Part 2 with B-frames (open GOPs), audio interleaved',
      () => makeAvi('bf.avi', ['-c:v', 'mpeg4', '-bf', '2', '-g', '12', '-q:v', '5']),
    ],
    [
      'MPEG-4 Part 2 with 3 B-frames and scene-cut key frames',
      () =>
        makeAvi('bf3.avi', ['-c:v', 'mpeg4', '-bf', '3', '-g', '40', '-sc_threshold', '-30000', '-q:v', '5'], {
          seconds: 6,
        }),
    ],
    ['MPEG-4 Part 2 without B-frames', () => makeAvi('nob.avi', ['-c:v', 'mpeg4', '-g', '10', '-q:v', '5'])],
    [
      'MJPEG (every frame a key frame), 30000/1001 fps',
      () => makeAvi('mjpeg.avi', ['-c:v', 'mjpeg', '-q:v', '5'], { rate: 30000 / 1001 }),
    ],
    [
      'H.264 without B-frames',
      () => makeAvi('h264.avi', ['-c:v', 'libx264', '-bf', '0', '-g', '15', '-preset', 'ultrafast'], { audio: false }),
    ],
    ['a real MPEG-4 file (fixture)', () => join(import.meta.dirname, '../fixtures/mpeg4_avi_400x300_bicycle.avi')],
    [
      'VP9 with empty chunks (dropped frames keep their time slots) and MP3 (fixture)',
      () => join(import.meta.dirname, '../fixtures/vp9_avi_320x240_187fps_ball.avi'),
    ],
    [
      'Indeo 4, with stray bytes after its RIFF (fixture)',
      () => join(import.meta.dirname, '../fixtures/indeo4_avi_256x240_flame.avi'),
    ],
  ];
  for (const [what, make] of cases) {
    it(`gives the table of a full decode: ${what}`, async () => {
      const file = make();
      const expected = decodedTable(file);
      const { table, stats } = await indexTable(file);
      expect(expected).not.toBeNull();
      expect(table).toEqual(expected);
      // The index and a few frame headers, not the file.
      const size = readFileSync(file).length;
      expect(stats.bytes).toBeLessThan(Math.max(64 * 1024, size / 4));
    });
  }

  it('asks for the headers of the frames after a key frame together: one request per key frame', async () => {
    const file = makeAvi('window.avi', ['-c:v', 'mpeg4', '-bf', '2', '-g', '12', '-q:v', '5'], { seconds: 8 });
    const { table, stats } = await indexTable(file);
    const keys = framesOf(table!).filter((f) => f.key).length;
    expect(keys).toBeGreaterThan(10);
    // The file's header, index and packing check take a handful; then one request per key frame, not one per header.
    expect(stats.reads).toBeLessThanOrEqual(keys + 12);
    // Asked one by one, the same table.
    const bytes = new Uint8Array(readFileSync(file));
    expect((await aviFrames(reader(bytes).read, bytes.length, streamOf(file)))?.table).toEqual(table);
  });

  it('with keys left to the job, reads one header run per frame asked about, and names the key frame each decodes from', async () => {
    for (const [name, codec] of [
      ['lazy-bf.avi', ['-c:v', 'mpeg4', '-bf', '2', '-g', '12', '-q:v', '5']],
      ['lazy-bf3.avi', ['-c:v', 'mpeg4', '-bf', '3', '-g', '40', '-sc_threshold', '-30000', '-q:v', '5']],
      ['lazy-nob.avi', ['-c:v', 'mpeg4', '-g', '10', '-q:v', '5']],
    ] as const) {
      const file = makeAvi(name, [...codec], { seconds: 6 });
      const expected = decodedTable(file)!;
      const { table, keysBefore, stats } = await indexTable(file, undefined, { keys: 'first' });
      // The same frame times; with B-frames only the first key frame is flagged, and keysBefore finds the others.
      expect(framesOf(table!).map((f) => f.time)).toEqual(framesOf(expected).map((f) => f.time));
      const keyTimes = framesOf(expected)
        .filter((f) => f.key)
        .map((f) => f.time);
      if (!keysBefore) {
        expect(table).toEqual(expected);
        continue;
      }
      expect(
        framesOf(table!)
          .filter((f) => f.key)
          .map((f) => f.time),
      ).toEqual(keyTimes.slice(0, 1));
      const readsAtOpen = stats.reads;
      // The headers, the index and the first key frame's B-frames: a dozen reads whatever the length.
      expect(readsAtOpen).toBeLessThanOrEqual(12);
      const asked = framesOf(expected)
        .filter((_, i) => i % 7 === 3)
        .map((f) => f.time);
      const lastKeyBefore = (t: number) => keyTimes.filter((k) => k <= t).at(-1)!;
      expect(await keysBefore(asked), name).toEqual([...new Set(asked.map(lastKeyBefore))]);
      // Every key frame, asked about each frame: the full list.
      expect(await keysBefore(framesOf(expected).map((f) => f.time))).toEqual(keyTimes);
      expect(stats.reads - readsAtOpen).toBeLessThanOrEqual(2 * keyTimes.length);
    }
  });

  it('reads the OpenDML index of a file over 1 GiB (several RIFFs), with B-frames', async () => {
    // ffmpeg writes OpenDML indexes only once a file outgrows its first 1 GiB RIFF: 10 s of noisy 640×480, copied
    // end to end ten times (1.1 GB, a few seconds).
    const segment = makeAvi(
      'seg.avi',
      ['-vf', 'noise=alls=40:allf=t', '-c:v', 'mpeg4', '-q:v', '1', '-bf', '2', '-g', '30'],
      { seconds: 10, size: '640x480', rate: 30, audio: false },
    );
    const list = join(dir, 'list.txt');
    writeFileSync(list, `file '${segment}'\n`.repeat(10));
    const file = join(dir, 'big.avi');
    ffmpeg(['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', file]);
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(2 ** 30);
    const fd = openSync(file, 'r');
    try {
      let bytesRead = 0;
      const read = (start: number, end: number) => {
        const piece = new Uint8Array(Math.max(0, Math.min(end, size) - start));
        bytesRead += readSync(fd, piece, 0, piece.length, start);
        return Promise.resolve(piece);
      };
      const table = (await aviFrames(read, size, streamOf(file)))?.table;
      expect(framesOf(table!)).toHaveLength(3000);
      expect(table).toEqual(decodedTable(file));
      expect(bytesRead).toBeLessThan(1 << 20);
    } finally {
      closeSync(fd);
    }
  }, 60_000);

  it('gives null (the engine then scans the packets) where the index cannot tell the exact frame times', async () => {
    // H.264 with B-frames: presentation order is in the slice headers, not the index.
    const h264 = makeAvi('h264-bf.avi', ['-c:v', 'libx264', '-bf', '2', '-preset', 'ultrafast'], { audio: false });
    expect((await indexTable(h264)).table).toBeNull();
    // A file cut before its end: the index (written last) is missing or points past the end.
    const whole = new Uint8Array(readFileSync(makeAvi('cut.avi', ['-c:v', 'mpeg4', '-q:v', '5'])));
    const cut = join(dir, 'cut-half.avi');
    writeFileSync(cut, whole.subarray(0, whole.length >> 1));
    expect((await indexTable(cut)).table).toBeNull();
    // Not an AVI at all.
    const { read } = reader(new TextEncoder().encode('RIFF\x04\x00\x00\x00WAVEfmt '));
    expect(await aviFrames(read, 16, { index: 0, codec: 'mpeg4', hasBFrames: 0 })).toBeNull();
  });

  it('reads the coding type of a VOP header, past the headers of a key frame', () => {
    const vop = (typeBits: number) => Uint8Array.from([0, 0, 1, 0xb6, typeBits << 6, 0x12]);
    expect(vopType(vop(0))).toBe('I');
    expect(vopType(vop(1))).toBe('P');
    expect(vopType(vop(2))).toBe('B');
    expect(vopType(Uint8Array.from([0, 0, 1, 0xb3, 0, 0, 0, 0, 1, 0xb6, 0x80, 0]))).toBe('B');
    expect(vopType(Uint8Array.from([0, 0, 1, 0xb3, 1, 2, 3]))).toBeNull();
  });
});
