// Matroska and WebM without cues (a file written to a pipe: the muxer cannot go back to write them), looked up by time
// without reading the file up to the time. mediabunny, finding no cues, reads every cluster from the start at its first
// lookup (24 s for a 2-hour 1080p film in Chromium, measured 2026-12-05), and so does ffmpeg's `-ss`. Here a lookup
// bisects the file on bytes: it finds a cluster header after a byte position by its ID, reads that cluster's
// timestamp, and narrows down to the last cluster that starts at or before the time. Only the clusters around the
// answer are then read whole.
//
// The answers are those of the list of every packet, as mediabunny's sink gives them where it has cues: the packet
// shown last at or before a time, the key packet likewise, the next packet in decode order. Frames are reordered by
// at most REORDER_PACKETS places (B-frames), so a packet more than twice that before another is shown before it: a
// lookup widens its span of clusters until the packet it found has that many before it, and some packet past the time
// has that many after it, or the span reaches an end of the file. That holds wherever the bisection lands, so the
// cluster timestamps it goes by need only rise through the file as frames do: a cluster's timestamp is its first
// block's, which may be a B-frame shown before the previous cluster's first. Where a read finds a timestamp fall back
// by more than that reordering can (two files joined), or a block this reader does not take (laced frames), it throws
// ClustersUnreadable and the caller lists every packet through mediabunny instead.

import { EncodedPacket, type PacketRetrievalOptions } from 'mediabunny';
import { countWhile } from '../core/bisect.js';
import { roundIfAlmostInteger } from '../core/frame-table.js';
import type { PacketLookup } from './container-index.js';
import { ChunkedReads } from './chunked-reads.js';
import type { EngineInput } from './input.js';
import {
  children,
  CLUSTER,
  CUES,
  EBML_HEADER,
  elementAt,
  INFO,
  SEEK_HEAD,
  SEGMENT,
  TRACKS,
  unsignedAt,
  type Element,
  type MatroskaHead,
} from './matroska-head.js';
import { UNWATCHED, type Watch } from './watchdog.js';

/** What stops the search from giving the list's answers; the caller lists every packet instead. */
export class ClustersUnreadable extends Error {}

const CLUSTER_BYTES = [0x1f, 0x43, 0xb6, 0x75] as const;
const TIMESTAMP = 0xe7;
const SIMPLE_BLOCK = 0xa3;
const BLOCK_GROUP = 0xa0;
const BLOCK = 0xa1;
const REFERENCE_BLOCK = 0xfb;
const BLOCK_DURATION = 0x9b;
const VOID = 0xec;
/** What else a cluster may hold: Position, PrevSize, CRC-32, Void, SilentTracks, EncryptedBlock. */
const OTHER_CLUSTER_CHILDREN = new Set([0xa7, 0xab, 0xbf, VOID, 0x5854, 0xaf]);
/** Elements of the segment's own level (and a next segment or EBML header): where a cluster of unknown size ends. */
const TOP_LEVEL = new Set([
  CLUSTER,
  CUES,
  0x1254c367, // Tags
  0x1043a770, // Chapters
  0x1941a469, // Attachments
  SEEK_HEAD,
  INFO,
  TRACKS,
  SEGMENT,
  EBML_HEADER,
]);

/**
 * Bytes read at first when scanning for a cluster header, doubled at each read up to SCAN_BYTES: clusters are 30 KB
 * apart in what ffmpeg writes to a pipe, up to a few MB in other files.
 */
const FIRST_SCAN_BYTES = 64 * 1024;
const SCAN_BYTES = 1024 * 1024;
/** Bytes a cluster's first elements take at most, read with its ID to check a header found by the scan. */
const HEADER_BYTES = 64;
/** A larger cluster is no file this reader knows (muxers close clusters at a few MB or seconds). */
const MAX_CLUSTER_BYTES = 256 * 1024 * 1024;
/**
 * Blocks kept parsed, in whole clusters: a lookup reads some 256 packets and more, and the decoder walks them again
 * right after (a block takes about 100 bytes here; its frame's bytes are read when the decoder asks for them).
 */
const PARSED_BLOCKS = 4096;
/** Clusters a lookup may span at most (a GOP of minutes); beyond, the list of every packet serves better. */
const MAX_SPAN = 512;

/** One frame's block: where its bytes are, its time and duration in the segment's unit, and whether it is a key. */
interface Block {
  /** Where the frame's bytes start in the file: the packet's sequence number (it rises in decode order). */
  seq: number;
  size: number;
  /** Presentation time in the segment's unit (the cluster's timestamp plus the block's). */
  raw: number;
  /** Duration in the segment's unit, as mediabunny gives it (see durations). */
  duration: number;
  key: boolean;
}

interface Cluster {
  /** Where its header starts in the file. */
  at: number;
  /** Where it ends in the file. */
  end: number;
  /** Its timestamp, in the segment's unit. */
  raw: number;
  /** The track's blocks, in decode order. */
  blocks: Block[];
}

/** A cluster header found by the scan: where it starts, its timestamp, and where it ends (null: unknown size). */
interface Stamp {
  at: number;
  raw: number;
  end: number | null;
}

/** What the head of the file says, and the track the lookups are for. */
interface Layout {
  /** The first cluster's position. */
  first: number;
  /** Where the segment's data stops: its end, or the file's. */
  fileEnd: number;
  track: number;
  /** Segment units a second: 1e9 / TimestampScale (mediabunny's factor). */
  perSec: number;
  /** DefaultDuration in segment units, or null. */
  defaultDuration: number | null;
  /** How far decode order may put a frame from its place in presentation order, in packets. */
  reorder: number;
}

/** Packets read at the start to learn the frame interval, which bounds how far back a timestamp may fall. */
const INTERVAL_PACKETS = 32;

/** Where the cluster ID starts in `bytes` from `from` on (`backwards`: at or before `from`); -1 if nowhere. */
function findId(bytes: Uint8Array, from: number, backwards: boolean): number {
  for (let i = from; backwards ? i >= 0 : i < bytes.length;) {
    const at = backwards ? bytes.lastIndexOf(CLUSTER_BYTES[0], i) : bytes.indexOf(CLUSTER_BYTES[0], i);
    if (at < 0) return -1;
    if (CLUSTER_BYTES.every((b, k) => bytes[at + k] === b)) return at;
    i = backwards ? at - 1 : at + 1;
  }
  return -1;
}

/** The last of `items` (ordered as for countWhile) for which `test` holds. */
function lastWhere<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  return items[countWhile(items, test) - 1];
}

/** A signed big-endian integer of `bytes[from, from + 2)`. */
function int16At(bytes: Uint8Array, from: number): number {
  const v = (bytes[from]! << 8) | bytes[from + 1]!;
  return v >= 0x8000 ? v - 0x10000 : v;
}

/**
 * The cluster header at `i` in `bytes` (which start at file offset `base`), checked as far as its first elements: an
 * ID, a size, then its timestamp (after a CRC-32 or Void at most) and a next element that a cluster holds. Null where
 * the bytes there are not that: frame data that happens to hold the ID.
 */
function stampAt(bytes: Uint8Array, i: number, base: number): Stamp | null {
  const head = elementAt(bytes, i);
  if (head?.id !== CLUSTER) return null;
  let raw: number | null = null;
  let pos = head.data;
  for (let n = 0; n < 3; n++) {
    const el = elementAt(bytes, pos);
    if (!el || el.end === null || el.end > bytes.length) return null;
    if (el.id === TIMESTAMP) {
      raw = unsignedAt(bytes, el);
      const next = elementAt(bytes, el.end);
      // A cluster of one element, or one whose next element lies past the bytes read, stays unchecked: not taken.
      if (raw === null || !next || !isClusterChild(next.id)) return null;
      break;
    }
    if (!OTHER_CLUSTER_CHILDREN.has(el.id)) return null;
    pos = el.end;
  }
  if (raw === null) return null;
  return { at: base + i, raw, end: head.end === null ? null : base + head.end };
}

function isClusterChild(id: number): boolean {
  return id === TIMESTAMP || id === SIMPLE_BLOCK || id === BLOCK_GROUP || OTHER_CLUSTER_CHILDREN.has(id);
}

/**
 * mediabunny's durations: each block's time to the next block's in presentation order within its cluster; the last
 * one's BlockDuration, else the track's DefaultDuration, else 0.
 */
function setDurations(blocks: Block[], defaultDuration: number | null): void {
  const shown = blocks.map((_, i) => i).sort((a, b) => blocks[a]!.raw - blocks[b]!.raw);
  for (let j = 0; j < shown.length; j++) {
    const block = blocks[shown[j]!]!;
    const next = shown[j + 1];
    if (next !== undefined) block.duration = blocks[next]!.raw - block.raw;
    else if (block.duration === 0 && defaultDuration !== null) block.duration = defaultDuration;
  }
}

/**
 * The lookups of {@link PacketLookup} on a Matroska or WebM file without cues, by a search on bytes (see the file's
 * head). Packets are numbered by where their bytes start in the file.
 */
export class ClusterSearch implements PacketLookup {
  /** Cluster headers seen, by position. */
  private readonly stamps: Stamp[] = [];
  /**
   * The file's bytes: a lookup reads some 250 packets' clusters one after the other, 40 KB each in what ffmpeg writes
   * to a pipe. Not through the chunks: the bisection's scans, each in another part of the file.
   */
  private readonly bytes: ChunkedReads;
  /** Parsed clusters, the most recently used last, and how many blocks they hold. */
  private readonly parsed = new Map<number, Cluster>();
  private parsedBlocks = 0;
  private lastCluster: Cluster | null = null;
  /**
   * How far a cluster's timestamp may fall below an earlier cluster's, in segment units: a reordering's reach, once
   * the first packets have told the frame interval.
   */
  private fallback = Infinity;

  private constructor(
    input: EngineInput,
    private readonly layout: Layout,
    watch: Watch,
  ) {
    this.bytes = new ChunkedReads(input, layout.fileEnd, watch);
  }

  /**
   * The search on a file without cues, checked at both ends (its first cluster reads; its last is whole, with nothing
   * but top-level elements after it); null where it cannot serve: cues (mediabunny uses them), blocks that are not
   * frames as they are (compressed, or with scaled times), or a file cut inside a cluster (the list tells where it
   * stops).
   */
  static async open(
    input: EngineInput,
    head: MatroskaHead,
    track: number,
    reorder: number,
    watch: Watch = UNWATCHED,
  ): Promise<ClusterSearch | null> {
    if (head.cuesAt !== null || head.clustersAt === null || head.transformed) return null;
    const perSec = 1e9 / head.timestampScale;
    const search = new ClusterSearch(
      input,
      {
        first: head.clustersAt,
        fileEnd: Math.min(input.size, head.segmentEnd ?? Infinity),
        track,
        perSec,
        defaultDuration: head.declaredNs === null ? null : (perSec * head.declaredNs) / 1e9,
        reorder,
      },
      watch,
    );
    try {
      const times: number[] = [];
      const meta = { metadataOnly: true };
      for (let p = await search.getFirstPacket(meta); p && times.length < INTERVAL_PACKETS;) {
        times.push(p.timestamp);
        p = await search.getNextPacket(p, meta);
      }
      const interval = times.length > 1 ? (Math.max(...times) - Math.min(...times)) / (times.length - 1) : 0;
      search.fallback = reorder * interval * perSec;
      await search.last();
      return search;
    } catch (e) {
      if (e instanceof ClustersUnreadable) return null;
      throw e;
    }
  }

  /** Where the first cluster starts: the file's head (its header, track list) is everything before. */
  get clustersAt(): number {
    return this.layout.first;
  }

  /** Where the cluster holding packet `seq` (one this search has read) starts in the file. */
  clusterOf(seq: number): number {
    const home = lastWhere(this.stamps, (s) => s.at < seq);
    if (!home) throw new Error('The packet was not read from this file.');
    return home.at;
  }

  async getFirstPacket(options: PacketRetrievalOptions = {}): Promise<EncodedPacket | null> {
    return this.firstFrom(await this.cluster(this.layout.first), options);
  }

  async getPacket(timestamp: number, options: PacketRetrievalOptions = {}): Promise<EncodedPacket | null> {
    return this.lookup(roundIfAlmostInteger(timestamp * this.layout.perSec), false, options);
  }

  async getKeyPacket(timestamp: number, options: PacketRetrievalOptions = {}): Promise<EncodedPacket | null> {
    return this.lookup(roundIfAlmostInteger(timestamp * this.layout.perSec), true, options);
  }

  async getNextPacket(packet: EncodedPacket, options: PacketRetrievalOptions = {}): Promise<EncodedPacket | null> {
    const seq = packet.sequenceNumber;
    const cluster = await this.cluster(this.clusterOf(seq));
    const i = cluster.blocks.findIndex((b) => b.seq === seq);
    if (i < 0) throw new Error('The packet was not read from this file.');
    if (i + 1 < cluster.blocks.length) return this.packet(cluster.blocks[i + 1]!, options);
    const next = await this.after(cluster);
    return next && this.firstFrom(next, options);
  }

  /** The first block of `cluster` or of the clusters after it. */
  private async firstFrom(cluster: Cluster | null, options: PacketRetrievalOptions): Promise<EncodedPacket | null> {
    for (let c = cluster; c; c = await this.after(c)) if (c.blocks.length) return this.packet(c.blocks[0]!, options);
    return null;
  }

  private async packet(block: Block, options: PacketRetrievalOptions): Promise<EncodedPacket> {
    const { perSec } = this.layout;
    const data = options.metadataOnly ? new Uint8Array(0) : await this.bytes.read(block.seq, block.seq + block.size);
    return new EncodedPacket(
      data,
      block.key ? 'key' : 'delta',
      block.raw / perSec,
      block.duration / perSec,
      block.seq,
      block.size,
    );
  }

  /** The packet (a key packet, with `key`) shown last at or before `t` (segment units): see the file's head. */
  private async lookup(t: number, key: boolean, options: PacketRetrievalOptions): Promise<EncodedPacket | null> {
    const reach = 2 * this.layout.reorder;
    const start = t === Infinity ? await this.last() : await this.cluster((await this.stampAtOrBefore(t)).at);
    const span = [start];
    for (;;) {
      const blocks = span.flatMap((c) => c.blocks);
      let found = -1;
      // A time listed twice: the later block, as a stable sort by time puts it last.
      for (let i = 0; i < blocks.length; i++)
        if (blocks[i]!.raw <= t && (!key || blocks[i]!.key) && (found < 0 || blocks[i]!.raw >= blocks[found]!.raw))
          found = i;
      const past = blocks.findIndex((b) => b.raw > t);
      const atStart = span[0]!.at === this.layout.first;
      const widenBack = !atStart && found < reach;
      const next = past < 0 || blocks.length - 1 - past < reach ? await this.after(span[span.length - 1]!) : null;
      if (!widenBack && !next) return found < 0 ? null : this.packet(blocks[found]!, options);
      if (span.length >= MAX_SPAN) throw new ClustersUnreadable(`a lookup spans over ${MAX_SPAN} clusters`);
      if (widenBack) span.unshift(await this.before(span[0]!));
      if (next) span.push(next);
    }
  }

  /** The last cluster whose timestamp is at or before `t`, or the first cluster: a bisection on bytes. */
  private async stampAtOrBefore(t: number): Promise<Stamp> {
    const first = this.stampOf(await this.cluster(this.layout.first));
    if (first.raw > t) return first;
    let lo = lastWhere(this.stamps, (s) => s.raw <= t)!;
    let hi = this.stamps.find((s) => s.raw > t)?.at ?? this.layout.fileEnd;
    for (;;) {
      // The cluster right after `lo` is where its size says: one step, then a halving of what is left.
      if (lo.end !== null) {
        const next = await this.stampAtExactly(lo.end);
        if (!next || next.at >= hi || next.raw > t) return lo;
        lo = next;
      }
      const low = lo.end ?? lo.at + 1;
      if (low >= hi) return lo;
      const mid = low + Math.floor((hi - low) / 2);
      const probe = await this.stampAfter(mid, hi);
      if (!probe) hi = mid;
      else if (probe.raw <= t) lo = probe;
      else hi = probe.at;
    }
  }

  private stampOf(c: Cluster): Stamp {
    return { at: c.at, raw: c.raw, end: c.end };
  }

  /** Records a cluster header seen; a timestamp that does not rise with the position ends the search. */
  private remember(s: Stamp): Stamp {
    const i = countWhile(this.stamps, (x) => x.at < s.at);
    const after = this.stamps[i];
    if (after?.at === s.at) return after;
    const before = this.stamps[i - 1];
    if ((before && before.raw - s.raw > this.fallback) || (after && s.raw - after.raw > this.fallback))
      throw new ClustersUnreadable('cluster timestamps fall back further than frames are reordered');
    this.stamps.splice(i, 0, s);
    return s;
  }

  /** The cluster header exactly at `at`, past top-level elements such as Tags or Void; null at the end. */
  private async stampAtExactly(at: number): Promise<Stamp | null> {
    for (let pos = at; pos < this.layout.fileEnd;) {
      const bytes = await this.bytes.read(pos, pos + HEADER_BYTES);
      const el = elementAt(bytes, 0);
      if (!el) return null;
      if (el.id === CLUSTER) {
        const stamp = stampAt(bytes, 0, pos);
        if (!stamp) throw new ClustersUnreadable(`no cluster header that reads at byte ${pos}`);
        return this.remember(stamp);
      }
      if (el.id === SEGMENT || el.id === EBML_HEADER || el.end === null) return null;
      if (!TOP_LEVEL.has(el.id) && el.id !== VOID) throw new ClustersUnreadable(`an unknown element at byte ${pos}`);
      pos += el.end;
    }
    return null;
  }

  /** The first cluster header at or after `from` and before `to`, found by its ID. */
  private async stampAfter(from: number, to: number): Promise<Stamp | null> {
    for (let pos = from, chunk = FIRST_SCAN_BYTES; pos < to; pos += chunk, chunk = Math.min(2 * chunk, SCAN_BYTES)) {
      const bytes = await this.bytes.read(pos, Math.min(pos + chunk, to) + HEADER_BYTES, false);
      const scanTo = Math.min(chunk, to - pos);
      for (let i = findId(bytes, 0, false); i >= 0 && i < scanTo; i = findId(bytes, i + 1, false)) {
        const stamp = stampAt(bytes, i, pos);
        if (stamp) return this.remember(stamp);
      }
    }
    return null;
  }

  /** The cluster that ends at or before `end`, last in the file: the one before a cluster, or the file's last. */
  private async clusterBefore(end: number): Promise<Cluster | null> {
    for (let to = end, chunk = FIRST_SCAN_BYTES; to > this.layout.first; chunk = Math.min(2 * chunk, SCAN_BYTES)) {
      const from = Math.max(this.layout.first, to - chunk);
      const bytes = await this.bytes.read(from, to + HEADER_BYTES);
      for (let i = findId(bytes, to - from - 1, true); i >= 0; i = findId(bytes, i - 1, true)) {
        const stamp = stampAt(bytes, i, from);
        // A header inside frame data rarely declares a size that ends where a cluster must.
        if (!stamp || (stamp.end !== null && stamp.end > end)) continue;
        const cluster = await this.cluster(stamp.at).catch((e: unknown) => {
          if (e instanceof ClustersUnreadable) return null;
          throw e;
        });
        if (cluster && cluster.end <= end) return cluster;
      }
      to = from;
    }
    return null;
  }

  /** The cluster before `c`: one seen that ends where `c` starts, or else found by a scan back. */
  private async before(c: Cluster): Promise<Cluster> {
    const seen = lastWhere(this.stamps, (s) => s.at < c.at);
    if (seen?.end === c.at) return this.cluster(seen.at);
    const found = await this.clusterBefore(c.at);
    if (!found) throw new ClustersUnreadable(`no cluster found before byte ${c.at}`);
    return found;
  }

  /** The cluster after `c`, or null at the end. */
  private async after(c: Cluster): Promise<Cluster | null> {
    const next = await this.stampAtExactly(c.end);
    return next && this.cluster(next.at);
  }

  /** The file's last cluster, whole: a cluster cut by the file's end is none the list of every packet reads so. */
  private async last(): Promise<Cluster> {
    if (this.lastCluster) return this.lastCluster;
    const found = await this.clusterBefore(this.layout.fileEnd);
    if (!found) throw new ClustersUnreadable('no whole cluster found at the end of the file');
    // What follows must be no cluster: a cut one after it throws here.
    if ((await this.after(found)) !== null) throw new ClustersUnreadable('the last cluster found is not the last');
    this.lastCluster = found;
    return found;
  }

  /** The cluster whose header starts at `at`, parsed (its blocks of the track), from the cache or read whole. */
  private async cluster(at: number): Promise<Cluster> {
    const cached = this.parsed.get(at);
    if (cached) {
      this.parsed.delete(at);
      this.parsed.set(at, cached);
      return cached;
    }
    const head = elementAt(await this.bytes.read(at, at + HEADER_BYTES), 0);
    if (head?.id !== CLUSTER) throw new ClustersUnreadable(`no cluster at byte ${at}`);
    const { fileEnd } = this.layout;
    if (head.end !== null && at + head.end > fileEnd)
      throw new ClustersUnreadable(`the cluster at byte ${at} runs past the end of the file`);
    let cluster: Cluster | 'more' = 'more';
    // An unknown size: read until an element of the segment's level, or the end.
    for (let bytes = head.end ?? 4 * 1024 * 1024; cluster === 'more'; bytes *= 2) {
      if (bytes > MAX_CLUSTER_BYTES) throw new ClustersUnreadable(`the cluster at byte ${at} is over 256 MiB`);
      const read = await this.bytes.read(at, at + bytes);
      cluster = this.parse(read, at, head, at + read.length >= fileEnd);
    }
    this.remember(this.stampOf(cluster));
    this.parsed.set(at, cluster);
    this.parsedBlocks += cluster.blocks.length;
    for (const [oldest, c] of this.parsed) {
      if (this.parsedBlocks <= PARSED_BLOCKS || oldest === at) break;
      this.parsed.delete(oldest);
      this.parsedBlocks -= c.blocks.length;
    }
    return cluster;
  }

  /**
   * The cluster whose header is `head` in `bytes` (read from file offset `at`), read up to its end: its size's, or for
   * an unknown size the next element of the segment's level, or the file's end (`atEnd`). 'more' where an unknown size
   * runs past the bytes read; throws where its elements do not read so (frame data that held the ID, a cut file).
   */
  private parse(bytes: Uint8Array, at: number, head: Element, atEnd: boolean): Cluster | 'more' {
    const sized = head.end !== null;
    const end = head.end ?? bytes.length;
    const broken = (why: string) => new ClustersUnreadable(`the cluster at byte ${at} ${why}`);
    let raw: number | null = null;
    const blocks: Block[] = [];
    let pos = head.data;
    for (;;) {
      if (pos >= end) {
        if (!sized && !atEnd) return 'more';
        break;
      }
      const el = elementAt(bytes, pos);
      // Some muxers declare a cluster larger than it is: the next one starts where it says.
      if (el && TOP_LEVEL.has(el.id)) break;
      if (!el || el.end === null || el.end > end) {
        if (!sized && !atEnd) return 'more';
        throw broken(atEnd ? 'is cut by the end of the file' : 'does not read');
      }
      if (el.id === TIMESTAMP) raw = unsignedAt(bytes, el);
      else if (el.id === SIMPLE_BLOCK || el.id === BLOCK_GROUP) {
        if (raw === null) throw broken('has a block before its timestamp');
        const block = el.id === SIMPLE_BLOCK ? this.block(bytes, el, at, raw) : this.group(bytes, el, at, raw);
        if (block) blocks.push(block);
      } else if (!OTHER_CLUSTER_CHILDREN.has(el.id)) throw broken('holds an element no cluster holds');
      pos = el.end;
    }
    if (raw === null) throw broken('has no timestamp');
    setDurations(blocks, this.layout.defaultDuration);
    return { at, end: at + pos, raw, blocks };
  }

  /** A SimpleBlock of the track (its key flag says); null for another track's. */
  private block(bytes: Uint8Array, el: Element, at: number, clusterRaw: number): Block | null {
    const first = bytes[el.data];
    if (first === undefined || first === 0) return null;
    const length = Math.clz32(first) - 23;
    let track = first & (0xff >> length);
    for (let i = 1; i < length; i++) track = track * 256 + bytes[el.data + i]!;
    if (track !== this.layout.track) return null;
    const flags = bytes[el.data + length + 2]!;
    if ((flags >> 1) & 3)
      throw new ClustersUnreadable(
        'the video track laces several frames into one block, which this reader does not take',
      );
    const data = el.data + length + 3;
    return {
      seq: at + data,
      size: el.end! - data,
      raw: clusterRaw + int16At(bytes, el.data + length),
      duration: 0,
      key: (flags & 0x80) !== 0,
    };
  }

  /** A BlockGroup's Block of the track: a key frame unless it refers to another, with its BlockDuration. */
  private group(bytes: Uint8Array, group: Element, at: number, clusterRaw: number): Block | null {
    let block: Block | null = null;
    let key = true;
    let duration = 0;
    for (const el of children(bytes, group)) {
      if (el.id === BLOCK) block = this.block(bytes, el, at, clusterRaw);
      else if (el.id === REFERENCE_BLOCK) key = false;
      else if (el.id === BLOCK_DURATION) duration = unsignedAt(bytes, el) ?? 0;
    }
    return block && { ...block, key, duration };
  }
}
