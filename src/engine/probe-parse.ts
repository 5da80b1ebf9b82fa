// Turns ffprobe's JSON and packet CSV into the source facts and frame list the core decides from (no I/O here).

import { SpriteError } from '../core/errors.js';
import type { FrameInfo } from '../core/selection.js';
import type { VideoSourceInfo } from '../core/source.js';

/** The ffprobe entries the engine asks for; parseStreamInfo reads exactly these. */
export const PROBE_ENTRIES =
  'stream=index,codec_type,codec_name,width,height,sample_aspect_ratio,r_frame_rate,avg_frame_rate,start_time,duration' +
  ':stream_disposition=attached_pic:stream_side_data=rotation:stream_tags=rotate:format=format_name,start_time,duration';

/** What the stream-level probe tells before any packet is read. */
export interface StreamInfo {
  /** Absolute index of the chosen video stream (for `-map 0:N` and `-select_streams N`). */
  index: number;
  codec: string;
  codedWidth: number;
  codedHeight: number;
  sar: [number, number];
  rotation: 0 | 90 | 180 | 270;
  /** Nominal frame interval in ms from the stream's frame rate; 0 when unknown. */
  frameIntervalMs: number;
  /** The container's start time in s: ffmpeg's input `-ss` counts from here. */
  formatStartSec: number;
  formatName: string;
  /** Where the header says the video ends, in s on the container's timeline (stream duration, else the file's); null if unknown. */
  claimedEndSec: number | null;
}

interface ProbeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  start_time?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  side_data_list?: { rotation?: number }[];
  tags?: { rotate?: string };
}

function ratio(text: string | undefined): number {
  const m = /^(\d+)[:/](\d+)$/.exec(text ?? '');
  if (!m) return 0;
  const den = Number(m[2]);
  return den > 0 ? Number(m[1]) / den : 0;
}

/** Clockwise display rotation from a display-matrix angle (counter-clockwise degrees) or a legacy `rotate` tag. */
function normaliseRotation(stream: ProbeStream): 0 | 90 | 180 | 270 {
  const matrix = stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  // The matrix angle is counter-clockwise; the legacy tag is clockwise. An all-zero matrix reports a nonsense angle.
  const clockwise = matrix !== undefined ? -matrix : Number(stream.tags?.rotate ?? 0);
  if (!Number.isFinite(clockwise) || Math.abs(clockwise) > 3600) return 0;
  const q = (((Math.round(clockwise / 90) * 90) % 360) + 360) % 360;
  return q as 0 | 90 | 180 | 270;
}

/**
 * Reads the stream-level probe. Throws NOT_A_VIDEO when ffprobe recognised nothing, NO_VIDEO_STREAM when the file
 * has streams but no video (cover art does not count).
 */
export function parseStreamInfo(json: string): StreamInfo {
  let data: { streams?: ProbeStream[]; format?: { format_name?: string; start_time?: string; duration?: string } };
  try {
    data = JSON.parse(json) as typeof data;
  } catch {
    data = {};
  }
  if (!data.format && !data.streams?.length) {
    throw new SpriteError('NOT_A_VIDEO', 'The file is not a video the decoder recognises (no known container format).');
  }
  const formatName = data.format?.format_name ?? 'unknown';
  // ffmpeg opens still images (png_pipe, image2…) and text (tty) as one-frame "videos": not what a sprite is made of.
  if (/(^|,)(image2|tty)(,|$)|_pipe$/.test(formatName)) {
    throw new SpriteError('NOT_A_VIDEO', `The file is ${formatName === 'tty' ? 'text' : 'a still image'} (${formatName}), not a video.`, {
      details: { format: formatName },
    });
  }
  const video = (data.streams ?? []).find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video || typeof video.index !== 'number') {
    const kinds = [...new Set((data.streams ?? []).map((s) => s.codec_type ?? 'unknown'))];
    throw new SpriteError(
      'NO_VIDEO_STREAM',
      `The file has no video stream${kinds.length ? ` (only ${kinds.join(', ')})` : ''}: there is nothing to take frames from.`,
      { details: { streams: kinds } },
    );
  }
  if (!video.codec_name || video.codec_name === 'none' || !video.width || !video.height) {
    throw new SpriteError('UNSUPPORTED_CODEC', `The video stream (${video.codec_name ?? 'unknown codec'}) has no frame size the decoder can read.`, {
      details: { codec: video.codec_name ?? null },
    });
  }
  const [sarNum, sarDen] = (video.sample_aspect_ratio ?? '').split(':').map(Number);
  const sar: [number, number] = sarNum && sarDen && sarNum > 0 && sarDen > 0 ? [sarNum, sarDen] : [1, 1];
  // avg_frame_rate is the real mean; r_frame_rate is a time-base guess that is absurd for VFR (e.g. 57600/1).
  const fps = ratio(video.avg_frame_rate) || ratio(video.r_frame_rate);
  const streamEnd = Number(video.start_time) + Number(video.duration);
  const formatEnd = (Number(data.format?.start_time) || 0) + Number(data.format?.duration);
  return {
    index: video.index,
    codec: video.codec_name ?? 'unknown',
    codedWidth: video.width,
    codedHeight: video.height,
    sar,
    rotation: normaliseRotation(video),
    frameIntervalMs: fps > 0 && fps < 1000 ? 1000 / fps : 0,
    formatStartSec: Number(data.format?.start_time) || 0,
    formatName,
    claimedEndSec: Number.isFinite(streamEnd) ? streamEnd : Number.isFinite(formatEnd) ? formatEnd : null,
  };
}

/** One video packet: presentation time in s (null when the container has none) and its key flag. */
export interface PacketRow {
  pts: number | null;
  key: boolean;
}

/** Parses `-show_entries packet=pts_time,flags -of csv=p=0`; blank lines (side data) and trailing commas are skipped. */
export function parsePacketCsv(csv: string): PacketRow[] {
  const rows: PacketRow[] = [];
  for (const line of csv.split('\n')) {
    const cells = line.trim().split(',');
    if (cells.length < 2 || cells[0] === '') continue;
    const pts = cells[0] === 'N/A' ? null : Number(cells[0]);
    rows.push({ pts: pts === null || Number.isFinite(pts) ? pts : null, key: (cells[1] ?? '').startsWith('K') });
  }
  return rows;
}

/** One decoded frame as showinfo reports it: presentation time in s and key flag. */
export interface ShowinfoFrame {
  n: number;
  pts: number;
  key: boolean;
}

const SHOWINFO = /\bn:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:(-?[\d.e+-]+).*?\biskey:(\d)/;

/** Parses showinfo log lines (one per frame); other lines are ignored. */
export function parseShowinfo(lines: readonly string[]): ShowinfoFrame[] {
  const frames: ShowinfoFrame[] = [];
  for (const line of lines) {
    const m = SHOWINFO.exec(line);
    if (m) frames.push({ n: Number(m[1]), pts: Number(m[3]), key: m[4] === '1' });
  }
  return frames;
}

/** The frame list and timing facts of a probed video. */
export interface FrameTable {
  /** Presentation time of the first decodable frame, in s on the container's timeline (SPEC §3 counts from here). */
  startSec: number;
  /** Frames in presentation order, times in ms from startSec. */
  frames: FrameInfo[];
  /** Where the last frame ends, from the first frame, in whole ms. */
  durationMs: number;
  /** Nominal frame interval in ms (the stream's rate, else the median gap). */
  frameIntervalMs: number;
}

/**
 * Builds the frame table from packet (or decoded-frame) times. Frames before the first key frame are dropped: a
 * decoder cannot show them (streams cut mid-GOP), and capturing them would fail. Returns null when times are missing.
 */
export function buildFrameTable(rows: readonly PacketRow[], nominalIntervalMs: number): FrameTable | null {
  if (rows.length === 0 || rows.some((r) => r.pts === null)) return null;
  const sorted = rows.map((r) => ({ pts: r.pts as number, key: r.key })).sort((a, b) => a.pts - b.pts);
  const firstKey = sorted.findIndex((r) => r.key);
  const usable = firstKey > 0 ? sorted.slice(firstKey) : sorted;
  // Duplicate timestamps (broken muxers) would make two frames claim one instant; keep the first.
  const unique = usable.filter((r, i) => i === 0 || r.pts !== usable[i - 1]!.pts);
  const startSec = unique[0]!.pts;
  const frames = unique.map((r) => ({ time: roundMs((r.pts - startSec) * 1000), key: r.key }));
  const gaps = frames.slice(1).map((f, i) => f.time - frames[i]!.time).sort((a, b) => a - b);
  const medianGap = gaps.length ? gaps[Math.floor(gaps.length / 2)]! : 0;
  const interval = nominalIntervalMs > 0 ? nominalIntervalMs : medianGap;
  const lastDuration = interval > 0 ? interval : 1000 / 25;
  return {
    startSec,
    frames,
    // Whole ms, like every parameter: sums of rounded frame times carry µs noise that would let a target at exactly
    // the end (5000 vs 5000.001) count as "before the end".
    durationMs: Math.round(frames[frames.length - 1]!.time + lastDuration),
    frameIntervalMs: interval,
  };
}

/** Milliseconds kept to the microsecond: enough to tell frames apart, stable under float noise. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** The source facts of the manifest and the geometry, from the stream info and the frame table. */
export function toSourceInfo(stream: StreamInfo, table: FrameTable): VideoSourceInfo {
  return {
    codedWidth: stream.codedWidth,
    codedHeight: stream.codedHeight,
    sar: stream.sar,
    rotation: stream.rotation,
    startTimeMs: roundMs(table.startSec * 1000),
    durationMs: table.durationMs,
    frameIntervalMs: table.frameIntervalMs,
    codec: stream.codec,
  };
}
