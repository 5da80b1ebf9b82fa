// The one decoder contract: how a decoder opens an input (or declines it), probes it, hands over frames placed in
// their cells, and fails so that another can take over. The job, the compositor and the hand-over know only this.

import type { EngineName, EngineReport } from '../core/engine-report.js';
import type { SpriteError } from '../core/errors.js';
import type { FrameTable } from '../core/frame-table.js';
import type { FramePlacement } from '../core/geometry.js';
import type { SelectionFacts } from '../core/selection.js';
import type { VideoSourceInfo } from '../core/source.js';
import type { EngineConfig } from '../protocol/engine-api.js';
import type { JobInput } from './input.js';
import type { Watch } from './watchdog.js';

/** Everything a probe learns: the frame table (every frame's time and key flag) and the stream facts. */
export interface ProbeResult {
  /** Every decodable frame's time and key flag. */
  table: FrameTable;
  /** Stream facts for the geometry and the manifest. */
  source: VideoSourceInfo;
  /**
   * Set when the file ends before its header says it should (a cut download): how long the header claims the video
   * is, in ms from the first frame. Frames past `table.durationMs` cannot be had.
   */
  truncatedFromMs: number | null;
}

/**
 * A frame as every decoder hands it over: scaled, rotated and cropped for its cell (`FrameRequest.placement`), as RGBA
 * pixels of exactly `placement.crop` size. The sheet drawer only copies it in: it knows no decoder.
 */
export interface DecodedFrame {
  /** Presentation time, ms from the first frame. */
  time: number;
  /** Width, px. */
  width: number;
  /** Height, px. */
  height: number;
  /** RGBA pixels, row by row (may be a view of a larger buffer: copy what is kept). */
  data: Uint8Array<ArrayBuffer>;
}

/** A request for frames at exact frame times (as listed by the probe's frame table). */
export interface FrameRequest {
  /** Frame times in ms, ascending. */
  times: readonly number[];
  /** How each frame is scaled, rotated and cropped for its cell. */
  placement: FramePlacement;
}

/** What a job tells a decoder when it opens the input. */
export interface OpenOptions {
  /** The job decodes key frames only: the source may skip everything else, and plan its decoders for that. */
  keyOnly: boolean;
  /**
   * The job's target times, ms, once the video's start, length and frame interval are known (`inter`, `avg` and
   * `dhash`; absent in key mode), or `'every'` frame: a decoder may list only the frames on screen at them instead
   * of every frame (a `partial` table). Throws what choosing the targets throws (START_PAST_END).
   */
  targets?: ((facts: SelectionFacts) => readonly number[] | 'every') | undefined;
  /** The job's watchdog: the source reports signs of life (packets read, frames decoded, log lines) and its stage. */
  watch: Watch;
  /** Where the decoders' files are and how they decode (the generator's settings). */
  config: EngineConfig;
  /**
   * Another decoder follows this one (`engine: 'auto'`): decline what that one does better, such as a file cut short
   * (ffmpeg.wasm shows more of its last frames). False when this decoder was asked for by name.
   */
  othersFollow: boolean;
  /** Why this decoder runs the job, when not for its own reasons (asked for by name, the one before declined). */
  chosenBecause: string | null;
}

/** A video decoder that can probe and hand over chosen frames, scaled and cropped for their cells. */
export interface FrameSource {
  /** Reads the stream facts and the frame table. */
  probe(): Promise<ProbeResult>;
  /**
   * Decodes the requested frames in time order, calling `onFrame` for each as it is ready (awaited before the next).
   * Frames that cannot be decoded (a truncated file) are left out: the caller counts them as missed.
   * `onProgress` receives how many of the requested frames have been handled so far. Fails with
   * {@link DecoderFailure} where another decoder could take over.
   */
  frames(
    req: FrameRequest,
    onFrame: (frame: DecodedFrame) => Promise<void> | void,
    onProgress?: (done: number) => void,
  ): Promise<void>;
  /** Which decoder made the frames, and why; final once `frames()` has settled. */
  report(): EngineReport;
  /** Releases the input; a warm engine keeps its decoders for the next job. */
  close(): Promise<void>;
}

/** Why a decoder does not take a file, and the error to give when it was asked for by name. */
export interface Declined {
  /** In words, for the report of the decoder that takes the file instead, and for messages. */
  reason: string;
  /** The typed error when this decoder was asked for by name, or when {@link Declined.final}. */
  error: SpriteError;
  /** The container itself rules the file out, for every decoder: the job fails at once, no other decoder is tried. */
  final: boolean;
}

/**
 * A decoder failed mid-job on a file it had taken: another decoder may take over from `fromMs` (the frames before
 * it were delivered). Where none follows, the job fails with DECODE_FAILED.
 */
export class DecoderFailure extends Error {
  constructor(
    /** The decoder that failed, as messages name it ("WebCodecs"). */
    readonly decoder: string,
    message: string,
    /** The first wanted frame not delivered, ms from the first frame. */
    readonly fromMs: number,
  ) {
    super(message);
  }
}

/**
 * A decoder the engine can run jobs on. Each lives in its own folder (`engine/<name>/`) and is listed once in
 * `engine/decoders.ts`, in the order `engine: 'auto'` tries them; nothing else in the engine knows it.
 */
export interface FrameDecoder {
  /** Its name, as the `engine` setting and the report say it. */
  readonly name: EngineName;
  /** Its name in messages ("WebCodecs", "ffmpeg.wasm"). */
  readonly label: string;
  /** Opens `input` for one job, or declines it with the reason (the next decoder then tries). */
  open(input: JobInput, options: OpenOptions): Promise<FrameSource | Declined>;
  /** Frees what it keeps loaded between jobs (the engine worker is going away, or its settings changed). */
  terminate(): void;
}

/** Whether `opened` is a source (not a decline). */
export function isSource(opened: FrameSource | Declined): opened is FrameSource {
  return 'frames' in opened;
}
