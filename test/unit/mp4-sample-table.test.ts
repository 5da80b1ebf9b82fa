// MP4 and MOV sample tables read into typed arrays: every answer is mediabunny's (its sink over the objects it builds
// for every sample), on files from ffmpeg with B-frames, edit lists, empty edits, 29.97 fps, no sync-sample table,
// variable frame rates, moov first or last, 64-bit chunk offsets, QuickTime, and where the reader must refuse.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { BlobSource, EncodedPacketSink, Input, MP4, QTFF, type EncodedPacket } from 'mediabunny';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFrameIndex } from '../../src/engine/container-index.js';
import { Mp4SampleTable } from '../../src/engine/mp4-sample-table.js';

const dir = mkdtempSync(join(tmpdir(), 'mp4-sample-table-'));
const sh = (command: string) => execFileSync('sh', ['-c', command], { maxBuffer: 1 << 28 });
const fixture = (name: string) => join(import.meta.dirname, '../fixtures', name);

/** The test pattern with a tone, H.264 with 3 B-frames and GOPs of 2 s, at 29.97 fps: a composition-offset table. */
const SOURCE =
  `-f lavfi -i testsrc2=size=160x90:rate=30000/1001:duration=40 -f lavfi -i sine=frequency=440:duration=40 ` +
  `-c:v libx264 -bf 3 -x264-params keyint=60:min-keyint=60:scenecut=0 -c:a aac`;

const files: Record<string, string> = {};

/** A box's bytes: its size, type and content. */
function box(type: string, content: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + content.length);
  new DataView(out.buffer).setUint32(0, out.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(content, 8);
  return out;
}

/**
 * `bytes` with every 32-bit chunk-offset table (stco) rewritten as a 64-bit one (co64), as a file over 4 GB has.
 * The movie box must come last, so that no sample moves.
 */
function withLongOffsets(bytes: Uint8Array): Uint8Array {
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const containers = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);
  const rewrite = (b: Uint8Array): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let pos = 0; pos < b.length;) {
      const size = view(b).getUint32(pos);
      const type = String.fromCharCode(...b.subarray(pos + 4, pos + 8));
      const content = b.subarray(pos + 8, pos + size);
      if (containers.has(type)) out.push(box(type, concat(rewrite(content))));
      else if (type === 'stco') {
        const n = view(content).getUint32(4);
        const long = new Uint8Array(8 + 8 * n);
        view(long).setUint32(4, n);
        for (let i = 0; i < n; i++) view(long).setBigUint64(8 + 8 * i, BigInt(view(content).getUint32(8 + 4 * i)));
        out.push(box('co64', long));
      } else out.push(b.subarray(pos, pos + size));
      pos += size;
    }
    return out;
  };
  return concat(rewrite(bytes));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

beforeAll(() => {
  const src = join(dir, 'source.mp4');
  sh(`ffmpeg -v error -y ${SOURCE} '${src}'`);
  // ffmpeg's MP4: B-frames (composition offsets), an edit list for their delay, the movie box last.
  files.bFrames = src;
  files.faststart = join(dir, 'faststart.mp4');
  sh(`ffmpeg -v error -i '${src}' -c copy -movflags +faststart '${files.faststart}'`);
  // An empty edit first: the video starts 1.5 s into the file's timeline.
  files.emptyEdit = join(dir, 'empty-edit.mp4');
  sh(`ffmpeg -v error -itsoffset 1.5 -i '${src}' -map 0:v -c copy '${files.emptyEdit}'`);
  // No B-frames: no composition offsets, decode order is presentation order.
  files.noBFrames = join(dir, 'no-b-frames.mp4');
  sh(
    `ffmpeg -v error -f lavfi -i testsrc2=size=160x90:rate=25:duration=20 -c:v libx264 -bf 0 -g 50 '${files.noBFrames}'`,
  );
  // Every frame a key frame: no sync-sample table.
  files.allKeys = join(dir, 'all-keys.mp4');
  sh(
    `ffmpeg -v error -f lavfi -i testsrc2=size=160x90:rate=24:duration=10 -c:v libx264 -x264-params keyint=1 '${files.allKeys}'`,
  );
  files.mov = join(dir, 'b-frames.mov');
  sh(`ffmpeg -v error -i '${src}' -c copy '${files.mov}'`);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Opened {
  input: Input;
  table: Mp4SampleTable | null;
  sink: EncodedPacketSink;
  durationFromMetadata: number | null;
}

async function open(bytes: Uint8Array): Promise<Opened> {
  const input = new Input({ source: new BlobSource(new Blob([new Uint8Array(bytes)])), formats: [MP4, QTFF] });
  const track = (await input.getPrimaryVideoTrack())!;
  const table = await Mp4SampleTable.read(new Blob([new Uint8Array(bytes)]), track.id);
  return {
    input,
    table,
    sink: new EncodedPacketSink(track),
    durationFromMetadata: await track.getDurationFromMetadata(),
  };
}

const meta = { metadataOnly: true };
const facts = (p: EncodedPacket | null) =>
  p && { seq: p.sequenceNumber, timestamp: p.timestamp, duration: p.duration, type: p.type, bytes: p.byteLength };

async function walk(first: EncodedPacket | null, next: (p: EncodedPacket) => Promise<EncodedPacket | null>) {
  const out: EncodedPacket[] = [];
  for (let p = first; p; p = await next(p)) out.push(p);
  return out;
}

/** Every answer of `table` against mediabunny's `sink` on the same file. */
async function expectMediabunnysAnswers(name: string, { table, sink, durationFromMetadata }: Opened) {
  expect(table, name).not.toBeNull();
  const ours = table!;
  // mediabunny 1.61.0 finds nothing at the very time of a zero-length sample without composition offsets (0 / 0 in
  // its arithmetic); the table finds the sample, as mediabunny does a moment later.
  const zeroLength = new Set<number>();
  const same = (mine: EncodedPacket | null, theirs: EncodedPacket | null, t: number, what: string) => {
    if (!theirs && zeroLength.has(t)) expect(mine, what).not.toBeNull();
    else expect(facts(mine), what).toEqual(facts(theirs));
  };
  // Decode order: the same samples, times, durations, key flags and sizes.
  const walked = await walk(await sink.getFirstPacket(meta), (p) => sink.getNextPacket(p, meta));
  const ourWalk = await walk(await ours.getFirstPacket(meta), (p) => ours.getNextPacket(p, meta));
  expect(ourWalk.map(facts), name).toEqual(walked.map(facts));
  expect(ours.samples).toBe(walked.length);
  for (const p of walked) if (p.duration === 0) zeroLength.add(p.timestamp);
  // Key packets in decode order.
  const keys = await walk(await sink.getFirstKeyPacket(meta), (p) => sink.getNextKeyPacket(p, meta));
  const ourKeys = await walk(await ours.getFirstKeyPacket(meta), (p) => ours.getNextKeyPacket(p, meta));
  expect(ourKeys.map(facts), name).toEqual(keys.map(facts));
  // The bytes, with the offsets of samples inside their chunks.
  for (const i of [0, 1, 2, 5, Math.floor(walked.length / 2), walked.length - 1]) {
    const theirs = await sink.getPacket(walked[i]!.timestamp);
    const mine = await ours.getPacket(walked[i]!.timestamp);
    same(mine, theirs, walked[i]!.timestamp, `${name} sample ${i}`);
    const data = theirs?.data ?? (await sink.getNextPacket(walked[i - 1]!))!.data;
    expect(mine!.data, `${name} sample ${i}`).toEqual(data);
  }
  // Lookups by time, at random times, on frame times exactly and just before them, and past both ends.
  const check = async (t: number) => {
    same(await ours.getPacket(t, meta), await sink.getPacket(t, meta), t, `${name} at ${t}`);
    same(await ours.getKeyPacket(t, meta), await sink.getKeyPacket(t, meta), t, `${name} key at ${t}`);
  };
  const end = Math.max(...walked.map((p) => p.timestamp));
  await fc.assert(fc.asyncProperty(fc.double({ min: -2, max: end + 1, noNaN: true }), check), { numRuns: 100 });
  for (const p of walked.filter((_, i) => i < 8 || i % 13 === 0 || i > walked.length - 8)) {
    await check(p.timestamp);
    await check(p.timestamp - 1e-6);
  }
  await check(Infinity);
  await check(-Infinity);
  // The list of every packet, from the tables at once.
  const listed = ours.packetIndex();
  expect([...listed.pts], name).toEqual(walked.map((p) => p.timestamp));
  expect([...listed.duration], name).toEqual(walked.map((p) => p.duration));
  expect([...listed.key], name).toEqual(walked.map((p) => (p.type === 'key' ? 1 : 0)));
  // What the jobs take from it: the key-frame index, and the track's declared end.
  expect(await keyFrameIndex(ours), name).toEqual(await keyFrameIndex(sink));
  expect(ours.declaredEndSec, name).toBe(durationFromMetadata);
}

describe('an MP4 or MOV sample table in typed arrays gives mediabunny’s answers', () => {
  for (const name of ['bFrames', 'faststart', 'emptyEdit', 'noBFrames', 'allKeys', 'mov']) {
    it(
      name,
      async () => {
        const opened = await open(readFileSync(files[name]!));
        try {
          await expectMediabunnysAnswers(name, opened);
        } finally {
          opened.input.dispose();
        }
      },
      120_000,
    );
  }

  for (const name of [
    'h264_mp4_128x128_vfr_testsrc.mp4',
    'h264_mp4_1280x720_10frames_openshot.mp4',
    'h264_mov_640x465_odd-dims_dualdiscs.mov',
    'vp9_mp4_320x240_bear.mp4',
  ]) {
    it(`fixture ${name}`, async () => {
      const opened = await open(readFileSync(fixture(name)));
      try {
        await expectMediabunnysAnswers(name, opened);
      } finally {
        opened.input.dispose();
      }
    }, 120_000);
  }

  it('64-bit chunk offsets (co64, a file over 4 GB)', async () => {
    const bytes = withLongOffsets(readFileSync(files.bFrames!));
    expect(Buffer.from(bytes).includes('co64')).toBe(true);
    const opened = await open(bytes);
    try {
      await expectMediabunnysAnswers('co64', opened);
    } finally {
      opened.input.dispose();
    }
  });

  it('the frames an edit list trims have negative times, as mediabunny gives them', async () => {
    const opened = await open(readFileSync(files.bFrames!));
    try {
      const first = await opened.table!.getFirstPacket(meta);
      // x264's B-frame delay: the first decoded frames are shown before the edit list's start.
      expect(first!.timestamp).toBeLessThanOrEqual(0);
    } finally {
      opened.input.dispose();
    }
  });
});

describe('a file cut short: the table is read, the samples past the cut have no bytes', () => {
  it('moov first, data cut at 60 %: the same answers as mediabunny', async () => {
    const whole = readFileSync(files.faststart!);
    const opened = await open(whole.subarray(0, Math.floor(whole.length * 0.6)));
    try {
      const { table, sink } = opened;
      expect(table).not.toBeNull();
      const walked = await walk(await sink.getFirstPacket(meta), (p) => sink.getNextPacket(p, meta));
      for (const p of walked.filter((_, i) => i % 7 === 0 || i === walked.length - 1)) {
        const theirs = await sink.getPacket(p.timestamp);
        expect(facts(await table!.getPacket(p.timestamp)), `at ${p.timestamp}`).toEqual(facts(theirs));
      }
      // keyFrameIndex sees the last sample's bytes missing: the job lists every packet instead.
      expect(await keyFrameIndex(table!)).toBeNull();
      expect(await keyFrameIndex(sink)).toBeNull();
    } finally {
      opened.input.dispose();
    }
  });

  it('moov last, cut before it: no table (mediabunny finds no track either)', async () => {
    const whole = readFileSync(files.bFrames!);
    const cut = new Blob([new Uint8Array(whole.subarray(0, Math.floor(whole.length * 0.6)))]);
    expect(await Mp4SampleTable.read(cut, 1)).toBeNull();
  });
});

describe('files left to mediabunny', () => {
  it('fragmented MP4 (its samples are in fragments)', async () => {
    for (const name of ['h264-aac_fmp4_320x180_bbb.mp4', 'h264_fmp4_1920x1080_rot-90_bbb.mp4']) {
      const opened = await open(readFileSync(fixture(name)));
      opened.input.dispose();
      expect(opened.table, name).toBeNull();
    }
  });

  it('a track the movie does not have', async () => {
    expect(await Mp4SampleTable.read(new Blob([readFileSync(files.bFrames!)]), 99)).toBeNull();
  });

  it('not an MP4', async () => {
    expect(
      await Mp4SampleTable.read(new Blob([readFileSync(fixture('vp9-opus_webm_320x180_bbb.webm'))]), 1),
    ).toBeNull();
  });
});
