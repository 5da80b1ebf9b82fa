// The video track's packets from a container's own index, through mediabunny: every packet's time and key flag
// without reading packet data, and where a cut file's data stops. Both engines use it: WebCodecs for everything it
// decodes, ffmpeg.wasm for MP4 and MOV files whose codec the browser cannot decode (instead of ffprobe's packet list,
// which reads the whole file).

import { BlobSource, EncodedPacketSink, Input, MP4, QTFF, type EncodedPacket } from 'mediabunny';
import { SpriteError } from '../core/errors.js';
import { buildFrameTable, type FrameTable, type TimedFrame } from '../core/frame-table.js';

/** Packets ffprobe reads to check that a container index gives ffmpeg's timeline. */
export const TIMELINE_CHECK_PACKETS = 8;
/** ffprobe prints times to the microsecond. */
const PTS_AGREEMENT_S = 2e-6;

/** Every packet of the track in decode order, as typed arrays: a two-hour film has hundreds of thousands. */
export interface PacketIndex {
  /** Presentation time, s. */
  pts: Float64Array;
  /** 1 for a key packet. */
  key: Uint8Array;
}

/** Every packet's time and key flag in decode order, from the container's index (no packet data is read). */
export async function listPackets(sink: EncodedPacketSink): Promise<PacketIndex & { duration: Float64Array }> {
  const pts: number[] = [];
  const key: number[] = [];
  const duration: number[] = [];
  // The iterator reads ahead; one await per packet still dominates (a 2-hour film has 216 000 of them).
  for await (const p of sink.packets(undefined, undefined, { metadataOnly: true })) {
    pts.push(p.timestamp);
    key.push(p.type === 'key' ? 1 : 0);
    duration.push(p.duration);
  }
  return { pts: Float64Array.from(pts), key: Uint8Array.from(key), duration: Float64Array.from(duration) };
}

/**
 * The decode-order index of the first packet whose data is gone (an index that promises more than the file holds: a
 * cut download); the packet count when the last one reads. A binary search: a handful of small reads near the cut.
 */
export async function firstUnreadable(sink: EncodedPacketSink, packets: PacketIndex): Promise<number> {
  const n = packets.pts.length;
  // A packet whose bytes are not in the file is the cut; a remote read that failed is not, and ends the job.
  const gone = (e: unknown): null => {
    if (e instanceof SpriteError) throw e;
    return null;
  };
  const byTime = async (i: number) => {
    const packet = await sink.getPacket(packets.pts[i]!).catch(gone);
    return packet && packet.timestamp === packets.pts[i] ? packet : null;
  };
  const packetAt = async (i: number): Promise<EncodedPacket | null> => {
    const direct = await byTime(i);
    if (direct || i === 0) return direct;
    // mediabunny finds no packet by the time of a zero-length last sample; its predecessor's next one is it.
    const before = await byTime(i - 1);
    return before ? sink.getNextPacket(before).catch(gone) : null;
  };
  const readable = async (i: number) => (await packetAt(i)) !== null;
  if (await readable(n - 1)) return n;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (await readable(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The packets of the video track with track_ID `trackId` of an MP4 or MOV Blob, from its sample tables; null when the
 * file is neither, there is no such video track, or the file is cut before its last sample (ffprobe then tells what is
 * left). Only the index and the last sample are read.
 */
export async function isobmffVideoPackets(blob: Blob, trackId: number): Promise<(PacketIndex & { duration: Float64Array }) | null> {
  const input = new Input({ source: new BlobSource(blob), formats: [MP4, QTFF] });
  try {
    if (!(await input.canRead())) return null;
    const video = (await input.getTracks()).find((t) => t.id === trackId);
    if (!video?.isVideoTrack()) return null;
    const packets = await listPackets(new EncodedPacketSink(video));
    if (packets.pts.length === 0 || (await firstUnreadable(new EncodedPacketSink(video), packets)) < packets.pts.length) return null;
    return packets;
  } finally {
    input.dispose();
  }
}

/**
 * The frame table of `packets` (decode order, from the index) when they are on ffmpeg's timeline: their first
 * packets must have the times and key flags ffprobe gives for the same packets (`head`, decode order). Edit lists and
 * start offsets are where demuxers differ (a fragmented MP4 started at 0 in mediabunny, at 83 ms in ffmpeg, measured
 * 2026-11-26); ffmpeg's execs select frames by exact pts, so any difference means null.
 */
export function tableOnFfmpegTimeline(packets: PacketIndex, head: readonly TimedFrame[]): FrameTable | null {
  // Frames before an edit list's start: negative times in mediabunny, flagged discard (and left out) by ffprobe.
  const rows: TimedFrame[] = [];
  for (let i = 0; i < packets.pts.length; i++) if (packets.pts[i]! >= 0) rows.push({ pts: packets.pts[i]!, key: packets.key[i] === 1 });
  const checked = head.slice(0, TIMELINE_CHECK_PACKETS);
  const same = checked.length > 0 && checked.every((h, i) => h.pts !== null && rows[i] !== undefined && Math.abs(h.pts - rows[i].pts!) < PTS_AGREEMENT_S && h.key === rows[i].key);
  return same ? buildFrameTable(rows) : null;
}
