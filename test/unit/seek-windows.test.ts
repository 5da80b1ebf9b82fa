// Windows around the targets instead of every packet, in MPEG-TS, against the full packet list (the CLI's
// ffprobe as the oracle, and also as the prober: the same libavformat seeks the engine's ffprobe makes). The jobs
// must take the very frames, and decode them from the very key frames, that the table of every frame gives; where
// the windows cannot be sure (a timestamp jump they see), they give null and the engine lists every packet.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOrderStream, keysBefore, targetsOf } from './support.js';
import { cliFrameTable } from '../cli-table.js';
import { resolveOptions, type SpriteOptions } from '../../src/core/options.js';
import { selectFrames } from '../../src/core/selection.js';
import { parseStreamInfo, PROBE_ENTRIES } from '../../src/engine/ffmpeg/probe-parse.js';
import {
  answerTarget,
  parseWindowPackets,
  planWindows,
  splitRuns,
  streamEnds,
  tableFromWindows,
  tableStartBefore,
  TS_PACKET_BYTES,
  windowProbeArgs,
  type WindowPacket,
} from '../../src/engine/ffmpeg/seek-windows.js';

const dir = mkdtempSync(join(tmpdir(), 'seek-windows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
const probe = (args: string[]) =>
  execFileSync('ffprobe', ['-v', 'error', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });

/** `seconds` of test picture (a different one per `pattern`) at `fps`, encoded with `codec`, into `out`. */
function make(
  out: string,
  seconds: number,
  fps: number,
  codec: string[],
  muxer: string[],
  pattern = 'testsrc2',
): string {
  const file = join(dir, out);
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `${pattern}=size=160x120:rate=${fps}:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    ...codec,
    '-c:a',
    'mp2',
    ...muxer,
    file,
  ]);
  return file;
}

/** Two files end to end, as a recorder that restarts or a cut broadcast writes them. */
function joined(out: string, a: string, b: string): string {
  const file = join(dir, out);
  writeFileSync(file, Buffer.concat([readFileSync(a), readFileSync(b)]));
  return file;
}

const MPEG2 = ['-c:v', 'mpeg2video', '-q:v', '4', '-bf', '2', '-g', '15'];
const H264 = [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-bf',
  '3',
  '-g',
  '48',
  '-x264-params',
  'open-gop=1:scenecut=0',
];

/** `f` of each file computed once: the full packet lists are read once per file, not once per job. */
function perFile<T>(f: (file: string) => T): (file: string) => T {
  const done = new Map<string, T>();
  return (file) => {
    if (!done.has(file)) done.set(file, f(file));
    return done.get(file)!;
  };
}

/** The table of every frame, as the engine builds it without windows. */
const fullTable = perFile(cliFrameTable);

/** The byte positions of the key frames, by time in the full table (ms; a clock that restarts has two at a time). */
const keyPositionsOf = perFile((file) => {
  const startSec = fullTable(file).startSec;
  const positions = new Map<number, number[]>();
  const csv = probe(['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,pos,flags', '-of', 'csv=p=0', file]);
  for (const line of csv.split('\n')) {
    if (!line.includes('K')) continue;
    const [pts, pos] = line.split(',').map(Number);
    const ms = Math.round((pts! - startSec) * 1e6) / 1e3;
    positions.set(ms, [...(positions.get(ms) ?? []), pos!]);
  }
  return positions;
});

function streamOf(file: string) {
  const info = parseStreamInfo(probe(['-show_entries', PROBE_ENTRIES, '-of', 'json', file]));
  return {
    claimedEndSec: info.claimedEndSec!,
    formatStartSec: info.formatStartSec,
    reorder: info.hasBFrames,
    untimed: !file.endsWith('.ts'),
  };
}

/** ffprobe listing windows, as the engine's decoder runs it; counts the calls. */
function lister(file: string) {
  const calls: string[] = [];
  const list = (intervals: string) => {
    calls.push(intervals);
    const args = windowProbeArgs('v:0', intervals, file);
    return Promise.resolve(execFileSync('ffprobe', args, { encoding: 'utf8', maxBuffer: 1 << 26 }));
  };
  return { list, calls };
}

/** The windows' answer for `options`, against the full table's; null when the windows gave up. */
async function compare(file: string, options: Partial<SpriteOptions>, lanes = 1) {
  const opts = resolveOptions({ f: 'jpg', ...options });
  const full = fullTable(file);
  const { list, calls } = lister(file);
  const windowed = await tableFromWindows(list, streamOf(file), targetsOf(opts), lanes);
  const partial = windowed?.table ?? null;
  if (!partial) return { partial, calls };
  const want = selectFrames(full, opts).map((c) => c.time);
  const got = selectFrames(partial, opts).map((c) => c.time);
  expect(got).toEqual(want);
  expect(keysBefore(partial, got)).toEqual(keysBefore(full, want));
  expect(partial).toMatchObject({
    startSec: full.startSec,
    durationMs: full.durationMs,
    frameIntervalMs: full.frameIntervalMs,
    partial: 'targets',
  });
  expect(partial.times.length).toBeLessThan(full.times.length / 2);
  // Every key frame a capture decodes from has its byte position, where the packet list puts a key frame of that time.
  const positions = keyPositionsOf(file);
  // (MPEG-TS only: in MPEG-PS the execs seek by time, and a key frame split off a PES packet has no position.)
  if (file.endsWith('.ts'))
    for (const k of keysBefore(partial, got)) if (k > 0) expect(positions.get(k)).toContain(windowed!.keyPos.get(k));
  return { partial, calls };
}

const jobs: [string, Partial<SpriteOptions>][] = [
  ['avg 20', { m: 'avg', num: 20 }],
  ['avg 7 from 3.3 s', { m: 'avg', num: 7, ss: 3300 }],
  ['inter 13.7 s', { m: 'inter', inter: 13_700 }],
  ['dhash every 15 s', { m: 'dhash', inter: 15_000 }],
];

describe('tableFromWindows', () => {
  // Four minutes: twenty windows of a GOP each stay well under a third of the video.
  const files: [string, () => string][] = [
    ['MPEG-2 in MPEG-TS, B-frames, audio', () => make('plain.ts', 240, 25, MPEG2, ['-f', 'mpegts'])],
    [
      'MPEG-2 in MPEG-TS whose timestamps wrap (33 bits) mid-file',
      () => make('wrap.ts', 240, 30, MPEG2, ['-output_ts_offset', String(2 ** 33 / 90000 - 100), '-f', 'mpegts']),
    ],
    ['H.264 in MPEG-TS, 3 B-frames, open GOPs of 2 s', () => make('h264.ts', 240, 24, H264, ['-f', 'mpegts'])],
    // Small pictures share 2 KiB PES packets: 2 % of them have no time, key frames among them.
    [
      'MPEG-2 in MPEG-PS (VOB), B-frames, audio, packets without a time',
      () => make('plain.vob', 240, 25, MPEG2, ['-f', 'vob']),
    ],
  ];
  for (const [what, file] of files) {
    it(`takes the frames the full packet list gives: ${what}`, async () => {
      const path = file();
      for (const [job, options] of jobs) {
        const { partial, calls } = await compare(path, options);
        expect(partial, `${job}: windows gave up`).not.toBeNull();
        // The ends, then one call for every target (a second only where a window found no key frame).
        expect(calls.length, job).toBeLessThanOrEqual(3);
      }
      // Shared among two decoders: the same answer, the windows in two calls.
      const { partial, calls } = await compare(path, { m: 'avg', num: 20 }, 2);
      expect(partial).not.toBeNull();
      expect(calls.length).toBeGreaterThanOrEqual(3);
    }, 60_000);
  }

  it('gives up where a window sees a timestamp jump: the full list is then read', async () => {
    const a = make('a.ts', 30, 25, MPEG2, ['-f', 'mpegts']);
    const b = make('b.ts', 30, 25, MPEG2, ['-output_ts_offset', '45', '-f', 'mpegts'], 'smptebars');
    const jump = joined('jump.ts', a, b);
    // 15 s missing between the two halves: avg 20 has targets every 3.75 s, some within the gap.
    const { partial } = await compare(jump, { m: 'avg', num: 20 });
    expect(partial).toBeNull();
  }, 60_000);

  it('where no window crosses a jump, keeps the stream’s own interval; the length is off by under interval × jump / length', async () => {
    // 0.4 s (10 frames) missing at 60 s; avg 5 looks around 0, 24, 48, 72 and 96 s only.
    const a = make('g.ts', 60, 25, MPEG2, ['-f', 'mpegts']);
    const b = make('h.ts', 60, 25, MPEG2, ['-output_ts_offset', '60.4', '-f', 'mpegts'], 'smptebars');
    const file = joined('small-jump.ts', a, b);
    const opts = resolveOptions({ f: 'jpg', m: 'avg', num: 5 });
    const full = fullTable(file);
    const partial = (await tableFromWindows(lister(file).list, streamOf(file), targetsOf(opts)))!.table;
    expect(partial).not.toBeNull();
    expect(partial.frameIntervalMs).toBe(40);
    // The full list's mean gap counts the jump in (about 40.1 ms).
    expect(full.frameIntervalMs).toBeGreaterThan(40.1);
    const lastMs = full.times[full.times.length - 1]!;
    expect(Math.abs(partial.durationMs - full.durationMs)).toBeLessThanOrEqual(
      Math.ceil((partial.frameIntervalMs * 400) / lastMs) + 1,
    );
    expect(selectFrames(partial, opts).map((c) => c.time)).toEqual(selectFrames(full, opts).map((c) => c.time));
  }, 60_000);

  it('gives the full list’s answer where a recording restarts its clock on the same frame grid', async () => {
    // Both halves from 0 to 120 s: the full list has each time twice and keeps the first, so its table is one
    // half's, which the windows also find (in whichever half ffprobe's seek lands).
    const a = make('c.ts', 120, 25, MPEG2, ['-f', 'mpegts']);
    const b = make('d.ts', 120, 25, MPEG2, ['-f', 'mpegts'], 'smptebars');
    const restart = joined('restart.ts', a, b);
    const { partial } = await compare(restart, { m: 'avg', num: 10 });
    expect(partial).not.toBeNull();
  }, 60_000);

  it('gives up on untimed packets in MPEG-PS where the decoder holds back more than one frame (H.264)', async () => {
    const ps = make('h264.vob', 60, 25, H264, ['-f', 'vob']);
    const untimed = probe(['-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', ps]);
    expect(untimed.split('\n').filter((l) => l.startsWith('N/A')).length).toBeGreaterThan(100);
    const { list } = lister(ps);
    const opts = resolveOptions({ f: 'jpg', m: 'avg', num: 5 });
    expect(await tableFromWindows(list, streamOf(ps), targetsOf(opts))).toBeNull();
  }, 60_000);

  it('gives up, not a wrong count, where the frame interval differs at the start and the end', async () => {
    const a = make('e.ts', 20, 25, MPEG2, ['-f', 'mpegts']);
    const b = make('f.ts', 20, 30, MPEG2, ['-output_ts_offset', '20', '-f', 'mpegts']);
    const { partial } = await compare(joined('rates.ts', a, b), { m: 'avg', num: 20 });
    expect(partial).toBeNull();
  }, 60_000);
});

describe('the windows’ parts', () => {
  const all = decodeOrderStream(3001, 10, 0.04, 48, 2);
  const ends = streamEnds(all.slice(0, 64), all.slice(-30), 1)!;

  it('reads the start, the end, the interval and the count from the head and the tail alone', () => {
    expect(ends).toMatchObject({ startSec: 10, frameCount: 3001 });
    expect(ends.gopSec).toBeCloseTo(1.92, 9);
    expect(ends.lastSec).toBeCloseTo(10 + 3000 * 0.04, 9);
    expect(ends.facts).toEqual({ durationMs: 120040, frameIntervalMs: 40 });
  });

  it('splits one call’s rows at the sentinels, and refuses a split it cannot be sure of', () => {
    const first = all[0]!;
    const rows = [first, ...all.slice(1, 5), first, ...all.slice(100, 110), first, first];
    expect(splitRuns(rows, 4)?.map((r) => r.length)).toEqual([5, 10, 0, 0]);
    expect(splitRuns(rows, 3)).toBeNull();
  });

  it('merges windows that overlap, and reads from the start those that reach back to it', () => {
    const plan = planWindows([10, 11, 30, 31, 60], 10, 2, 0.5);
    expect(plan).toEqual({
      fromStartToSec: 11.5,
      windows: [
        { fromSec: 28, toSec: 31.5 },
        { fromSec: 58, toSec: 60.5 },
      ],
      runOf: [0, 0, 1, 1, 2],
    });
  });

  it('answers a target from the key frame before it, asks to look further back without one, and sees a gap', () => {
    const window = (fromSec: number, toSec: number) => {
      const at = all.findIndex((p) => p.pts >= fromSec);
      const stop = all.findIndex((p, i) => i > at && p.pts > toSec);
      return all.slice(at, stop < 0 ? undefined : stop);
    };
    const t = 50_000.5; // ms from the start: frame 1250 is on screen.
    const answer = answerTarget(window(10 + 48.5, 10 + 50.5), t, ends);
    expect(answer).not.toBe('no-key');
    expect(answer).not.toBe('irregular');
    const frames = (answer as { frames: WindowPacket[] }).frames;
    expect(frames[0]).toMatchObject({ key: true });
    expect(frames.some((p) => Math.abs(p.pts - (10 + 50)) < 1e-9)).toBe(true);
    expect(answerTarget(window(10 + 49.5, 10 + 50.5), 49_900, ends)).toBe('no-key');
    const gap = window(10 + 48.5, 10 + 50.5).filter((p) => Math.abs(p.pts - 60) > 1e-9);
    expect(answerTarget(gap, t, ends)).toBe('irregular');
  });

  it('finds the stream tables before a key frame’s packet, in 188-byte packets only', () => {
    const packet = (pid: number, start: boolean) => {
      const p = new Uint8Array(TS_PACKET_BYTES);
      p.set([0x47, (start ? 0x40 : 0) | (pid >> 8), pid & 0xff]);
      return p;
    };
    // From byte 1000: video, the PAT (PID 0, a section start), the PMT, video, then the key frame's packet.
    const packets = [packet(0x100, false), packet(0, true), packet(0x1000, true), packet(0x100, false)];
    const bytes = new Uint8Array(packets.length * TS_PACKET_BYTES);
    packets.forEach((p, i) => bytes.set(p, i * TS_PACKET_BYTES));
    const from = 1000;
    const key = from + bytes.length;
    expect(tableStartBefore(bytes, from, key)).toBe(from + TS_PACKET_BYTES);
    // No PAT within the bytes read; bytes that are not 188-byte packets.
    expect(tableStartBefore(bytes.slice(2 * TS_PACKET_BYTES), from + 2 * TS_PACKET_BYTES, key)).toBeNull();
    const shifted = new Uint8Array(bytes.length);
    shifted.set(bytes.subarray(4), 0);
    expect(tableStartBefore(shifted, from, key)).toBeNull();
  });

  it('reads ffprobe’s packet rows, with no time or position where it prints N/A, and refuses a row it cannot read', () => {
    expect(parseWindowPackets('1.5,376,K_\n\n1.54,1504,__,\nN/A,N/A,K_\n')).toEqual([
      { pts: 1.5, pos: 376, key: true },
      { pts: 1.54, pos: 1504, key: false },
      { pts: null, pos: null, key: true },
    ]);
    expect(parseWindowPackets('1.5,x,K_\n')).toBeNull();
  });
});
