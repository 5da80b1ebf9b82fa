// The frame table of an AVI file from its own index (OpenDML `indx`/`ix##`, else `idx1`), read in a few small pieces
// instead of every packet: ffprobe's packet list reads the whole file, about a minute for 5 GiB.
//
// AVI stores no presentation times: frame n of the index (decode order) is at n × dwScale / dwRate. ffmpeg's decoder
// gives frames the times it sees, so a stream with B-frames (decoder delay 1) shows its frames one interval later,
// and a reference frame after B-frames is shown after them. Where that reordering matters (key frames in MPEG-4 Part 2
// with B-frames), the picture types of the frames after a key frame are read from their VOP headers: for every key
// frame in key mode, else only for those the job's frames decode from (about one read each). An empty
// chunk (a dropped frame) keeps its time slot and shows nothing. Anything this does not describe exactly (other
// codecs with B-frames, packed B-frames, empty chunks with B-frames, a start offset, a file cut before its index
// ends) gives null, and the engine scans the packets as before.

import { lastAtOrBefore } from '../../core/bisect.js';
import { buildFrameTable, indexFrames, roundMs, type FrameTable } from '../../core/frame-table.js';

/** Reads bytes `[start, end)` of the file (fewer at its end). */
export type ReadBytes = (start: number, end: number) => Promise<Uint8Array>;

/** Reads several pieces of the file (each fewer bytes at its end), in order; a reader may fetch them together. */
export type ReadPieces = (pieces: readonly { start: number; end: number }[]) => Promise<Uint8Array[]>;

/** What the stream-level probe says of the video stream the table is for. */
export interface AviStream {
  /** ffmpeg's stream index, which is the stream's number in the AVI. */
  index: number;
  /** ffmpeg's codec name. */
  codec: string;
  /** Frames the decoder holds back for reordering (ffprobe's has_b_frames). */
  hasBFrames: number;
}

/** One video chunk of the index: where its data is (absolute), its size and its key flag. */
interface IndexEntry {
  offset: number;
  size: number;
  key: boolean;
}

const MAX_HEADER_LIST = 4 << 20;
const MAX_INDEX_CHUNK = 64 << 20;
/** idx1 and ix## flag: the chunk is a key frame (idx1), or is not (bit 31 of an ix## size). */
const AVIIF_KEYFRAME = 0x10;
const DELTA_FRAME = 0x80000000;
/** Bytes read from the start of a frame to find its VOP header. */
const VOP_PROBE_BYTES = 64;
/**
 * Frame headers asked for at once after a key frame: an open GOP's `B B P` in one request. Each read of the file
 * costs about 1 ms whatever its size up to a few hundred KB (measured 2026-11-26), so a reader fetches them together.
 */
const HEADERS_PER_REQUEST = 3;

const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const u64 = (v: DataView, at: number) => v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;

/** The chunks of a RIFF list body: id, list type (for LIST/RIFF) and data (a list's after its type). */
function* chunksOf(body: Uint8Array): Generator<{ id: string; type: string; data: Uint8Array }> {
  const v = view(body);
  for (let p = 0; p + 8 <= body.length;) {
    const id = fourcc(body, p);
    const size = v.getUint32(p + 4, true);
    const isList = id === 'LIST' || id === 'RIFF';
    const data = body.subarray(p + 8, Math.min(body.length, p + 8 + size));
    yield { id, type: isList && data.length >= 4 ? fourcc(data, 0) : '', data: isList ? data.subarray(4) : data };
    p += 8 + size + (size & 1);
  }
}

/** The frames of an AVI video stream, from its index. */
export interface AviFrames {
  /**
   * The frame table. Its key flags are all there is, except for MPEG-4 with B-frames read with `keys: 'first'`: then
   * only the first key frame is flagged, and {@link AviFrames.keysBefore} finds the ones a job decodes from.
   */
  table: FrameTable;
  /**
   * Set where the table flags only the first key frame: the times (ms from the first frame, ascending, each once) of
   * the key frames that the frames at `times` are decoded from, each the last key frame shown at or before one of
   * them. About one read of the file per time.
   */
  keysBefore: ((times: readonly number[]) => Promise<number[]>) | null;
}

/** How {@link aviFrames} reads. */
export interface AviReadOptions {
  /** Several small pieces at once (frame headers); by default one {@link ReadBytes} each. */
  readPieces?: ReadPieces | undefined;
  /**
   * Where MPEG-4 with B-frames puts its key frames: `'all'` reads the headers after every key frame (about 1 ms
   * each; what key mode needs), `'first'` only after the first, leaving the rest to `keysBefore`. Default `'all'`.
   */
  keys?: 'all' | 'first' | undefined;
}

/**
 * The frames of stream `stream` of an AVI file, from its index; null when the file is not an AVI, or when the index
 * cannot give ffmpeg's exact frame times (see the file's comment): the caller then reads every packet.
 */
export async function aviFrames(
  read: ReadBytes,
  fileSize: number,
  stream: AviStream,
  options: AviReadOptions = {},
): Promise<AviFrames | null> {
  const readPieces = options.readPieces ?? ((pieces) => Promise.all(pieces.map(({ start, end }) => read(start, end))));
  const head = await read(0, 12);
  if (head.length < 12 || fourcc(head, 0) !== 'RIFF' || fourcc(head, 8) !== 'AVI ') return null;
  const reorders = stream.hasBFrames > 0;
  if (reorders && (stream.codec !== 'mpeg4' || stream.hasBFrames !== 1)) return null;

  // The first RIFF's top-level chunks: the header list, the movi list and the legacy index.
  const riffEnd = Math.min(fileSize, 8 + view(head).getUint32(4, true));
  let hdrl: Uint8Array | null = null;
  let moviAt = -1;
  let idx1: { at: number; size: number } | null = null;
  for (let p = 12; p + 12 <= riffEnd;) {
    const h = await read(p, p + 12);
    if (h.length < 12) break;
    const id = fourcc(h, 0);
    const size = view(h).getUint32(4, true);
    if (id === 'LIST' && fourcc(h, 8) === 'hdrl') {
      if (size > MAX_HEADER_LIST) return null;
      hdrl = (await read(p + 12, p + 8 + size)).slice();
    } else if (id === 'LIST' && fourcc(h, 8) === 'movi') {
      moviAt = p + 8;
    } else if (id === 'idx1') {
      idx1 = { at: p + 8, size };
    }
    p += 8 + size + (size & 1);
  }
  if (!hdrl || moviAt < 0) return null;

  const strl = [...chunksOf(hdrl)].filter((c) => c.id === 'LIST' && c.type === 'strl')[stream.index];
  const parts = strl ? [...chunksOf(strl.data)] : [];
  const strh = parts.find((c) => c.id === 'strh')?.data;
  if (!strh || strh.length < 48 || fourcc(strh, 0) !== 'vids') return null;
  const sv = view(strh);
  const scale = sv.getUint32(20, true);
  const rate = sv.getUint32(24, true);
  if (scale === 0 || rate === 0 || sv.getUint32(28, true) !== 0) return null;

  const indx = parts.find((c) => c.id === 'indx')?.data;
  // idx1 covers the first RIFF only: it is the whole index only when no AVIX RIFF follows.
  const next = riffEnd + 12 <= fileSize ? await read(riffEnd, riffEnd + 12) : null;
  const moreRiffs = next !== null && next.length >= 4 && fourcc(next, 0) === 'RIFF';
  const entries = indx
    ? await readOpenDml(read, indx)
    : idx1 && !moreRiffs
      ? await readIdx1(read, idx1, moviAt, stream.index)
      : null;
  if (!entries?.length || entries.some((e) => e.offset + e.size > fileSize)) return null;

  if (!reorders) {
    // Frames in decode order. An empty chunk (a dropped or repeated frame) keeps its time slot but shows nothing.
    const table = buildFrameTable(
      entries.flatMap((e, n) => (e.size > 0 ? [{ pts: (n * scale) / rate, key: e.key }] : [])),
    );
    return table && { table, keysBefore: null };
  }
  // With B-frames, every frame is shown one slot later, and each key frame after the B-frames that follow it.
  if (entries.some((e) => e.size === 0)) return null;
  const keyAt = entries.flatMap((e, i) => (e.key ? [i] : []));
  const leading = new LeadingBFrames(readPieces, entries);
  const firstKey = entries[keyAt[0] ?? -1];
  if (!firstKey || isPacked(await read(firstKey.offset, firstKey.offset + Math.min(firstKey.size, 4096)))) return null;
  const all = options.keys !== 'first';
  const shownAt: number[] = [];
  for (const k of all ? keyAt : keyAt.slice(0, 1)) {
    const b = await leading.after(k);
    if (b === null) return null;
    shownAt.push(k + b);
  }
  const firstShown = shownAt[0]!;
  const pts = (slot: number) => ((slot + 1) * scale) / rate;
  const keys = new Set(shownAt);
  const table = indexFrames(entries.length, pts, (n) => keys.has(n))?.table ?? null;
  if (!table || all) return table && { table, keysBefore: null };

  const timeOf = (slot: number) => roundMs((pts(slot) - table.startSec) * 1000);
  const slotOf = (ms: number) => Math.round(((ms / 1000 + table.startSec) * rate) / scale) - 1;
  const keysBefore = async (times: readonly number[]) => {
    const found = new Set<number>();
    for (const time of times) {
      const slot = slotOf(time);
      // The last key frame stored at or before the slot is shown at or after it: it serves if its B-frames do not
      // put it later; else the one before, which is shown before this key frame's slot. A header that cannot be
      // read makes a key frame unusable, not the job: an earlier one serves, at the cost of more decoding.
      let i = lastAtOrBefore(keyAt, slot);
      let shown: number | null = null;
      for (; i > 0 && shown === null; i--) {
        const b = await leading.after(keyAt[i]!);
        if (b !== null && keyAt[i]! + b <= slot) shown = keyAt[i]! + b;
      }
      // Down to the first key frame, whose place is known: every frame of the table is shown at or after it.
      if (shown === null && i === 0) shown = firstShown;
      if (shown !== null) found.add(timeOf(shown));
    }
    return [...found].sort((a, b) => a - b);
  };
  return { table, keysBefore };
}

/** The video entries of an OpenDML super index and its standard indexes; null if it is not one we read. */
async function readOpenDml(read: ReadBytes, indx: Uint8Array): Promise<IndexEntry[] | null> {
  const v = view(indx);
  // wLongsPerEntry 4, bIndexType AVI_INDEX_OF_INDEXES (0).
  if (indx.length < 24 || v.getUint16(0, true) !== 4 || indx[3] !== 0) return null;
  const count = v.getUint32(4, true);
  const entries: IndexEntry[] = [];
  for (let i = 0; i < count; i++) {
    const e = 24 + i * 16;
    if (e + 16 > indx.length) return null;
    const at = u64(v, e);
    // The super index gives each chunk's size (header included): one read, unless it says too little.
    let chunk = await read(at, at + Math.max(8, Math.min(v.getUint32(e + 8, true), MAX_INDEX_CHUNK)));
    if (chunk.length < 8 || !fourcc(chunk, 0).startsWith('ix')) return null;
    const size = view(chunk).getUint32(4, true);
    if (size > MAX_INDEX_CHUNK) return null;
    if (chunk.length < 8 + size) chunk = await read(at, at + 8 + size);
    const ix = chunk.subarray(8, 8 + size);
    const iv = view(ix);
    // bIndexType AVI_INDEX_OF_CHUNKS (1); field indexes (sub-type 1) carry a third long per entry.
    if (ix.length < 24 || ix[3] !== 1) return null;
    const stride = iv.getUint16(0, true) * 4;
    const n = iv.getUint32(4, true);
    const base = u64(iv, 12);
    if (stride < 8 || 24 + n * stride > ix.length) return null;
    for (let k = 0; k < n; k++) {
      const size = iv.getUint32(24 + k * stride + 4, true);
      entries.push({
        offset: base + iv.getUint32(24 + k * stride, true),
        size: size & ~DELTA_FRAME,
        key: (size & DELTA_FRAME) === 0,
      });
    }
  }
  return entries;
}

/** The video entries of a legacy idx1 index. */
async function readIdx1(
  read: ReadBytes,
  idx1: { at: number; size: number },
  moviAt: number,
  streamIndex: number,
): Promise<IndexEntry[] | null> {
  if (idx1.size > MAX_INDEX_CHUNK) return null;
  const body = await read(idx1.at, idx1.at + idx1.size);
  const v = view(body);
  const prefix = String(streamIndex).padStart(2, '0');
  const mine: { id: string; flags: number; offset: number; size: number }[] = [];
  for (let p = 0; p + 16 <= body.length; p += 16) {
    const id = fourcc(body, p);
    // Compressed (dc) or uncompressed (db) frames of this stream; palette changes (pc) are no frames.
    if (id.startsWith(prefix) && (id.endsWith('dc') || id.endsWith('db'))) {
      mine.push({
        id,
        flags: v.getUint32(p + 4, true),
        offset: v.getUint32(p + 8, true),
        size: v.getUint32(p + 12, true),
      });
    }
  }
  if (mine.length === 0) return [];
  // Offsets count from the movi list's type field, or (some writers) from the file's start: the first entry tells.
  const first = mine[0]!;
  const relative = fourcc(await read(moviAt + first.offset, moviAt + first.offset + 4), 0) === first.id;
  const absolute = !relative && fourcc(await read(first.offset, first.offset + 4), 0) === first.id;
  if (!relative && !absolute) return null;
  const base = relative ? moviAt : 0;
  return mine.map((e) => ({ offset: base + e.offset + 8, size: e.size, key: (e.flags & AVIIF_KEYFRAME) !== 0 }));
}

/**
 * MPEG-4 Part 2 with B-frames: how many B-frames follow each key frame in decode order. A reference frame is shown
 * after them, so key frame k is shown at slot k + that count. Read from the frames' VOP headers, once per key frame.
 */
class LeadingBFrames {
  private readonly known = new Map<number, number | null>();

  constructor(
    private readonly readPieces: ReadPieces,
    private readonly entries: readonly IndexEntry[],
  ) {}

  /** The count for the key frame at decode index `k`; null when a header in the way has no VOP start. */
  async after(k: number): Promise<number | null> {
    if (this.known.has(k)) return this.known.get(k)!;
    const { entries } = this;
    let b = 0;
    let count: number | null = null;
    scan: for (let i = k + 1; ;) {
      const next: IndexEntry[] = [];
      for (let j = i; j < entries.length && !entries[j]!.key && next.length < HEADERS_PER_REQUEST; j++)
        next.push(entries[j]!);
      if (next.length === 0) {
        count = b;
        break;
      }
      for (const header of await this.readPieces(
        next.map(({ offset, size }) => ({ start: offset, end: offset + Math.min(size, VOP_PROBE_BYTES) })),
      )) {
        const type = vopType(header);
        if (type === null) break scan;
        if (type !== 'B') {
          count = b;
          break scan;
        }
        b++;
        i++;
      }
    }
    this.known.set(k, count);
    return count;
  }
}

/** The coding type of the first VOP in `bytes` (I, P, B or S), or null when no VOP header starts there. */
export function vopType(bytes: Uint8Array): 'I' | 'P' | 'B' | 'S' | null {
  for (let i = 0; i + 4 < bytes.length; i++) {
    if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1 && bytes[i + 3] === 0xb6)
      return (['I', 'P', 'B', 'S'] as const)[bytes[i + 4]! >> 6]!;
  }
  return null;
}

/** DivX's packed bitstream marks itself with a user-data string ending in `p` (e.g. `DivX503b1393p`). */
function isPacked(keyFrame: Uint8Array): boolean {
  const text = String.fromCharCode(...keyFrame);
  return /DivX\d+(Build\d+|b\d+)p/.test(text);
}
