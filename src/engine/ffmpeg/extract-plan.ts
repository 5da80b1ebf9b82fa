// Plans how ffmpeg extracts the chosen frames: which captures share one exec, and each exec's arguments (pure).

import { FRAME_TIME_TOLERANCE_MS } from '../../core/frame-table.js';
import { toneMapFilters, type HdrTransfer } from '../../core/tone-map.js';
import type { FramePlacement } from '../../core/geometry.js';

/**
 * A new exec (with its own seek) starts when the key frame before the next capture lies this far (ms of video)
 * past the previous capture: seeking skips that much decoding, which outweighs an exec's fixed ~0.1–0.2 s cost.
 */
export const SEEK_GAP_MS = 1500;
/** Most frames one exec returns, which bounds the raw output held in the wasm heap at once. */
export const MAX_FRAMES_PER_EXEC = 48;
/**
 * Most bytes of raw RGBA one exec returns. With several decoders a few execs' frames wait for their turn at once,
 * so large cells (a 1080p cell is 8 MB) get fewer frames per exec rather than hundreds of MB per exec.
 */
export const MAX_BYTES_PER_EXEC = 64 * 1024 * 1024;

/** Most frames of `frameBytes` bytes each that one exec may return (at least 1). */
export function maxExecFrames(frameBytes: number): number {
  return Math.max(1, Math.min(MAX_FRAMES_PER_EXEC, Math.floor(MAX_BYTES_PER_EXEC / Math.max(1, frameBytes))));
}
/** Fewest frames a balanced exec is cut down to: below this an exec's fixed cost outweighs sharing the work. */
export const MIN_BALANCED_FRAMES = 8;
/** Execs per decoder a job is cut into, so that decoders finishing at different times still end close together. */
const EXECS_PER_DECODER = 2;

/**
 * How many frames an exec should take so that `decoders` decoders share `count` frames evenly (at most
 * {@link MAX_FRAMES_PER_EXEC}); a single decoder gains nothing from cutting.
 */
export function balancedExecFrames(count: number, decoders: number): number {
  if (decoders <= 1) return MAX_FRAMES_PER_EXEC;
  return Math.min(
    MAX_FRAMES_PER_EXEC,
    Math.max(MIN_BALANCED_FRAMES, Math.ceil(count / (decoders * EXECS_PER_DECODER))),
  );
}

/** Half-width of the pts match window, in s: the engine's one frame-time tolerance. */
const PTS_EPSILON_S = FRAME_TIME_TOLERANCE_MS / 1000;

/**
 * Where MPEG-TS timestamps wrap, s (33 bits of a 90 kHz clock). An exec that starts at a byte position past a wrap
 * dates frames without the wrap the whole file's timeline has undone (or the other way round): its times are the
 * timeline's give or take this.
 */
export const TS_WRAP_SEC = 2 ** 33 / 90000;

/** The times an exec may date the frame at `absSec` by: that one, and, from a byte position, a wrap either side. */
function datings(absSec: number, fromByte: boolean): number[] {
  return fromByte ? [absSec, absSec - TS_WRAP_SEC, absSec + TS_WRAP_SEC] : [absSec];
}

/**
 * Which of an exec's wanted times (ms from the first frame) a delivered frame at `absSec` (s, as the exec dates it)
 * is: the one within the same window the `select` filter used, else null (not a frame that was asked for).
 */
export function matchWantedTime(
  exec: Pick<ExecPlan, 'times' | 'startByte'>,
  startSec: number,
  absSec: number,
): number | null {
  for (const t of exec.times) {
    const dated = datings(startSec + t / 1000, exec.startByte !== undefined);
    if (dated.some((d) => Math.abs(d - absSec) < PTS_EPSILON_S)) return t;
  }
  return null;
}

/** One exec's worth of captures (an exec is one ffmpeg run): frame times in ms from the first frame, ascending, and where to start decoding. */
export interface ExecPlan {
  times: number[];
  /**
   * The key frame at or before the first time (ms): decoding must start there. Seeking anywhere else starts the
   * decoder without its references (grey or garbled pictures in streams whose only key frame is the first).
   */
  seekMs: number;
  /**
   * MPEG-TS: a byte position to start reading at instead of seeking to `seekMs` (`-skip_initial_bytes`), where the
   * windows found the key frame's packet: it spares ffmpeg's timestamp search, which reads some 8 MB there.
   */
  startByte?: number | undefined;
}

/**
 * Splits sorted capture times into execs (see SEEK_GAP_MS); `keyTimes` are the key frame times, ascending. No exec
 * takes more than `hardMax` frames ({@link maxExecFrames}). Past `softMax` frames an exec also ends where a key
 * frame lies before the next capture: the next exec starts there and decodes nothing twice
 * (see {@link balancedExecFrames}).
 */
export function planExecs(
  times: readonly number[],
  keyTimes: readonly number[],
  keyOnly: boolean,
  softMax = MAX_FRAMES_PER_EXEC,
  hardMax = MAX_FRAMES_PER_EXEC,
): ExecPlan[] {
  const execs: ExecPlan[] = [];
  let current: ExecPlan | null = null;
  let k = 0;
  for (const t of times) {
    while (k + 1 < keyTimes.length && keyTimes[k + 1]! <= t) k++;
    const keyBefore = keyTimes[k] !== undefined && keyTimes[k]! <= t ? keyTimes[k]! : 0;
    const prev = current?.times[current.times.length - 1];
    // Key frames only decode key frames: skipping between them costs nothing, so only the count splits.
    const farApart = !keyOnly && prev !== undefined && keyBefore - prev > SEEK_GAP_MS;
    const freeCut = prev !== undefined && keyBefore > prev && current!.times.length >= softMax;
    if (!current || current.times.length >= hardMax || farApart || freeCut) {
      current = { times: [], seekMs: keyBefore };
      execs.push(current);
    }
    current.times.push(t);
  }
  return execs;
}

/** What every exec of a job shares. */
export interface ExtractContext {
  /** Path of the input inside the ffmpeg file system. */
  inputPath: string;
  /** Path the raw RGBA frames are written to. */
  outputPath: string;
  streamIndex: number;
  /** Absolute time of the first frame, s. */
  startSec: number;
  /** The container's start time, s (input `-ss` counts from it). */
  formatStartSec: number;
  /**
   * `-ss` is a time on the stream's clock, not counted from the container's start (`-seek_timestamp`): a file that
   * starts part-way (matroska-targets.ts's partFile) has another start than the job's file. Set `formatStartSec` to 0.
   */
  seekTimestamp?: boolean;
  /** How each frame is scaled, turned and cropped (the turn included). */
  placement: FramePlacement;
  /**
   * The container's headers already say all an exec needs (AVI: the stream list and each stream's format), so that
   * ffmpeg's stream analysis, which decodes frames to learn the same, is skipped.
   */
  headersSuffice: boolean;
  /** Decode key frames only (`-skip_frame nokey`). */
  keyOnly: boolean;
  /** The stream's HDR transfer: frames are tone-mapped to SDR BT.709 once scaled. */
  hdr?: HdrTransfer | undefined;
  /** The stream is interlaced: frames flagged so are deinterlaced (`bwdif`) before anything else. */
  interlaced?: boolean | undefined;
}

/** Seconds as ffmpeg arguments take them, to the microsecond. */
function secondsArg(x: number): string {
  return x.toFixed(6);
}

/**
 * The filter chain: select exactly the wanted frames first, so only they are scaled, rotated and cropped. `fromByte`:
 * the exec starts at a byte position, and may date frames a wrap away (see TS_WRAP_SEC).
 */
export function filterChain(absTimes: readonly number[], ctx: ExtractContext, fromByte = false): string {
  const select = absTimes
    .flatMap((t) => datings(t, fromByte))
    .map((t) => `lt(abs(t-${secondsArg(t)})\\,${PTS_EPSILON_S})`)
    .join('+');
  const { scaled, scaledCoded, crop, rotation } = ctx.placement;
  // bwdif reads the frames before and after each one, so it sees every decoded frame, ahead of the select. Only frames
  // the decoder flags interlaced are touched (`deint=interlaced`); each gives one frame (`send_frame`), its own time.
  const filters = ctx.interlaced ? ['bwdif=mode=send_frame:parity=auto:deint=interlaced'] : [];
  filters.push(`select='${select}'`, `scale=${scaledCoded.width}:${scaledCoded.height}:flags=area`);
  // Tone-mapped at the cell's size, not the frame's: the same picture for a fraction of the float arithmetic.
  if (ctx.hdr) filters.push(...toneMapFilters(ctx.hdr));
  if (rotation === 90) filters.push('transpose=clock');
  else if (rotation === 270) filters.push('transpose=cclock');
  else if (rotation === 180) filters.push('hflip', 'vflip');
  if (crop.x !== 0 || crop.y !== 0 || crop.width !== scaled.width || crop.height !== scaled.height) {
    filters.push(`crop=${crop.width}:${crop.height}:${crop.x}:${crop.y}`);
  }
  filters.push('showinfo');
  return filters.join(',');
}

/**
 * The full argument list of one exec; `fromStart` drops the seek (the retry when a seek overshot). A `startByte`
 * replaces the seek.
 */
export function execArgs(exec: ExecPlan, ctx: ExtractContext, fromStart = false): string[] {
  const fromByte = !fromStart && exec.startByte !== undefined;
  const absTimes = exec.times.map((t) => ctx.startSec + t / 1000);
  // 1 ms past the key frame: the demuxer goes to the key frame at or before the point, so it lands on this one.
  // (A point just before it would land on the previous key frame and decode a whole extra GOP.) No frame lies within
  // 1 ms after a key frame, and select then picks by exact pts, so no trimming is needed.
  const seek = exec.seekMs > 0 ? ctx.startSec + exec.seekMs / 1000 - ctx.formatStartSec + 0.001 : 0;
  const args = ['-loglevel', 'info', '-nostats', '-copyts', '-noautorotate'];
  if (ctx.keyOnly) args.push('-skip_frame', 'nokey');
  if (ctx.headersSuffice) args.push('-probesize', '32', '-analyzeduration', '0');
  if (fromByte) args.push('-skip_initial_bytes', String(exec.startByte));
  else if (!fromStart && seek > 0) {
    if (ctx.seekTimestamp) args.push('-seek_timestamp', '1');
    args.push('-noaccurate_seek', '-ss', secondsArg(seek));
  }
  args.push(
    '-i',
    ctx.inputPath,
    '-map',
    `0:${ctx.streamIndex}`,
    '-an',
    '-sn',
    '-dn',
    '-vf',
    filterChain(absTimes, ctx, fromByte),
    '-fps_mode',
    'passthrough',
    '-frames:v',
    String(exec.times.length),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    '-y',
    ctx.outputPath,
  );
  return args;
}
