// Index-less containers for WebCodecs (MPEG-TS, Matroska with and without cues, WebM): the frame count from the two
// ends and a lookup at each target give the answers of the list of every packet, or null where they may not. Without
// cues, the lookups are matroska-clusters.ts's search on bytes.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { BlobSource, EncodedPacketSink, Input, MATROSKA, MPEG_TS, WEBM, type InputVideoTrack } from 'mediabunny';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundMs, targetFramesTable, type FrameTable } from '../../src/core/frame-table.js';
import {
  framesAtTargets,
  gridIndex,
  listPackets,
  onGrid,
  packetFrames,
  type GridIndex,
  type PacketIndex,
  type PacketLookup,
  trackClock,
} from '../../src/engine/container-index.js';

const dir = mkdtempSync(join(tmpdir(), 'grid-index-'));
const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', ...args], { maxBuffer: 1 << 28 });
/** A test pattern with a tone, `seconds` long at `rate`, through `codec` arguments. */
const clip = (seconds: number, rate: string, codec: string[], extra: string[] = []) => [
  ...['-f', 'lavfi', '-i', `testsrc2=size=160x90:rate=${rate}:duration=${seconds}`],
  ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`],
  ...codec,
  ...extra,
];
/** Frame times from `expr` (setpts), kept to 1/90 000 s through the encoder (its default time base is the rate's). */
const retimed = (expr: string) => [
  ...['-vf', `settb=1/90000,setpts='${expr}'`, '-fps_mode', 'passthrough', '-enc_time_base:v', '1/90000'],
];
/** H.264 with 3 B-frames and open GOPs every 2 s at 25 fps (the first frames after a key frame are shown before it). */
const X264 = ['-c:v', 'libx264', '-bf', '3', '-x264-params', 'keyint=48:min-keyint=48:scenecut=0:open-gop=1'];

interface Opened {
  input: Input;
  track: InputVideoTrack;
  /** The grid as the WebCodecs decoder reads it. */
  index: GridIndex | null;
  /** The lookups it makes. */
  lookup: () => PacketLookup;
}

async function open(file: string): Promise<Opened> {
  const blob = new Blob([readFileSync(file)]);
  const input = new Input({ source: new BlobSource(blob), formats: [MPEG_TS, MATROSKA, WEBM] });
  const track = await input.getPrimaryVideoTrack();
  if (!track) throw new Error(`${file}: no video track`);
  const clock = await trackClock(track, await input.getFormat(), blob);
  const lookup = () => clock.clusters ?? new EncodedPacketSink(track);
  return { input, track, lookup, index: await gridIndex(lookup(), clock) };
}

/** The list of every packet and its frame table: what a job reads without the grid. */
async function fullList(
  track: InputVideoTrack,
): Promise<{ packets: PacketIndex; table: FrameTable; source: Int32Array }> {
  const packets = await listPackets(new EncodedPacketSink(track));
  const indexed = packetFrames(packets, packets.pts.length, false)!;
  return { packets, ...indexed };
}

/**
 * Checks the grid's answers against the full list for `targets` (ms from the start): the frame on screen at each,
 * the key frame it decodes from (the last key packet before it in decode order), and the length and interval.
 */
async function expectFullListAnswers(
  { track, lookup }: Pick<Opened, 'track' | 'lookup'>,
  index: GridIndex,
  targets: number[],
  label: string,
) {
  const { packets, table, source } = await fullList(track);
  expect(index.frameCount, label).toBe(table.times.length);
  expect(Math.abs(index.startSec - table.startSec), label).toBeLessThan(1e-9);
  const found = await framesAtTargets(lookup(), index.startSec, targets, index);
  expect(found, label).not.toBeNull();
  const { frames, keyOf } = found!;
  const gridTable = targetFramesTable(index.startSec, frames, index.frameCount, index.lastSec);
  expect([gridTable.durationMs, gridTable.frameIntervalMs], label).toEqual([table.durationMs, table.frameIntervalMs]);
  const byTime = new Map(frames.map((f) => [roundMs((f.pts - index.startSec) * 1000), f]));
  for (const t of targets) {
    let i = -1;
    while (i + 1 < table.times.length && table.times[i + 1]! <= t) i++;
    if (i < 0) continue;
    const frame = byTime.get(table.times[i]!);
    expect(frame, `${label}: frame on screen at ${t} ms`).toBeDefined();
    expect(onGrid(index, frame!.pts), label).toBe(true);
    let k = source[i]!;
    while (k > 0 && packets.key[k] !== 1) k--;
    expect(keyOf.get(frame!.seq)?.pts, `${label}: key frame before ${t} ms`).toBe(packets.pts[k]);
  }
}

const files: Record<string, string> = {};

beforeAll(() => {
  files.ts = join(dir, 'open-gop.ts');
  ffmpeg(['-y', ...clip(40, '25', X264), '-c:a', 'aac', files.ts]);
  files.ntscTs = join(dir, 'ntsc.ts');
  ffmpeg(['-y', ...clip(30, '30000/1001', X264), '-c:a', 'aac', files.ntscTs]);
  // 29.97 fps in Matroska: times rounded to the ms (33 or 34 ms apart); the frame duration is declared to the ns.
  files.mkv = join(dir, 'ntsc.mkv');
  ffmpeg(['-y', ...clip(40, '30000/1001', X264), '-c:a', 'libopus', files.mkv]);
  // Written to a pipe, the muxer cannot go back: no cues, no duration.
  files.noCues = join(dir, 'no-cues.mkv');
  execFileSync('sh', ['-c', `ffmpeg -v error -i '${files.mkv}' -c copy -f matroska - > '${files.noCues}'`]);
  files.webm = join(dir, 'vp9.webm');
  ffmpeg([
    '-y',
    ...clip(20, '24', ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-g', '48'], ['-c:a', 'libopus']),
    files.webm,
  ]);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the grid from both ends of an index-less file, for WebCodecs', () => {
  for (const name of ['ts', 'ntscTs', 'mkv', 'noCues', 'webm']) {
    it(`${name}: the full list's frame count, and its answers at random targets`, async () => {
      const opened = await open(files[name]!);
      const { input, index } = opened;
      try {
        expect(index, name).not.toBeNull();
        const lengthMs = (index!.lastSec - index!.startSec) * 1000;
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.double({ min: 0, max: lengthMs + 100, noNaN: true }), { minLength: 1, maxLength: 12 }),
            async (raw) => {
              const targets = [...new Set(raw.map((t) => roundMs(t)))].sort((a, b) => a - b);
              await expectFullListAnswers(opened, index!, targets, `${name} ${targets.join(',')}`);
            },
          ),
          { numRuns: 8 },
        );
        // Targets on frame times exactly, and between them, at both ends.
        const step = index!.intervalSec * 1000;
        const edges = [0, step / 2, step, lengthMs - step, lengthMs, lengthMs + step];
        await expectFullListAnswers(opened, index!, edges.map(roundMs), name);
      } finally {
        input.dispose();
      }
    }, 60_000);
  }
});

describe("where the ends cannot give the full list's answer, null (every packet is listed)", () => {
  const nullIndex = async (file: string) => {
    const { input, index } = await open(file);
    input.dispose();
    return index;
  };

  it('Matroska cut short: its cues would be past its end (the list tells where it stops)', async () => {
    const whole = readFileSync(files.mkv!);
    const file = join(dir, 'cut.mkv');
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect(await nullIndex(file)).toBeNull();
  });

  it('variable frame rate: times off any grid at the start', async () => {
    const file = join(dir, 'vfr.mkv');
    // Every third frame 10 ms late.
    const vfr = retimed('(N/25+eq(mod(N,3),0)*0.01)/TB');
    ffmpeg(['-y', ...clip(10, '25', ['-c:v', 'libx264'], vfr), file]);
    expect(await nullIndex(file)).toBeNull();
  });

  it('rounded times without a declared frame duration', async () => {
    const bytes = readFileSync(files.mkv!);
    // DefaultDuration (23 E3 83) renamed to an ID no reader knows keeps every size and offset.
    const at = bytes.indexOf(Buffer.from([0x23, 0xe3, 0x83]));
    expect(at).toBeGreaterThan(0);
    bytes[at + 2] = 0x84;
    const file = join(dir, 'undeclared.mkv');
    writeFileSync(file, bytes);
    expect(await nullIndex(file)).toBeNull();
    // The same file with it: the grid.
    expect(await nullIndex(files.mkv!)).not.toBeNull();
  });

  it('a jump the tail sees: times off the grid at the end', async () => {
    const file = join(dir, 'jump.ts');
    // From 6 s on, every time 15 ms later.
    const jump = [...retimed('(N/25+gte(N,150)*0.015)/TB'), '-an'];
    ffmpeg(['-y', ...clip(12, '25', X264, jump), file]);
    expect(await nullIndex(file)).toBeNull();
  });

  for (const [name, pipe] of [
    ['bump.ts', false],
    ['bump.mkv', true],
  ] as const) {
    it(`a jump only a lookup sees: the frame it finds is off the grid (${name}${pipe ? ', no cues' : ''})`, async () => {
      const file = join(dir, name);
      // From 4 to 8 s, every time 15 ms later: both ends are on one grid.
      const bump = [...retimed('(N/25+between(N,100,199)*0.015)/TB'), '-an'];
      ffmpeg(['-y', ...clip(20, '25', X264, bump), ...(pipe ? ['-f', 'matroska', `${file}.tmp`] : [file])]);
      if (pipe) execFileSync('sh', ['-c', `ffmpeg -v error -i '${file}.tmp' -c copy -f matroska - > '${file}'`]);
      const opened = await open(file);
      const { input, index, lookup } = opened;
      try {
        expect(index).not.toBeNull();
        expect(await framesAtTargets(lookup(), index!.startSec, [0, 2000, 6000, 10_000], index)).toBeNull();
        // Targets that stay clear of it get the full list's answers.
        await expectFullListAnswers(opened, index!, [0, 1000, 2000, 10_000, 15_000, 19_000], 'bump');
      } finally {
        input.dispose();
      }
    });
  }
});
