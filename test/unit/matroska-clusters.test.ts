// Matroska and WebM without cues, looked up by a search on bytes for cluster headers: every answer is the list of
// every packet's (mediabunny's, reading every cluster), on files from ffmpeg and mkvmerge written without cues, with
// B-frames, BlockGroups, clusters of unknown size, and where the search must refuse.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { BlobSource, EncodedPacketSink, Input, MATROSKA, WEBM, type EncodedPacket } from 'mediabunny';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPackets, type PacketIndex } from '../../src/engine/container-index.js';
import { ClusterSearch } from '../../src/engine/matroska-clusters.js';
import { MATROSKA_HEAD_BYTES, readMatroskaHead } from '../../src/engine/matroska-head.js';

const dir = mkdtempSync(join(tmpdir(), 'matroska-clusters-'));
const sh = (command: string) => execFileSync('sh', ['-c', command], { maxBuffer: 1 << 28 });
const REORDER = 64;

/** The test pattern with a tone, `seconds` long, H.264 with 3 B-frames and open GOPs of 2 s, at 29.97 fps. */
const SOURCE =
  `-f lavfi -i testsrc2=size=160x90:rate=30000/1001:duration=60 -f lavfi -i sine=frequency=440:duration=60 ` +
  `-c:v libx264 -bf 3 -x264-params keyint=60:min-keyint=60:scenecut=0:open-gop=1 -c:a libopus`;

const files: Record<string, string> = {};

/** Every cluster's size field set to "unknown" (all ones, same length): a live stream's clusters. */
function unknownClusterSizes(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = out.indexOf(0x1f); i >= 0; i = out.indexOf(0x1f, i + 1)) {
    if (out[i + 1] !== 0x43 || out[i + 2] !== 0xb6 || out[i + 3] !== 0x75) continue;
    const length = Math.clz32(out[i + 4]!) - 23;
    out[i + 4] = 0xff >> (length - 1);
    for (let k = 1; k < length; k++) out[i + 4 + k] = 0xff;
    i += 4 + length;
  }
  return out;
}

beforeAll(() => {
  const mkv = join(dir, 'source.mkv');
  sh(`ffmpeg -v error -y ${SOURCE} '${mkv}'`);
  // Written to a pipe, ffmpeg's muxer cannot go back: no cues, no segment size, no duration.
  files.ffmpegPipe = join(dir, 'pipe.mkv');
  sh(`ffmpeg -v error -i '${mkv}' -c copy -f matroska - > '${files.ffmpegPipe}'`);
  // A cluster for every packet or two: B-frames shown before a cluster's first packet sit in the clusters after it.
  files.tinyClusters = join(dir, 'tiny-clusters.mkv');
  sh(`ffmpeg -v error -i '${mkv}' -c copy -cluster_size_limit 1500 -f matroska - > '${files.tinyClusters}'`);
  // mkvmerge's own layout: BlockGroups beside SimpleBlocks, its own cluster sizes.
  files.mkvmerge = join(dir, 'mkvmerge.mkv');
  sh(`mkvmerge -q --no-cues -o '${files.mkvmerge}' '${mkv}'`);
  // mediabunny 1.61.0 lists no packet of such a file: the oracle is the same file with its sizes.
  files.unknownSizes = join(dir, 'unknown-sizes.mkv');
  writeFileSync(files.unknownSizes, unknownClusterSizes(readFileSync(files.ffmpegPipe)));
  // Six minutes in 900 clusters of 32 KB.
  files.long = join(dir, 'long.mkv');
  sh(
    `ffmpeg -v error -f lavfi -i testsrc2=size=320x180:rate=25:duration=360 -c:v libx264 -preset ultrafast -g 50 ` +
      `-f matroska - > '${files.long}'`,
  );
  files.webm = join(dir, 'vp9.webm');
  sh(
    `ffmpeg -v error -f lavfi -i testsrc2=size=160x90:rate=24:duration=30 -c:v libvpx-vp9 -deadline realtime ` +
      `-g 48 -f webm - > '${files.webm}'`,
  );
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Opened {
  input: Input;
  search: ClusterSearch | null;
  /** mediabunny's list of every packet, reading every cluster. */
  list: PacketIndex;
  sink: EncodedPacketSink;
}

/** `bytes` opened by both readers; the list read from `listed` where mediabunny cannot list `bytes` itself. */
async function open(bytes: Uint8Array, listed = bytes): Promise<Opened> {
  const demux = (b: Uint8Array) =>
    new Input({ source: new BlobSource(new Blob([new Uint8Array(b)])), formats: [MATROSKA, WEBM] });
  const input = demux(bytes);
  const track = (await input.getPrimaryVideoTrack())!;
  const head = readMatroskaHead(bytes.subarray(0, MATROSKA_HEAD_BYTES), track.id)!;
  const search = await ClusterSearch.open(new Blob([new Uint8Array(bytes)]), head, track.id, REORDER);
  const oracle = listed === bytes ? input : demux(listed);
  const list = await listPackets(new EncodedPacketSink((await oracle.getPrimaryVideoTrack())!));
  if (oracle !== input) oracle.dispose();
  return { input, search, list, sink: new EncodedPacketSink(track) };
}

/** The list's answer at `t`: the packet shown last at or before it (a key packet, with `key`); -1 for none. */
function listAnswer(list: PacketIndex, t: number, key: boolean): number {
  let found = -1;
  for (let i = 0; i < list.pts.length; i++)
    if (list.pts[i]! <= t && (!key || list.key[i] === 1) && (found < 0 || list.pts[i]! >= list.pts[found]!)) found = i;
  return found;
}

const meta = { metadataOnly: true };

describe('a search on bytes gives the answers of the list of every packet', () => {
  for (const name of ['ffmpegPipe', 'tinyClusters', 'mkvmerge', 'unknownSizes', 'webm']) {
    it(`${name}: every packet in decode order, and lookups at random times`, async () => {
      const listed = name === 'unknownSizes' ? readFileSync(files.ffmpegPipe!) : undefined;
      const { input, search, list, sink } = await open(readFileSync(files[name]!), listed);
      try {
        expect(search, name).not.toBeNull();
        // The walk in decode order: the same packets, times, key flags and durations as mediabunny's list.
        const walked: EncodedPacket[] = [];
        for (let p = await search!.getFirstPacket(meta); p; p = await search!.getNextPacket(p, meta)) walked.push(p);
        expect(walked.map((p) => p.timestamp)).toEqual([...list.pts]);
        expect(walked.map((p) => (p.type === 'key' ? 1 : 0))).toEqual([...list.key]);
        expect(walked.map((p) => p.duration)).toEqual([...list.duration]);
        // The frame's bytes as mediabunny reads them.
        for (const i of [0, 1, Math.floor(walked.length / 2), walked.length - 1]) {
          const ours = await search!.getPacket(walked[i]!.timestamp);
          const theirs = listed ? null : await sink.getPacket(walked[i]!.timestamp);
          expect(ours!.data.byteLength, `${name} packet ${i}`).toBe(walked[i]!.byteLength);
          if (theirs) expect(ours!.data, `${name} packet ${i}`).toEqual(theirs.data);
        }
        const end = Math.max(...list.pts);
        const check = async (t: number) => {
          for (const key of [false, true]) {
            const answer = listAnswer(list, t, key);
            const found = await (key ? search!.getKeyPacket(t, meta) : search!.getPacket(t, meta));
            expect(found?.timestamp ?? null, `${name} ${key ? 'key ' : ''}at ${t}`).toBe(
              answer < 0 ? null : list.pts[answer],
            );
          }
        };
        await fc.assert(fc.asyncProperty(fc.double({ min: -1, max: end + 1, noNaN: true }), check), { numRuns: 60 });
        // On frame times exactly, just before them, and at the ends.
        for (const i of [0, 1, 2, 3, 100, 101, 102, list.pts.length - 2, list.pts.length - 1]) {
          await check(list.pts[i]!);
          await check(list.pts[i]! - 1e-6);
        }
        await check(Infinity);
      } finally {
        input.dispose();
      }
    }, 120_000);
  }

  it('a lookup reads only the clusters around its answer', async () => {
    const bytes = readFileSync(files.long!);
    let read = 0;
    /** A file that counts the bytes read from it. */
    class Counted extends Blob {
      override slice(start = 0, end = this.size, type?: string): Blob {
        read += Math.min(end, this.size) - start;
        return super.slice(start, end, type);
      }
    }
    const blob = new Counted([bytes]);
    const input = new Input({ source: new BlobSource(blob), formats: [MATROSKA] });
    const track = (await input.getPrimaryVideoTrack())!;
    const head = readMatroskaHead(bytes.subarray(0, MATROSKA_HEAD_BYTES), track.id)!;
    const search = (await ClusterSearch.open(blob, head, track.id, REORDER))!;
    read = 0;
    for (const t of [100, 200, 300]) {
      read = 0;
      expect((await search.getKeyPacket(t, meta))?.timestamp).toBe(t);
      // The 256 packets around the answer (26 clusters of the 900, in chunks of 1 MiB) and the bisection's scans.
      expect(read, `at ${t} s`).toBeLessThan(bytes.length / 5);
    }
    input.dispose();
  });
});

describe('where it cannot give the list’s answers, no search (every packet is listed)', () => {
  const searchOf = async (bytes: Uint8Array) => {
    const { input, search } = await open(bytes);
    input.dispose();
    return search;
  };

  it('a file with cues: mediabunny uses them', async () => {
    const file = join(dir, 'cues.mkv');
    sh(`ffmpeg -v error -y -i '${files.ffmpegPipe}' -c copy '${file}'`);
    expect(await searchOf(readFileSync(file))).toBeNull();
  });

  it('a file cut inside a cluster, of known or unknown size (the list tells where it stops)', async () => {
    for (const name of ['ffmpegPipe', 'unknownSizes']) {
      const whole = readFileSync(files[name]!);
      expect(await searchOf(whole.subarray(0, Math.floor(whole.length * 0.7))), name).toBeNull();
    }
  });

  it('cluster timestamps that fall back: a lookup refuses', async () => {
    // Two files one after the other in one segment's clusters: the second's timestamps start again from 0.
    const bytes = readFileSync(files.ffmpegPipe!);
    const { input, search } = await open(bytes);
    input.dispose();
    expect(search).not.toBeNull();
    const restarted = Uint8Array.from(bytes);
    // The timestamps of the clusters in the second half, less 30 s: they fall back where the halves meet.
    let changed = 0;
    for (let i = restarted.indexOf(0x1f, bytes.length / 2); i >= 0; i = restarted.indexOf(0x1f, i + 1)) {
      if (restarted[i + 1] !== 0x43 || restarted[i + 2] !== 0xb6 || restarted[i + 3] !== 0x75) continue;
      const sizeLength = Math.clz32(restarted[i + 4]!) - 23;
      let t = i + 4 + sizeLength;
      // ffmpeg writes a CRC-32 first (no reader here checks it).
      if (restarted[t] === 0xbf) t += 6;
      if (restarted[t] !== 0xe7) continue;
      const length = restarted[t + 1]! & 0x7f;
      let raw = 0;
      for (let k = 0; k < length; k++) raw = raw * 256 + restarted[t + 2 + k]!;
      raw -= 30_000;
      for (let k = length - 1; k >= 0; k--, raw = Math.floor(raw / 256)) restarted[t + 2 + k] = raw & 0xff;
      changed++;
    }
    expect(changed).toBeGreaterThan(3);
    const broken = await open(restarted);
    try {
      // Both ends read in order; the lookups in between find the fall.
      expect(broken.search).not.toBeNull();
      const lookups = async () => {
        for (let t = 0; t < 60; t += 2.5) await broken.search!.getPacket(t, meta);
      };
      await expect(lookups()).rejects.toThrow(/timestamps fall back/);
    } finally {
      broken.input.dispose();
    }
  });
});
