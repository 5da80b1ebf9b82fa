// The video track's packets from a container's own index, through mediabunny: every packet's time and key flag
// without reading packet data, and where a cut file's data stops. Both decoders use it: WebCodecs for everything it
// decodes, ffmpeg.wasm for MP4 and MOV files whose codec the browser cannot decode (instead of ffprobe's packet list,
// which reads the whole file).

import { type EncodedPacket, type EncodedPacketSink } from 'mediabunny';
import { SpriteError } from '../core/errors.js';
import type { TimedFrame } from '../core/frame-table.js';

/** Every packet of the track in decode order, as typed arrays: a two-hour film has hundreds of thousands. */
export interface PacketIndex {
  /** Presentation time, s. */
  pts: Float64Array;
  /** 1 for a key packet. */
  key: Uint8Array;
  /** Duration, s. */
  duration: Float64Array;
}

/** Every packet's time and key flag in decode order, from the container's index (no packet data is read). */
export async function listPackets(sink: EncodedPacketSink): Promise<PacketIndex> {
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
 * The packets that are frames of the video, in decode order with their index: in MP4 and MOV, packets before an edit
 * list's start have negative times (decoded, since later frames refer to them, but never shown); ffprobe flags the
 * same packets discard. Other containers show every packet.
 */
export function shownPackets(
  packets: PacketIndex,
  readable: number,
  isobmff: boolean,
): (TimedFrame & { index: number })[] {
  const rows: (TimedFrame & { index: number })[] = [];
  for (let i = 0; i < readable; i++) {
    if (isobmff && packets.pts[i]! < 0) continue;
    rows.push({ pts: packets.pts[i]!, key: packets.key[i] === 1, index: i });
  }
  return rows;
}
