// An MP4 or MOV sample table kept as the file stores it, in typed arrays, answering the lookups the frame tables and
// the decoder make. mediabunny (1.61.0) answers them from objects it builds at its first lookup: one per sample for its
// presentation time, one per composition-offset run, a number per sample size and per sample in an index map. That is
// some 27 MB of heap for a 2-hour film's 216 000 samples, whatever the job takes from it, and a key-frame job on the
// film then peaked 11 % above the same job on a 5-minute file (measured 2026-12-05). Here a sample takes 16 bytes with
// B-frames (its presentation time, its place in presentation order, its size) and 4 without.
//
// The answers are mediabunny's, sample for sample: its sample numbers (sequence numbers), its presentation times
// (composition offsets, and the first edit of an edit list as it reads it), its durations (to the next sample shown,
// with B-frames), its key flags (sample 0 always a key) and its bytes. A file this reader does not take is left to
// mediabunny: `read` answers null for a fragmented file, an encrypted track, compact sample sizes (stz2), and tables
// that contradict themselves.

import { EncodedPacket, type PacketRetrievalOptions } from 'mediabunny';
import { countWhile, lastAtOrBefore } from '../core/bisect.js';
import { roundIfAlmostInteger } from '../core/frame-table.js';
import { ChunkedReads } from './chunked-reads.js';
import type { KeyLookup, PacketIndex } from './container-index.js';
import { readBytes, type EngineInput } from './input.js';
import { UNWATCHED, type Watch } from './watchdog.js';

/** A movie box this large is no file this reader knows (a 2-hour film's is a few MB). */
const MAX_MOOV_BYTES = 512 * 1024 * 1024;

interface Box {
  type: string;
  /** Where the box's content starts and the box ends, in the bytes it was found in. */
  start: number;
  end: number;
}

/** The boxes in `[from, to)` of `bytes`, one after the other, up to the first that does not fit. */
function* boxes(bytes: Uint8Array, from: number, to: number): Generator<Box> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let pos = from; pos + 8 <= to;) {
    let size = view.getUint32(pos);
    let header = 8;
    if (size === 1) {
      if (pos + 16 > to) return;
      size = Number(view.getBigUint64(pos + 8));
      header = 16;
    } else if (size === 0) size = to - pos;
    if (size < header || pos + size > to) return;
    yield { type: String.fromCharCode(...bytes.subarray(pos + 4, pos + 8)), start: pos + header, end: pos + size };
    pos += size;
  }
}

function child(bytes: Uint8Array, parent: Box, type: string): Box | null {
  for (const box of boxes(bytes, parent.start, parent.end)) if (box.type === type) return box;
  return null;
}

/** The movie box's content, found among the file's top-level boxes; null if it has none whole. */
async function readMoov(input: EngineInput, watch: Watch): Promise<Uint8Array | null> {
  for (let pos = 0; pos + 8 <= input.size;) {
    const head = await readBytes(input, pos, pos + 16, watch);
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const small = view.getUint32(0);
    const header = small === 1 ? 16 : 8;
    if (head.length < header) return null;
    const size = small === 1 ? Number(view.getBigUint64(8)) : small === 0 ? input.size - pos : small;
    if (size < header || pos + size > input.size) return null;
    if (String.fromCharCode(...head.subarray(4, 8)) === 'moov')
      return size - header > MAX_MOOV_BYTES ? null : readBytes(input, pos + header, pos + size, watch);
    pos += size;
  }
  return null;
}

/** The time-to-sample table (stts): runs of samples with one decode-time step each. */
interface Timing {
  /** Per run: its first sample, its sample count, its first sample's decode time and the step, track units. */
  first: Float64Array;
  count: Float64Array;
  dts: Float64Array;
  delta: Float64Array;
}

/** The sample-to-chunk (stsc) and chunk-offset (stco, co64) tables. */
interface Chunks {
  /** Per sample-to-chunk entry: its first sample and first chunk, and samples a chunk. */
  firstSample: Float64Array;
  firstChunk: Float64Array;
  perChunk: Float64Array;
  /** Where each chunk starts in the file, bytes. */
  offsets: Float64Array;
}

/** What the reader keeps of a track's sample table (see the file's head). */
interface Tables {
  timing: Timing;
  /** Presentation time of every sample (decode time plus composition offset); null without offsets. */
  pts: Float64Array | null;
  /** The samples in presentation order (by time, then number); null without composition offsets. */
  shown: Uint32Array | null;
  /** The sync samples, ascending, sample 0 among them; null when every sample is one. */
  keys: Uint32Array | null;
  /** Every sample's size, bytes; one entry when all have that size. */
  sizes: Uint32Array;
  chunks: Chunks;
  /** Track units a second. */
  timescale: number;
  /** The edit list's start, track units: subtracted from every presentation time. */
  editOffset: number;
  /** The track's duration by its media header, track units (0: not said). */
  mediaDuration: number;
}

/** Reads the boxes of a movie box's content; each parser answers null for what this reader leaves to mediabunny. */
class MoovBoxes {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u32(at: number): number {
    return this.view.getUint32(at);
  }

  i32(at: number): number {
    return this.view.getInt32(at);
  }

  u64(at: number): number {
    return Number(this.view.getBigUint64(at));
  }

  i64(at: number): number {
    return Number(this.view.getBigInt64(at));
  }

  /** A full box's version (its first byte). */
  version(box: Box): number {
    return this.bytes[box.start]!;
  }

  /** Entries of a full box's table of `bytesEach` bytes from `at` on, as many as its count says and it holds. */
  entries(box: Box, bytesEach: number, countAt = box.start + 4): number {
    return Math.min(this.u32(countAt), Math.floor((box.end - countAt - 4) / bytesEach));
  }

  /** The movie's timescale, the track box of `trackId`; null for a fragmented movie. */
  movie(trackId: number): { movieTimescale: number; trak: Box | null } | null {
    let movieTimescale = 0;
    let trak: Box | null = null;
    for (const box of boxes(this.bytes, 0, this.bytes.length)) {
      // Fragments add samples the table does not list.
      if (box.type === 'mvex') return null;
      if (box.type === 'mvhd') movieTimescale = this.u32(box.start + (this.version(box) === 1 ? 20 : 12));
      if (box.type === 'trak' && !trak) {
        const tkhd = child(this.bytes, box, 'tkhd');
        if (tkhd && this.u32(tkhd.start + (this.version(tkhd) === 1 ? 20 : 12)) === trackId) trak = box;
      }
    }
    return { movieTimescale, trak };
  }

  /** The first edit that plays media, as mediabunny reads it: empty edits before it shift the track later. */
  editOffset(trak: Box, movieTimescale: number, timescale: number): number {
    const edts = child(this.bytes, trak, 'edts');
    const elst = edts && child(this.bytes, edts, 'elst');
    if (!elst) return 0;
    const v1 = this.version(elst) === 1;
    const size = v1 ? 20 : 12;
    let empty = 0;
    for (let i = 0, at = elst.start + 8; i < this.entries(elst, size); i++, at += size) {
      const duration = v1 ? this.u64(at) : this.u32(at);
      const mediaTime = v1 ? this.i64(at + 8) : this.i32(at + 4);
      if (mediaTime === -1) {
        empty += duration;
        continue;
      }
      // Another rate: mediabunny takes no edit at all.
      return this.i32(at + (v1 ? 16 : 8)) / 0x10000 === 1
        ? mediaTime - Math.round((empty / movieTimescale) * timescale)
        : 0;
    }
    return 0;
  }

  timing(stts: Box): Timing {
    const runs = this.entries(stts, 8);
    const timing = {
      first: new Float64Array(runs),
      count: new Float64Array(runs),
      dts: new Float64Array(runs),
      delta: new Float64Array(runs),
    };
    for (let i = 0, sample = 0, dts = 0; i < runs; i++) {
      const count = this.u32(stts.start + 8 + 8 * i);
      const delta = this.u32(stts.start + 12 + 8 * i);
      timing.first[i] = sample;
      timing.count[i] = count;
      timing.dts[i] = dts;
      timing.delta[i] = delta;
      sample += count;
      dts += count * delta;
    }
    return timing;
  }

  /** Every sample's presentation time, and the samples in presentation order; null without composition offsets. */
  presentation(ctts: Box | undefined, timing: Timing, samples: number): Pick<Tables, 'pts' | 'shown'> {
    const offsets = ctts ? this.entries(ctts, 8) : 0;
    if (!ctts || offsets === 0) return { pts: null, shown: null };
    const pts = new Float64Array(samples);
    for (let r = 0, i = 0; r < timing.first.length; r++)
      for (let k = 0; k < timing.count[r]!; k++, i++) pts[i] = timing.dts[r]! + k * timing.delta[r]!;
    for (let e = 0, i = 0; e < offsets && i < samples; e++) {
      const count = this.u32(ctts.start + 8 + 8 * e);
      // Signed whatever the box's version says: version 0 files with negative offsets exist (mediabunny reads so).
      const offset = this.i32(ctts.start + 12 + 8 * e);
      for (let k = 0; k < count && i < samples; k++, i++) pts[i]! += offset;
    }
    const shown = new Uint32Array(samples);
    for (let i = 0; i < samples; i++) shown[i] = i;
    shown.sort((a, b) => pts[a]! - pts[b]! || a - b);
    return { pts, shown };
  }

  /** The sync samples from 0 (null: every sample is one); null inside for a list that is not ascending. */
  keys(stss: Box | undefined): { keys: Uint32Array | null } | null {
    if (!stss) return { keys: null };
    const listed = Array.from({ length: this.entries(stss, 4) }, (_, i) => this.u32(stss.start + 8 + 4 * i) - 1);
    // Some files leave sample 0 out; mediabunny takes it as a key frame all the same.
    if (listed[0] !== 0) listed.unshift(0);
    for (let i = 1; i < listed.length; i++) if (!(listed[i]! > listed[i - 1]!)) return null;
    return { keys: Uint32Array.from(listed) };
  }

  /** Every sample's size, or the one size they all have; null for an empty table. */
  sizes(stsz: Box): Uint32Array | null {
    const constant = this.u32(stsz.start + 4);
    if (constant !== 0) return Uint32Array.of(constant);
    const sizes = new Uint32Array(this.entries(stsz, 4, stsz.start + 8));
    for (let i = 0; i < sizes.length; i++) sizes[i] = this.u32(stsz.start + 12 + 4 * i);
    return sizes.length ? sizes : null;
  }

  /** The chunks; null for a sample-to-chunk table that is empty, does not rise, or has chunks of no samples. */
  chunks(stsc: Box, stco: Box): Chunks | null {
    const n = this.entries(stsc, 12);
    const long = stco.type === 'co64';
    const chunks = {
      firstSample: new Float64Array(n),
      firstChunk: new Float64Array(n),
      perChunk: new Float64Array(n),
      offsets: new Float64Array(this.entries(stco, long ? 8 : 4)),
    };
    if (n === 0) return null;
    for (let i = 0, sample = 0; i < n; i++) {
      const firstChunk = this.u32(stsc.start + 8 + 12 * i) - 1;
      const perChunk = this.u32(stsc.start + 12 + 12 * i);
      if (perChunk === 0 || (i > 0 && firstChunk <= chunks.firstChunk[i - 1]!)) return null;
      if (i > 0) sample += (firstChunk - chunks.firstChunk[i - 1]!) * chunks.perChunk[i - 1]!;
      chunks.firstSample[i] = sample;
      chunks.firstChunk[i] = firstChunk;
      chunks.perChunk[i] = perChunk;
    }
    for (let i = 0; i < chunks.offsets.length; i++)
      chunks.offsets[i] = long ? this.u64(stco.start + 8 + 8 * i) : this.u32(stco.start + 8 + 4 * i);
    return chunks;
  }

  /** Track `trackId`'s tables; null where this reader leaves the file to mediabunny. */
  tables(trackId: number): Tables | null {
    const movie = this.movie(trackId);
    const trak = movie?.trak;
    const mdia = trak && child(this.bytes, trak, 'mdia');
    const mdhd = mdia && child(this.bytes, mdia, 'mdhd');
    const minf = mdia && child(this.bytes, mdia, 'minf');
    const stbl = minf && child(this.bytes, minf, 'stbl');
    if (!movie || !trak || !mdhd || !stbl || movie.movieTimescale <= 0) return null;
    const long = this.version(mdhd) === 1;
    const timescale = this.u32(mdhd.start + (long ? 20 : 12));
    if (timescale <= 0) return null;

    const table = new Map<string, Box>();
    for (const box of boxes(this.bytes, stbl.start, stbl.end)) if (!table.has(box.type)) table.set(box.type, box);
    const stsd = table.get('stsd');
    const stts = table.get('stts');
    const stsz = table.get('stsz');
    const stsc = table.get('stsc');
    const stco = table.get('stco') ?? table.get('co64');
    // Encrypted samples are decrypted by mediabunny, compact sizes unpacked by it: left to it.
    const encrypted =
      stsd &&
      stsd.start + 16 <= stsd.end &&
      String.fromCharCode(...this.bytes.subarray(stsd.start + 12, stsd.start + 16)) === 'encv';
    if (!stts || !stsz || !stsc || !stco || encrypted || table.has('stz2')) return null;

    const timing = this.timing(stts);
    const runs = timing.first.length;
    const samples = runs ? timing.first[runs - 1]! + timing.count[runs - 1]! : 0;
    const keys = this.keys(table.get('stss'));
    const sizes = this.sizes(stsz);
    const chunks = this.chunks(stsc, stco);
    if (!keys || !sizes || !chunks) return null;
    return {
      timing,
      ...this.presentation(table.get('ctts'), timing, samples),
      ...keys,
      sizes,
      chunks,
      timescale,
      editOffset: this.editOffset(trak, movie.movieTimescale, timescale),
      mediaDuration: long ? this.u64(mdhd.start + 24) : this.u32(mdhd.start + 16),
    };
  }
}

/**
 * The lookups of {@link KeyLookup} on an MP4 or MOV track whose sample table lists every sample: see the file's head.
 */
export class Mp4SampleTable implements KeyLookup {
  /** Samples in the track (what the time-to-sample table covers). */
  readonly samples: number;
  /** Where the track's header says it ends, s on the packets' timeline; null where it says nothing (zero). */
  readonly declaredEndSec: number | null;
  private readonly timing: Timing;
  private readonly pts: Float64Array | null;
  private readonly shown: Uint32Array | null;
  private readonly keys: Uint32Array | null;
  private readonly sizes: Uint32Array;
  private readonly chunks: Chunks;
  private readonly timescale: number;
  private readonly editOffset: number;

  private constructor(
    tables: Tables,
    private readonly bytes: ChunkedReads,
    private readonly fileSize: number,
  ) {
    ({
      timing: this.timing,
      pts: this.pts,
      shown: this.shown,
      keys: this.keys,
      sizes: this.sizes,
      chunks: this.chunks,
      timescale: this.timescale,
      editOffset: this.editOffset,
    } = tables);
    const t = this.timing.first.length;
    this.samples = t ? this.timing.first[t - 1]! + this.timing.count[t - 1]! : 0;
    this.declaredEndSec =
      tables.mediaDuration > 0 && this.samples > 0
        ? this.secOf(this.presentation(0, this.run(0))) + tables.mediaDuration / this.timescale
        : null;
  }

  /**
   * The sample table of track `trackId` (its tkhd's track_ID, mediabunny's `track.id`) of `input`; null for a file
   * this reader leaves to mediabunny (see the file's head).
   */
  static async read(input: EngineInput, trackId: number, watch: Watch = UNWATCHED): Promise<Mp4SampleTable | null> {
    const moov = await readMoov(input, watch);
    const tables = moov && new MoovBoxes(moov).tables(trackId);
    return tables ? new Mp4SampleTable(tables, new ChunkedReads(input, input.size, watch), input.size) : null;
  }

  async getFirstPacket(options: PacketRetrievalOptions = {}): Promise<EncodedPacket | null> {
    return this.packet(0, options);
  }

  async getPacket(timestamp: number, options: PacketRetrievalOptions = {}): Promise<EncodedPacket | null> {
    return this.packet(this.sampleAt(this.unitsOf(timestamp)), options);
  }

  async getKeyPacket(timestamp: number, options: PacketRetrievalOptions = {}): Promise<EncodedPacket | null> {
    const t = this.unitsOf(timestamp);
    const { keys, pts, shown } = this;
    if (!keys) return this.packet(this.sampleAt(t), options);
    if (pts && shown) {
      // The key frame shown last at or before `t`, walking back in presentation order.
      for (let p = this.lastShownAt(t); p >= 0; p--) if (this.isKey(shown[p]!)) return this.packet(shown[p]!, options);
      return null;
    }
    const sample = this.sampleAt(t);
    const k = lastAtOrBefore(keys, sample);
    return this.packet(k >= 0 ? keys[k]! : -1, options);
  }

  async getNextPacket(packet: EncodedPacket, options: PacketRetrievalOptions = {}): Promise<EncodedPacket | null> {
    return this.packet(packet.sequenceNumber + 1, options);
  }

  async getFirstKeyPacket(options: PacketRetrievalOptions = {}): Promise<EncodedPacket | null> {
    const first = await this.getFirstPacket(options);
    return first && first.type !== 'key' ? this.getNextKeyPacket(first, options) : first;
  }

  async getNextKeyPacket(packet: EncodedPacket, options: PacketRetrievalOptions = {}): Promise<EncodedPacket | null> {
    const i = packet.sequenceNumber;
    const { keys } = this;
    if (!keys) return this.packet(i + 1, options);
    const k = lastAtOrBefore(keys, i);
    return this.packet(k + 1 < keys.length ? keys[k + 1]! : -1, options);
  }

  /**
   * Every sample's time, key flag and duration in decode order, as mediabunny's list of every packet gives them
   * (`listPackets`), from the tables at once: no packet objects, no await per sample.
   */
  packetIndex(): PacketIndex {
    const n = this.samples;
    const index: PacketIndex = { pts: new Float64Array(n), key: new Uint8Array(n), duration: new Float64Array(n) };
    const { timing, pts, shown, keys } = this;
    for (let r = 0, i = 0; r < timing.first.length; r++)
      for (let k = 0; k < timing.count[r]!; k++, i++) {
        index.pts[i] = this.secOf(pts ? pts[i]! : timing.dts[r]! + k * timing.delta[r]!);
        index.duration[i] = timing.delta[r]! / this.timescale;
      }
    // With B-frames, a sample lasts until the next one shown (the last one shown keeps its own delta).
    if (pts && shown)
      for (let p = 0; p + 1 < shown.length; p++)
        index.duration[shown[p]!] = (pts[shown[p + 1]!]! - pts[shown[p]!]!) / this.timescale;
    if (!keys) index.key.fill(1);
    else {
      for (const k of keys) if (k < n) index.key[k] = 1;
    }
    return index;
  }

  /** Seconds on the packets' timeline to track units (mediabunny's mapping). */
  private unitsOf(timestamp: number): number {
    return roundIfAlmostInteger(timestamp * this.timescale) + this.editOffset;
  }

  private secOf(units: number): number {
    return (units - this.editOffset) / this.timescale;
  }

  /** The sample shown last at or before `t` (track units); -1 if none. */
  private sampleAt(t: number): number {
    const { shown, timing } = this;
    if (shown) {
      const p = this.lastShownAt(t);
      return p >= 0 ? shown[p]! : -1;
    }
    // Without offsets, decode order is presentation order: the run, then the sample in it.
    const r = lastAtOrBefore(timing.dts, t);
    if (r < 0) return -1;
    const delta = timing.delta[r]!;
    const steps = delta > 0 ? Math.floor((t - timing.dts[r]!) / delta) : Infinity;
    return timing.first[r]! + Math.min(steps, timing.count[r]! - 1);
  }

  /**
   * The last place in presentation order whose sample is shown before `t` (track units), or at `t` and numbered at
   * most `upTo`: the order sorts by time, then number. -1 if none.
   */
  private lastShownAt(t: number, upTo = Infinity): number {
    const pts = this.pts!;
    return countWhile(this.shown!, (s) => pts[s]! < t || (pts[s] === t && s <= upTo)) - 1;
  }

  /** The time-to-sample run holding sample `i`; -1 past the table. */
  private run(i: number): number {
    const { timing } = this;
    const r = lastAtOrBefore(timing.first, i);
    return r >= 0 && i < timing.first[r]! + timing.count[r]! ? r : -1;
  }

  private presentation(i: number, run: number): number {
    return this.pts ? this.pts[i]! : this.timing.dts[run]! + (i - this.timing.first[run]!) * this.timing.delta[run]!;
  }

  private isKey(i: number): boolean {
    const { keys } = this;
    if (!keys) return true;
    const k = lastAtOrBefore(keys, i);
    return k >= 0 && keys[k] === i;
  }

  /** Sample `i` as mediabunny gives it; null past the table, or when its bytes are not in the file. */
  private async packet(i: number, options: PacketRetrievalOptions): Promise<EncodedPacket | null> {
    if (i < 0) return null;
    const run = this.run(i);
    if (run < 0) return null;
    const { chunks, sizes, pts, shown } = this;
    const e = lastAtOrBefore(chunks.firstSample, i);
    if (e < 0) return null;
    const chunk = chunks.firstChunk[e]! + Math.floor((i - chunks.firstSample[e]!) / chunks.perChunk[e]!);
    if (chunk >= chunks.offsets.length) return null;
    const chunkStart = chunks.firstSample[e]! + (chunk - chunks.firstChunk[e]!) * chunks.perChunk[e]!;
    const size = sizes[Math.min(i, sizes.length - 1)]!;
    let offset = chunks.offsets[chunk]!;
    if (sizes.length === 1) offset += size * (i - chunkStart);
    else for (let s = chunkStart; s < i; s++) offset += sizes[s]!;

    const at = this.presentation(i, run);
    // The time to the next sample shown, with B-frames; the table's own delta for the last one shown, and without.
    let duration = this.timing.delta[run]!;
    if (pts && shown) {
      const p = this.lastShownAt(at, i);
      if (p + 1 < shown.length) duration = pts[shown[p + 1]!]! - at;
    }
    let data: Uint8Array;
    if (options.metadataOnly) data = new Uint8Array(0);
    else if (offset + size > this.fileSize) return null;
    else data = await this.bytes.read(offset, offset + size);
    return new EncodedPacket(data, this.isKey(i) ? 'key' : 'delta', this.secOf(at), duration / this.timescale, i, size);
  }
}
