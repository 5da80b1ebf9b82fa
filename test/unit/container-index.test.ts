// MP4/MOV frame tables from the sample tables (mediabunny) for the ffmpeg.wasm engine, against ffprobe's full packet
// list, which is what that engine reads otherwise: the same table, or null where the timelines differ.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { framesOf } from './support.js';
import { buildFrameTable } from '../../src/core/frame-table.js';
import type { EncodedPacketSink } from 'mediabunny';
import { SpriteError } from '../../src/core/errors.js';
import { firstUnreadable, packetFrames, shownIndices } from '../../src/engine/container-index.js';
import {
  isobmffVideoPackets,
  tableOnFfmpegTimeline,
  TIMELINE_CHECK_PACKETS,
} from '../../src/engine/ffmpeg/ffmpeg-timeline.js';
import { PACKET_ENTRIES, parsePacketCsv, parseStreamInfo, PROBE_ENTRIES } from '../../src/engine/ffmpeg/probe-parse.js';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const ffprobe = (args: string[]) =>
  execFileSync('ffprobe', ['-v', 'error', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
/** Where mediabunny's timeline is not ffmpeg's: it starts this fragmented file at 0, ffmpeg at 83 ms. */
const OTHER_TIMELINE = new Set(['h264_fmp4_1920x1080_rot-90_bbb.mp4']);

describe('MP4/MOV frame tables from the index, for ffmpeg.wasm', () => {
  const files = readdirSync(FIXTURES).filter((f) => /\.(mp4|mov)$/.test(f));

  it('finds the MP4 and MOV fixtures', () => expect(files.length).toBeGreaterThanOrEqual(6));

  for (const file of files) {
    it(`${file}: ffprobe's whole packet list, or null where the timelines differ`, async () => {
      const path = join(FIXTURES, file);
      const stream = parseStreamInfo(ffprobe(['-show_entries', PROBE_ENTRIES, '-of', 'json', path]));
      const select = ['-select_streams', String(stream.index), '-show_entries', PACKET_ENTRIES, '-of', 'csv=p=0'];
      const full = buildFrameTable(parsePacketCsv(ffprobe([...select, path])));
      const head = parsePacketCsv(ffprobe(['-read_intervals', `%+#${TIMELINE_CHECK_PACKETS}`, ...select, path]));
      const packets = await isobmffVideoPackets(new Blob([readFileSync(path)]), stream.containerId!);
      expect(packets).not.toBeNull();
      const table = tableOnFfmpegTimeline(packets!, head);
      if (OTHER_TIMELINE.has(file)) {
        expect(table).toBeNull();
        return;
      }
      // ffprobe prints seconds to the microsecond; mediabunny keeps the exact fraction of the timescale.
      expect(table).not.toBeNull();
      expect(Math.abs(table!.startSec - full!.startSec)).toBeLessThan(2e-6);
      expect(framesOf(table!).map((f) => f.key)).toEqual(framesOf(full!).map((f) => f.key));
      framesOf(table!).forEach((f, i) =>
        expect(Math.abs(f.time - framesOf(full!)[i]!.time), `frame ${i}`).toBeLessThanOrEqual(0.002),
      );
      expect([table!.durationMs, table!.frameIntervalMs]).toEqual([full!.durationMs, full!.frameIntervalMs]);
    });
  }

  it('gives no packets for a file cut before its last sample, or for another track id or container', async () => {
    const whole = readFileSync(join(FIXTURES, 'h264_mp4_128x128_vfr_testsrc.mp4'));
    expect(await isobmffVideoPackets(new Blob([whole]), 1)).not.toBeNull();
    expect(await isobmffVideoPackets(new Blob([whole.subarray(0, whole.length - 4096)]), 1)).toBeNull();
    expect(await isobmffVideoPackets(new Blob([whole]), 99)).toBeNull();
    expect(
      await isobmffVideoPackets(new Blob([readFileSync(join(FIXTURES, 'vp9-opus_webm_320x180_bbb.webm'))]), 1),
    ).toBeNull();
  });

  it('gives null when the first packets disagree in time or key flag, or ffprobe read none', () => {
    const packets = {
      pts: Float64Array.from([-0.04, 0, 0.04, 0.08]),
      key: Uint8Array.from([1, 1, 0, 0]),
      duration: new Float64Array(4).fill(0.04),
    };
    const head = [
      { pts: 0, key: true },
      { pts: 0.04, key: false },
    ];
    expect(framesOf(tableOnFfmpegTimeline(packets, head)!)).toEqual([
      { time: 0, key: true },
      { time: 40, key: false },
      { time: 80, key: false },
    ]);
    expect(tableOnFfmpegTimeline(packets, [{ pts: 0.001, key: true }])).toBeNull();
    expect(
      tableOnFfmpegTimeline(packets, [
        { pts: 0, key: true },
        { pts: 0.04, key: true },
      ]),
    ).toBeNull();
    expect(tableOnFfmpegTimeline(packets, [])).toBeNull();
  });
});

describe('firstUnreadable', () => {
  const packets = {
    pts: Float64Array.from([0, 0.04, 0.08, 0.12]),
    key: Uint8Array.from([1, 0, 0, 0]),
    duration: new Float64Array(4).fill(0.04),
  };
  /** A packet sink over `packets` whose reads from index `from` on give `answer` (no packet, or a failed read). */
  const sink = (from: number, answer: () => Promise<null>) =>
    ({
      getPacket: (t: number) => (packets.pts.indexOf(t) >= from ? answer() : Promise.resolve({ timestamp: t })),
      getNextPacket: () => answer(),
    }) as unknown as EncodedPacketSink;

  it('finds where a cut file stops: the first packet whose bytes are not there', async () => {
    expect(
      await firstUnreadable(
        sink(4, () => Promise.resolve(null)),
        packets,
      ),
    ).toBe(4);
    expect(
      await firstUnreadable(
        sink(2, () => Promise.resolve(null)),
        packets,
      ),
    ).toBe(2);
  });

  it('lets a failed remote read through as FETCH_FAILED, instead of taking the file for cut', async () => {
    const failed = () =>
      Promise.reject(new SpriteError('FETCH_FAILED', 'The video at http://x/v.mp4 could not be fetched (HTTP 500).'));
    await expect(firstUnreadable(sink(3, failed), packets)).rejects.toMatchObject({ code: 'FETCH_FAILED' });
  });
});

describe('shown packets', () => {
  const packets = {
    pts: Float64Array.from([-0.08, -0.04, 0, 0.04, 0.08]),
    key: Uint8Array.from([1, 0, 0, 1, 0]),
    duration: new Float64Array(5).fill(0.04),
  };

  it('MP4 and MOV: packets before the edit list starts (negative times) are decoded but never shown', () => {
    expect(Array.from(shownIndices(packets, 5, true))).toEqual([2, 3, 4]);
    // The first shown packet is no key frame: the table starts at the first key frame shown, packet 3.
    const indexed = packetFrames(packets, 5, true)!;
    expect(framesOf(indexed.table)).toEqual([
      { time: 0, key: true },
      { time: 40, key: false },
    ]);
    expect(Array.from(indexed.source)).toEqual([3, 4]);
  });

  it('maps each frame of the table to its packet in decode order, B-frames included', () => {
    // I P B B in decode order: presentation order is packets 0, 2, 3, 1.
    const bframes = {
      pts: Float64Array.from([0, 0.12, 0.04, 0.08]),
      key: Uint8Array.from([1, 0, 0, 0]),
      duration: new Float64Array(4).fill(0.04),
    };
    const indexed = packetFrames(bframes, 4, false)!;
    expect(Array.from(indexed.table.times)).toEqual([0, 40, 80, 120]);
    expect(Array.from(indexed.source)).toEqual([0, 2, 3, 1]);
  });

  it('other containers show every readable packet, and none past a cut', () => {
    expect(Array.from(shownIndices(packets, 3, false))).toEqual([0, 1, 2]);
  });
});
