// Turns ffprobe's JSON and packet CSV into the source facts and frame list the core decides from (no I/O here).

import { SpriteError } from '../../core/errors.js';
import type { TimedFrame } from '../../core/frame-table.js';
import type { HdrTransfer } from '../../core/tone-map.js';

/** The ffprobe entries the engine asks for; parseStreamInfo reads exactly these. */
export const PROBE_ENTRIES =
  'stream=index,id,codec_type,codec_name,width,height,sample_aspect_ratio,start_time,duration,has_b_frames,' +
  'color_transfer,field_order' +
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
  /** The container's start time in s: ffmpeg's input `-ss` counts from here. */
  formatStartSec: number;
  formatName: string;
  /** Where the header says the video ends, in s on the container's timeline (stream duration, else the file's); null if unknown. */
  claimedEndSec: number | null;
  /** Frames the decoder holds back to reorder B-frames (0 when it shows them in decode order). */
  hasBFrames: number;
  /** The container's own id of the stream (an MP4 track_ID, a TS PID), where it has one. */
  containerId: number | null;
  /** The HDR transfer the stream is tagged with, if any. */
  hdr: HdrTransfer | undefined;
  /** The stream's frames are interlaced (ffprobe gives a field order other than progressive). */
  interlaced: boolean;
}

/** ffprobe's names of the HDR transfers. */
const HDR_TRANSFERS: Record<string, HdrTransfer> = { smpte2084: 'pq', 'arib-std-b67': 'hlg' };
/** ffprobe's field orders of interlaced streams: top or bottom field first, coded and displayed either way. */
const INTERLACED_ORDERS = new Set(['tt', 'bb', 'tb', 'bt']);

interface ProbeStream {
  index?: number;
  id?: string;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  start_time?: string;
  duration?: string;
  has_b_frames?: number;
  color_transfer?: string;
  field_order?: string;
  disposition?: { attached_pic?: number };
  side_data_list?: { rotation?: number }[];
  tags?: { rotate?: string };
}

/** Any real rotation is within a turn or two; an all-zero display matrix reports an angle like -9.2e18. */
const NONSENSE_ROTATION_DEG = 3600;

/** Clockwise display rotation from a display-matrix angle (counter-clockwise degrees) or a legacy `rotate` tag. */
function normaliseRotation(stream: ProbeStream): 0 | 90 | 180 | 270 {
  const matrix = stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  // The matrix angle is counter-clockwise; the legacy tag is clockwise. An all-zero matrix reports a nonsense angle.
  const clockwise = matrix !== undefined ? -matrix : Number(stream.tags?.rotate ?? 0);
  if (!Number.isFinite(clockwise) || Math.abs(clockwise) > NONSENSE_ROTATION_DEG) return 0;
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
    throw new SpriteError(
      'NOT_A_VIDEO',
      `The file is ${formatName === 'tty' ? 'text' : 'a still image'} (${formatName}), not a video.`,
      {
        details: { format: formatName },
      },
    );
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
    throw new SpriteError(
      'UNSUPPORTED_CODEC',
      `The video stream (${video.codec_name ?? 'unknown codec'}) has no frame size the decoder can read.`,
      {
        details: { codec: video.codec_name ?? null },
      },
    );
  }
  const [sarNum, sarDen] = (video.sample_aspect_ratio ?? '').split(':').map(Number);
  const sar: [number, number] = sarNum && sarDen && sarNum > 0 && sarDen > 0 ? [sarNum, sarDen] : [1, 1];
  const streamEnd = Number(video.start_time) + Number(video.duration);
  const formatEnd = (Number(data.format?.start_time) || 0) + Number(data.format?.duration);
  return {
    index: video.index,
    codec: video.codec_name ?? 'unknown',
    codedWidth: video.width,
    codedHeight: video.height,
    sar,
    rotation: normaliseRotation(video),
    formatStartSec: Number(data.format?.start_time) || 0,
    formatName,
    claimedEndSec: Number.isFinite(streamEnd) ? streamEnd : Number.isFinite(formatEnd) ? formatEnd : null,
    hasBFrames: Number(video.has_b_frames) || 0,
    containerId: video.id !== undefined && Number.isInteger(Number(video.id)) ? Number(video.id) : null,
    hdr: HDR_TRANSFERS[video.color_transfer ?? ''],
    interlaced: INTERLACED_ORDERS.has(video.field_order ?? ''),
  };
}

/** The packet fields the engine asks for, in the order ffprobe prints them (its own order, not the request's). */
export const PACKET_ENTRIES = 'packet=pts_time,flags';

/**
 * Parses `-show_entries packet=pts_time,flags -of csv=p=0`; blank lines (side data) and trailing commas are skipped.
 * Packets flagged D (discard: before an edit list's start) are never shown, so they are left out.
 */
export function parsePacketCsv(csv: string): TimedFrame[] {
  const rows: TimedFrame[] = [];
  const seconds = (cell: string | undefined) => {
    const x = cell === undefined || cell === 'N/A' ? NaN : Number(cell);
    return Number.isFinite(x) ? x : null;
  };
  for (const line of csv.split('\n')) {
    const cells = line.trim().split(',');
    if (cells.length < 2 || cells[0] === '') continue;
    const flags = cells[1] ?? '';
    if (flags.includes('D')) continue;
    rows.push({ pts: seconds(cells[0]), key: flags.startsWith('K') });
  }
  return rows;
}

/** One decoded frame as showinfo reports it: presentation time in s and key flag. */
export interface ShowinfoFrame {
  /** Presentation time in s on the container's timeline, exact (from the integer pts and the time base). */
  pts: number;
  /** Key frame. */
  key: boolean;
}

const SHOWINFO_CONFIG = /config in time_base:\s*(\d+)\/(\d+)/;
const SHOWINFO = /\bn:\s*\d+\s+pts:\s*(-?\d+)\s+pts_time:(-?[\d.e+-]+).*?\biskey:(\d)/;

/**
 * Reads showinfo log lines as they arrive (one per frame; other lines are ignored), keeping every frame: a log kept
 * for error messages is trimmed from its oldest lines, and matching frames to times by position in a trimmed copy
 * could shift times onto the wrong frames. Times come from the integer pts and the time base of showinfo's config
 * line: its `pts_time` has 6 significant digits only (10 ms steps past 1000 s, 100 ms past 10000 s), too coarse to
 * tell frames apart in a long film.
 */
export class ShowinfoReader {
  /** Every frame read so far, in log order. */
  readonly frames: ShowinfoFrame[] = [];
  private timeBase: [number, number] | null = null;

  /** Reads one log line; true when it described a frame. */
  push(line: string): boolean {
    const config = SHOWINFO_CONFIG.exec(line);
    if (config && Number(config[2]) > 0) this.timeBase = [Number(config[1]), Number(config[2])];
    const m = SHOWINFO.exec(line);
    if (!m) return false;
    const base = this.timeBase;
    this.frames.push({ pts: base === null ? Number(m[2]) : (Number(m[1]) * base[0]) / base[1], key: m[3] === '1' });
    return true;
  }
}

/** The frames showinfo reported in `lines` (see {@link ShowinfoReader}). */
export function parseShowinfo(lines: readonly string[]): ShowinfoFrame[] {
  const reader = new ShowinfoReader();
  for (const line of lines) reader.push(line);
  return reader.frames;
}

/**
 * Filter and option errors: ffmpeg refusing the command we built, as opposed to a file it cannot fully decode (which
 * it reports and then exits 0, or with whatever frames it could make).
 */
const COMMAND_ERROR =
  /Error (?:initializing|reinitializing|configuring) (?:complex )?filter|No such filter|Error parsing (?:options|a filter description|filterchain)|Unrecognized option|Option not found|Error opening (?:output )?filters?/i;

/**
 * What ffmpeg logs when it cannot decode a stream's codec: no decoder at all, or (AV1 in this core) one that only
 * works through a hardware decoder, which WebAssembly has not, and fails on every frame.
 */
const MISSING_DECODER =
  /Decoder \(codec ([\w-]+)\) not found|doesn't sup+ort hardware accelerated ([\w-]+) decoding|Unsupported codec|codec not currently supported/i;

/** UNSUPPORTED_CODEC naming the codec, when `log` says ffmpeg cannot decode it; else null. */
export function missingDecoder(log: readonly string[]): SpriteError | null {
  const found = log.map((line) => MISSING_DECODER.exec(line)).find((m) => m !== null);
  if (!found) return null;
  const codec = (found[1] ?? found[2])?.toLowerCase() ?? null;
  return new SpriteError(
    'UNSUPPORTED_CODEC',
    `This build of ffmpeg cannot decode the video's codec${codec ? ` (${codec})` : ''}.`,
    {
      details: { codec },
    },
  );
}

/**
 * The error for an ffmpeg run that exited with `code` and logged `log`, when the fault is in the command rather than
 * the file: INTERNAL (a bug of ours, with the line that says so), so that it never passes for a damaged video. null
 * otherwise: a non-zero exit with no such line leaves the frames it gave to be counted as usual.
 */
export function commandError(code: number, log: readonly string[], args: readonly string[]): SpriteError | null {
  if (code === 0) return null;
  const line = log.find((l) => COMMAND_ERROR.test(l));
  if (line === undefined) return null;
  return new SpriteError(
    'INTERNAL',
    `ffmpeg refused the command video-sprite built (exit code ${code}): ${line.trim()}. This is a bug: please report it.`,
    {
      details: { code, args: [...args], log: log.slice(-20) },
    },
  );
}
