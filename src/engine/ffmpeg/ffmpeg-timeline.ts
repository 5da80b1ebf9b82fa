// Whether a container index gives ffmpeg's own timeline: MP4 and MOV sample tables read through mediabunny replace
// ffprobe's packet list (which reads the whole file) only when their first packets agree with ffprobe's exactly.

import { BlobSource, EncodedPacketSink, Input, MP4, QTFF } from 'mediabunny';
import type { FrameTable, TimedFrame } from '../../core/frame-table.js';
import { firstUnreadable, listPackets, packetFrames, shownIndices, type PacketIndex } from '../container-index.js';

/** Packets ffprobe reads to check that a container index gives ffmpeg's timeline. */
export const TIMELINE_CHECK_PACKETS = 8;
/**
 * ffprobe prints times to the microsecond: two readings of one timestamp agree within this. (Not a "same frame"
 * window: the check wants the very same timeline, see FRAME_TIME_TOLERANCE_MS for matching frames.)
 */
const PRINTED_PRECISION_S = 2e-6;

/**
 * The packets of the video track with track_ID `trackId` of an MP4 or MOV Blob, from its sample tables; null when the
 * file is neither, there is no such video track, or the file is cut before its last sample (ffprobe then tells what is
 * left). Only the index and the last sample are read.
 */
export async function isobmffVideoPackets(blob: Blob, trackId: number): Promise<PacketIndex | null> {
  const input = new Input({ source: new BlobSource(blob), formats: [MP4, QTFF] });
  try {
    if (!(await input.canRead())) return null;
    const video = (await input.getTracks()).find((t) => t.id === trackId);
    if (!video?.isVideoTrack()) return null;
    const packets = await listPackets(new EncodedPacketSink(video));
    if (packets.pts.length === 0 || (await firstUnreadable(new EncodedPacketSink(video), packets)) < packets.pts.length)
      return null;
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
  const shown = shownIndices(packets, packets.pts.length, true);
  const checked = head.slice(0, TIMELINE_CHECK_PACKETS);
  const same =
    checked.length > 0 &&
    checked.every((h, i) => {
      const p = shown[i];
      return (
        h.pts !== null &&
        p !== undefined &&
        Math.abs(h.pts - packets.pts[p]!) < PRINTED_PRECISION_S &&
        h.key === (packets.key[p] === 1)
      );
    });
  return same ? (packetFrames(packets, packets.pts.length, true)?.table ?? null) : null;
}
