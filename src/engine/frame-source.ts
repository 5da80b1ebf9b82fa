// The decoder interface the job runs against, so that a second engine (WebCodecs) can sit beside ffmpeg.wasm.

import type { FramePlacement } from '../core/geometry.js';
import type { VideoSourceInfo } from '../core/source.js';
import type { FrameTable, StreamInfo } from './probe-parse.js';

/** Everything a probe learns: stream facts, the frame table (every frame's time and key flag) and the source info. */
export interface ProbeResult {
  stream: StreamInfo;
  table: FrameTable;
  source: VideoSourceInfo;
  /**
   * Set when the file ends before its header says it should (a cut download): how long the header claims the video
   * is, in ms from the first frame. Frames past `table.durationMs` cannot be had.
   */
  truncatedFromMs: number | null;
}

/** One extracted frame: RGBA pixels of exactly `placement.crop` size, and the frame's time (ms from the first frame). */
export interface DecodedFrame {
  time: number;
  width: number;
  height: number;
  data: Uint8Array<ArrayBuffer>;
}

/** A request for frames at exact frame times (as listed by the probe's frame table). */
export interface FrameRequest {
  times: readonly number[];
  placement: FramePlacement;
  /** The times are all key frames: the decoder may skip everything else. */
  keyOnly: boolean;
}

/** A video decoder that can probe and hand over chosen frames, scaled and cropped for their cells. */
export interface FrameSource {
  probe(): Promise<ProbeResult>;
  /**
   * Decodes the requested frames in time order, calling `onFrame` for each as it is ready. Frames that cannot be
   * decoded (a truncated file) are left out: the caller counts them as missed.
   * `onProgress` receives how many of the requested frames have been handled so far.
   */
  frames(req: FrameRequest, onFrame: (frame: DecodedFrame) => Promise<void> | void, onProgress?: (done: number) => void): Promise<void>;
  /** Frees the decoder and its memory. */
  close(): Promise<void>;
}
