// A Matroska or WebM track's declared frame duration (DefaultDuration), whether the file has cues, and where its
// clusters begin, read from the file's first bytes. Its blocks'
// times are rounded to the segment's time unit (usually 1 ms: 0, 33, 67, 100… at 29.97 fps), so only the declared
// duration, in ns, tells the frame interval precisely enough to count the frames of a long file from its two ends.
// mediabunny reads it too but does not expose it.

// Element IDs, shared with matroska-clusters.ts.
export const EBML_HEADER = 0x1a45dfa3;
export const SEGMENT = 0x18538067;
export const TRACKS = 0x1654ae6b;
export const CLUSTER = 0x1f43b675;
const TRACK_ENTRY = 0xae;
const TRACK_NUMBER = 0xd7;
const DEFAULT_DURATION = 0x23e383;
/** Deprecated: a track that has one may scale its times, which are then not counted here. */
const TRACK_TIMESTAMP_SCALE = 0x23314f;
export const SEEK_HEAD = 0x114d9b74;
const SEEK = 0x4dbb;
const SEEK_ID = 0x53ab;
const SEEK_POSITION = 0x53ac;
export const CUES = 0x1c53bb6b;
export const INFO = 0x1549a966;
const TIMESTAMP_SCALE = 0x2ad7b1;
/** Compression or encryption of the track's blocks (header stripping, zlib): their bytes are not the frame's. */
const CONTENT_ENCODINGS = 0x6d80;
/** The time unit of a segment that declares none, ns (the spec's default: 1 ms). */
const DEFAULT_TIMESTAMP_SCALE = 1_000_000;

/** Bytes of the file's head read for the track list: it comes before the first cluster, after a few KB of headers. */
export const MATROSKA_HEAD_BYTES = 256 * 1024;

/** An EBML element found in a byte array (positions are indices into that array). */
export interface Element {
  id: number;
  /** Where its header starts. */
  at: number;
  /** Where its data starts. */
  data: number;
  /** Where it ends; null for an unknown size (a live stream's segment). */
  end: number | null;
}

/** The element whose header starts at `pos`, or null where the bytes run out or are no element header. */
export function elementAt(bytes: Uint8Array, pos: number): Element | null {
  const first = bytes[pos];
  if (first === undefined || first === 0) return null;
  const idLength = Math.clz32(first) - 23;
  if (idLength > 4 || pos + idLength >= bytes.length) return null;
  let id = 0;
  for (let i = 0; i < idLength; i++) id = id * 256 + bytes[pos + i]!;
  const sizeAt = pos + idLength;
  const sizeFirst = bytes[sizeAt]!;
  if (sizeFirst === 0) return null;
  const sizeLength = Math.clz32(sizeFirst) - 23;
  if (sizeAt + sizeLength > bytes.length) return null;
  let size = sizeFirst & (0xff >> sizeLength);
  let unknown = size === 0xff >> sizeLength;
  for (let i = 1; i < sizeLength; i++) {
    const b = bytes[sizeAt + i]!;
    size = size * 256 + b;
    unknown &&= b === 0xff;
  }
  const data = sizeAt + sizeLength;
  return { id, at: pos, data, end: unknown ? null : data + size };
}

export function unsignedAt(bytes: Uint8Array, el: Element): number | null {
  if (el.end === null || el.end > bytes.length || el.end - el.data > 8) return null;
  let value = 0;
  for (let i = el.data; i < el.end; i++) value = value * 256 + bytes[i]!;
  return value;
}

/** The children of `parent`, as far as `bytes` holds them. */
export function* children(bytes: Uint8Array, parent: Element): Generator<Element> {
  const end = Math.min(parent.end ?? bytes.length, bytes.length);
  for (let pos = parent.data; pos < end;) {
    const el = elementAt(bytes, pos);
    if (!el) return;
    yield el;
    if (el.end === null) return;
    pos = el.end;
  }
}

/** What the head of a Matroska file says of one track's timing and of the file's index. */
export interface MatroskaHead {
  /** The track's DefaultDuration, ns; null where it declares none or scales its times (TrackTimestampScale). */
  defaultDurationNs: number | null;
  /** The track's DefaultDuration as written, ns, whether or not it scales its times; null where it declares none. */
  declaredNs: number | null;
  /**
   * Where the cues are, bytes from the file's start: where the SeekHead points (usually after the clusters), or where
   * they are in the head; null where the file has none.
   */
  cuesAt: number | null;
  /** Where the first cluster's header starts, bytes from the file's start; null where the head read ends first. */
  clustersAt: number | null;
  /** Where the segment ends, bytes from the file's start; null for a segment of unknown size (written to a pipe). */
  segmentEnd: number | null;
  /** The segment's time unit, ns (TimestampScale): a block's time in it is its time in the file. */
  timestampScale: number;
  /** The track's blocks are compressed or encrypted (ContentEncodings), or its times scaled: not frames as they are. */
  transformed: boolean;
}

/**
 * The head of a Matroska file, for track `trackNumber`; null where the bytes hold no complete track list before the
 * first cluster.
 */
export function readMatroskaHead(head: Uint8Array, trackNumber: number): MatroskaHead | null {
  const ebml = elementAt(head, 0);
  if (ebml?.id !== EBML_HEADER || ebml.end === null) return null;
  const segment = elementAt(head, ebml.end);
  if (segment?.id !== SEGMENT) return null;
  let cuesAt: number | null = null;
  let clustersAt: number | null = null;
  let timestampScale = DEFAULT_TIMESTAMP_SCALE;
  let track: TrackEntry | null | undefined;
  for (const top of children(head, segment)) {
    if (top.id === CLUSTER) {
      clustersAt = top.at;
      break;
    }
    if (top.id === CUES) cuesAt ??= top.data;
    else if (top.id === SEEK_HEAD) cuesAt ??= cuesPosition(head, top, segment.data);
    else if (top.id === INFO) {
      for (const field of children(head, top))
        if (field.id === TIMESTAMP_SCALE) timestampScale = unsignedAt(head, field) || DEFAULT_TIMESTAMP_SCALE;
    } else if (top.id === TRACKS) {
      if (top.end === null || top.end > head.length) return null;
      track = trackEntry(head, top, trackNumber);
    }
  }
  if (track === undefined) return null;
  track ??= { durationNs: null, scaled: false, encoded: false };
  return {
    defaultDurationNs: track.scaled ? null : track.durationNs,
    declaredNs: track.durationNs,
    cuesAt,
    clustersAt,
    segmentEnd: segment.end,
    timestampScale,
    transformed: track.scaled || track.encoded,
  };
}

/** Where the SeekHead says the cues are, bytes from the file's start (its positions count from `segmentData`). */
function cuesPosition(head: Uint8Array, seekHead: Element, segmentData: number): number | null {
  for (const seek of children(head, seekHead)) {
    if (seek.id !== SEEK) continue;
    let id: number | null = null;
    let position: number | null = null;
    for (const field of children(head, seek)) {
      if (field.id === SEEK_ID) id = unsignedAt(head, field);
      else if (field.id === SEEK_POSITION) position = unsignedAt(head, field);
    }
    if (id === CUES && position !== null) return segmentData + position;
  }
  return null;
}

interface TrackEntry {
  /** DefaultDuration, ns, or null. */
  durationNs: number | null;
  /** TrackTimestampScale (deprecated) is set. */
  scaled: boolean;
  /** ContentEncodings is set. */
  encoded: boolean;
}

function trackEntry(head: Uint8Array, tracks: Element, trackNumber: number): TrackEntry | null {
  for (const entry of children(head, tracks)) {
    if (entry.id !== TRACK_ENTRY) continue;
    let number: number | null = null;
    const found: TrackEntry = { durationNs: null, scaled: false, encoded: false };
    for (const field of children(head, entry)) {
      if (field.id === TRACK_NUMBER) number = unsignedAt(head, field);
      else if (field.id === DEFAULT_DURATION) found.durationNs = unsignedAt(head, field) || null;
      else if (field.id === TRACK_TIMESTAMP_SCALE) found.scaled = true;
      else if (field.id === CONTENT_ENCODINGS) found.encoded = true;
    }
    if (number === trackNumber) return found;
  }
  return null;
}
