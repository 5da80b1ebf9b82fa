// Times for the packets ffmpeg lists without one (MPEG-PS), against the frames' true times: made-up streams in decode
// order with chosen packets' times taken away, and VOBs made at test time whose full packet list, dated, must give the
// table the CLI's decoder gives (which is what the engine read from a full decode before).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFrameTable } from '../../src/core/frame-table.js';
import { dateList, datePackets, type ListedPacket, type WindowPacket } from '../../src/engine/ffmpeg/packet-dating.js';
import { parsePacketCsv } from '../../src/engine/ffmpeg/probe-parse.js';
import { cliFrameTable } from '../cli-table.js';
import { decodeOrderStream } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'packet-dating-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('datePackets', () => {
  // 25 fps, I B B P B B P…, a key frame every 12 frames; a seeked run begins 2 packets into a GOP's middle.
  const grid = decodeOrderStream(400, 100, 0.04, 12, 2);
  const untime = (run: readonly ListedPacket[], at: number[]): ListedPacket[] =>
    run.map((p, i) => (at.includes(i) ? { ...p, pts: null } : p));
  const ptsOf = (run: readonly WindowPacket[] | null) => run?.map((p) => p.pts.toFixed(6));
  const expected = (run: readonly WindowPacket[], from = 0) => ptsOf(run.slice(from));

  it('gives each untimed packet the slot no other frame takes, a key frame among them', () => {
    const run = grid.slice(0, 100);
    const keyAt = run.findIndex((p, i) => i > 30 && p.key);
    const dated = datePackets(untime(run, [4, keyAt, 80]), 0.04, 1, { fromStart: true });
    expect(ptsOf(dated)).toEqual(expected(run));
    expect(dated!.filter((p) => p.key).length).toBe(run.filter((p) => p.key).length);
  });

  it('dates the file’s first key frame, and the last packet of the stream', () => {
    const head = grid.slice(0, 40);
    expect(ptsOf(datePackets(untime(head, [0]), 0.04, 1, { fromStart: true }))).toEqual(expected(head));
    // (Read after a seek: from past the packets a seek may garble.)
    const tail = grid.slice(-40);
    expect(ptsOf(datePackets(untime(tail, [39]), 0.04, 1, { toEnd: true }))).toEqual(expected(tail, 2));
  });

  it('starts a run read after a seek past the packets a seek may garble, or at its first key frame after them', () => {
    const run = grid.slice(50, 130);
    const firstKey = run.findIndex((p, i) => i >= 2 && p.key);
    expect(firstKey).toBeGreaterThan(4);
    const garbled = untime(run, [1, firstKey + 10]).map((p, i) => (i === 0 ? { ...p, pts: run[2]!.pts } : p));
    expect(ptsOf(datePackets(garbled, 0.04, 1))).toEqual(expected(run, 2));
    // An untimed frame among the next few: the start of the span is unknown there.
    expect(ptsOf(datePackets(untime(garbled, [3]), 0.04, 1))).toEqual(expected(run, firstKey));
    // Landing inside a key frame: its tail is a key-flagged packet with another's time.
    const atKey = grid.slice(grid.findIndex((p, i) => i > 50 && p.key)).slice(0, 60);
    const nextKey = atKey.findIndex((p, i) => i >= 2 && p.key);
    const tail = untime(atKey, [1, 3, nextKey + 4]).map((p, i) => (i === 0 ? { ...p, pts: atKey[4]!.pts } : p));
    expect(ptsOf(datePackets(tail, 0.04, 1))).toEqual(expected(atKey, nextKey));
  });

  it('cuts a run before an untimed packet that may show past what the run holds in full', () => {
    const run = grid.slice(0, 60);
    const dated = datePackets(untime(run, [10, 57]), 0.04, 1, { fromStart: true });
    expect(ptsOf(dated)).toEqual(expected(run.slice(0, 57)));
  });

  it('refuses what it cannot be sure of', () => {
    const run = grid.slice(0, 100);
    const keyAt = run.findIndex((p, i) => i > 30 && p.key);
    // An untimed key frame next to another untimed packet: which shows first is unknown.
    expect(datePackets(untime(run, [keyAt, keyAt + 1]), 0.04, 1, { fromStart: true })).toBeNull();
    // A time off the grid, or listed twice.
    const off = untime(run, [5]).map((p, i) => (i === 20 ? { ...p, pts: p.pts! + 0.01 } : p));
    expect(datePackets(off, 0.04, 1, { fromStart: true })).toBeNull();
    const twice = untime(run, [5]).map((p, i) => (i === 20 ? { ...p, pts: run[21]!.pts } : p));
    expect(datePackets(twice, 0.04, 1, { fromStart: true })).toBeNull();
    // A decoder that holds back two frames (B-pyramids) shows frames further from their decode order.
    expect(datePackets(untime(run, [5]), 0.04, 2, { fromStart: true })).toBeNull();
    // Every time there: given as it is, whatever the decoder.
    expect(datePackets(run, 0.04, 4)).toEqual(run);
  });
});

describe('dateList', () => {
  /** A minute of small pictures (a few packets untimed) with audio, in a VOB: `codec` is the video encoder's options. */
  const vob = (name: string, codec: string[]) => {
    const file = join(dir, name);
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=60'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=60'],
      ...[...codec, '-c:a', 'mp2', '-f', 'vob', file],
    ]);
    const csv = execFileSync(
      'ffprobe',
      ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file],
      { encoding: 'utf8' },
    );
    return { file, rows: parsePacketCsv(csv) };
  };

  it('gives a VOB’s full packet list the times the CLI’s decoder gives every frame', () => {
    const { file, rows } = vob('mpeg2.vob', ['-c:v', 'mpeg2video', '-q:v', '4', '-bf', '2', '-g', '15']);
    expect(rows.filter((r) => r.pts === null).length).toBeGreaterThan(5);
    const dated = dateList(rows, 1);
    expect(dated).not.toBeNull();
    const table = buildFrameTable(dated!)!;
    const decoded = cliFrameTable(file);
    expect(Array.from(table.times)).toEqual(Array.from(decoded.times));
    expect(Array.from(table.keys)).toEqual(Array.from(decoded.keys));
    expect(table.startSec).toBe(decoded.startSec);
  }, 60_000);

  it('refuses H.264 in MPEG-PS, whose decoder holds back more than one frame', () => {
    const { rows } = vob('h264.vob', ['-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '3', '-g', '48']);
    expect(rows.some((r) => r.pts === null)).toBe(true);
    expect(dateList(rows, 2)).toBeNull();
  }, 60_000);

  it('dates the first and last packets of a list, and leaves a list with every time as it is', () => {
    const all = decodeOrderStream(200, 5, 0.04, 12, 2);
    const rows = all.map((p, i) => ({ pts: i === 0 || i === 199 || i === 100 ? null : p.pts, key: p.key }));
    expect(dateList(rows, 1)?.map((p) => p.pts.toFixed(6))).toEqual(all.map((p) => p.pts.toFixed(6)));
    expect(dateList(all, 4)?.map((p) => p.pts)).toEqual(all.map((p) => p.pts));
  });
});
