// The decoder interface the job runs against: decoder-neutral, so that a WebCodecs engine can sit beside ffmpeg.wasm.

import type { FrameTable } from '../core/frame-table.js';
import type { FramePlacement } from '../core/geometry.js';
import type { VideoSourceInfo } from '../core/source.js';

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

/** One extracted frame: RGBA pixels of exactly `placement.crop` size, and the frame's time (ms from the first frame). */
export interface DecodedFrame {
  /** Presentation time, ms from the first frame. */
  time: number;
  /** Width, px. */
  width: number;
  /** Height, px. */
  height: number;
  /** RGBA pixels, row by row. */
  data: Uint8Array<ArrayBuffer>;
}

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
  /** Releases the input; a warm engine keeps its decoders for the next job. */
  close(): Promise<void>;
}
