// The decoder interface the job runs against: decoder-neutral, so that a WebCodecs engine can sit beside ffmpeg.wasm.

import type { EngineReport } from '../core/engine-report.js';
import type { FrameTable } from '../core/frame-table.js';
import type { FramePlacement } from '../core/geometry.js';
import type { VideoSourceInfo } from '../core/source.js';
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

/** A frame the decoder scaled, rotated and cropped itself: RGBA pixels of exactly `placement.crop` size. */
export interface PlacedFrame {
  /** Discriminant. */
  kind: 'placed';
  /** Presentation time, ms from the first frame. */
  time: number;
  /** Width, px. */
  width: number;
  /** Height, px. */
  height: number;
  /** RGBA pixels, row by row. */
  data: Uint8Array<ArrayBuffer>;
}

/**
 * A whole decoded picture, as the browser's decoder gives it: whoever draws it scales, rotates and crops it for its
 * cell, and must close it at once (decoders have few frames to hand out).
 */
export interface NativeFrame {
  /** Discriminant. */
  kind: 'native';
  /** Presentation time, ms from the first frame. */
  time: number;
  /** The decoded picture (coded orientation, square-pixel display size). */
  frame: VideoFrame;
  /** Clockwise rotation to apply for display. */
  rotation: 0 | 90 | 180 | 270;
}

/** One frame a source hands over: already placed (ffmpeg.wasm), or native for the sheet drawer to place (WebCodecs). */
export type DecodedFrame = PlacedFrame | NativeFrame;

/** A request for frames at exact frame times (as listed by the probe's frame table). */
export interface FrameRequest {
  /** Frame times in ms, ascending. */
  times: readonly number[];
  /** How each frame is scaled, rotated and cropped for its cell. */
  placement: FramePlacement;
}

/** What a job tells the source when it opens it. */
export interface OpenOptions {
  /** The job decodes key frames only: the source may skip everything else, and plan its decoders for that. */
  keyOnly: boolean;
  /** The job's watchdog: the source reports signs of life (packets read, frames decoded, log lines) and its stage. */
  watch: Watch;
}

/** A video decoder that can probe and hand over chosen frames, scaled and cropped for their cells. */
export interface FrameSource {
  /** Reads the stream facts and the frame table. */
  probe(): Promise<ProbeResult>;
  /**
   * Decodes the requested frames in time order, calling `onFrame` for each as it is ready (awaited before the next).
   * Frames that cannot be decoded (a truncated file) are left out: the caller counts them as missed.
   * `onProgress` receives how many of the requested frames have been handled so far.
   */
  frames(req: FrameRequest, onFrame: (frame: DecodedFrame) => Promise<void> | void, onProgress?: (done: number) => void): Promise<void>;
  /** Which decoder made the frames, and why; final once `frames()` has settled. */
  readonly report: EngineReport;
  /** Releases the input; a warm engine keeps its decoders for the next job. */
  close(): Promise<void>;
}
