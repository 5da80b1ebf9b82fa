// Facts about the source video that every decision needs, and its display size (SAR and rotation applied).

import type { HdrTransfer } from './tone-map.js';

/** What the engine's probe learns about the video stream. Times are in ms. */
export interface VideoSourceInfo {
  /** Coded (stored) frame width, in px. */
  codedWidth: number;
  /** Coded (stored) frame height, in px. */
  codedHeight: number;
  /** Sample (pixel) aspect ratio as `[num, den]`; `[1, 1]` for square pixels or when unknown. */
  sar: readonly [number, number];
  /** Clockwise rotation the player applies for display. */
  rotation: Rotation;
  /** Presentation time of the first frame on the container's timeline, in ms (SPEC §3 counts from here). */
  startTimeMs: number;
  /** Where the last frame ends, from the first frame, in ms (the video stream's own end, not the container's). */
  durationMs: number;
  /** Nominal frame interval, in ms (1000 / frame rate); 0 when unknown. */
  frameIntervalMs: number;
  /** Codec name as the decoder reports it (e.g. `h264`), for messages and the manifest. */
  codec?: string | undefined;
  /** The HDR transfer the stream is tagged with (`pq` or `hlg`), whose frames are tone-mapped to SDR; absent for SDR. */
  hdr?: HdrTransfer | undefined;
  /** The stream is interlaced (each frame two fields, woven), so frames are deinterlaced before scaling; absent if not. */
  interlaced?: boolean | undefined;
}

/** A clockwise turn for display: 0, 90, 180 or 270 degrees. */
export type Rotation = 0 | 90 | 180 | 270;

/** Whether a turn makes a picture's width its height. */
export function isSideways(rotation: Rotation): boolean {
  return rotation === 90 || rotation === 270;
}

/** A width and height in px. */
export interface Size {
  /** Width, px. */
  width: number;
  /** Height, px. */
  height: number;
}

/**
 * The size a player shows the video at (SPEC §2): coded width stretched by the SAR, then swapped for a 90°/270°
 * rotation. Each side is rounded and at least 1. A non-positive or non-finite SAR counts as square pixels.
 */
export function displaySize(src: Pick<VideoSourceInfo, 'codedWidth' | 'codedHeight' | 'sar' | 'rotation'>): Size {
  const [num, den] = src.sar;
  const ratio = num > 0 && den > 0 && Number.isFinite(num / den) ? num / den : 1;
  // Stretching the width (not shrinking the height) is what ffmpeg's `scale=iw*sar:ih` and players do.
  const w = Math.max(1, Math.round(src.codedWidth * ratio));
  const h = Math.max(1, src.codedHeight);
  return isSideways(src.rotation) ? { width: h, height: w } : { width: w, height: h };
}
