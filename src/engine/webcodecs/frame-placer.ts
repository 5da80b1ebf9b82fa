// Places a decoded picture in its cell as ffmpeg's filters would (frame-source.ts: every decoder hands over placed
// RGBA). Pictures in planar YUV are placed from their planes (yuv-place.ts says why not through a canvas), HDR ones
// tone-mapped and interlaced ones a field at a time; any other (RGB, one the browser will not copy out) is scaled,
// turned and cropped by a canvas, as the browser draws it. Either way the picture is closed at once: decoders have
// few frames to hand out.

import type { FramePlacement } from '../../core/geometry.js';
import { hdrTransferOf } from '../../core/tone-map.js';
import { context2d } from '../canvas-2d.js';
import type { DecodedFrame } from '../frame-source.js';
import type { VideoSourceInfo } from '../../core/source.js';
import { isPackedRgb, isYuvFormat, yuvMatrix, YuvPlacer } from './yuv-place.js';

/** A decoded picture waiting to be placed, with its time (ms from the first frame). */
export interface Picture {
  /** Presentation time, ms from the first frame. */
  time: number;
  /** The decoded picture (coded orientation, square-pixel display size). */
  frame: VideoFrame;
}

function placingContext(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const context = context2d(canvas, true, 'pictures are placed with');
  // Downscaling is most of what happens here: the smoothest filter the browser has comes closest to ffmpeg's `area`.
  context.imageSmoothingQuality = 'high';
  return context;
}

/**
 * Scales pictures down the way ffmpeg's `area` filter does, closely: one smooth step to the target size times a power
 * of two per axis, then halvings, each of which averages 2 × 2 pixels exactly. Canvas's own smoothing on a large
 * factor (a 1080p frame to a 64 px cell) samples too few pixels: 26–34 dB from the ffmpeg path's tiles, against
 * 39–45 dB this way (measured 2026-11-26 on three real fixtures). The step canvases are kept for the next frame.
 */
class AreaScaler {
  private readonly canvases = new Map<string, OffscreenCanvasRenderingContext2D>();

  private canvas(width: number, height: number): OffscreenCanvasRenderingContext2D {
    const key = `${width}x${height}`;
    let context = this.canvases.get(key);
    if (!context) {
      context = placingContext(new OffscreenCanvas(width, height));
      this.canvases.set(key, context);
    }
    return context;
  }

  /** The picture at `width` × `height`. */
  scale(frame: VideoFrame, width: number, height: number): CanvasImageSource {
    let w = width;
    let h = height;
    while (w * 2 <= frame.displayWidth) w *= 2;
    while (h * 2 <= frame.displayHeight) h *= 2;
    let step = this.canvas(w, h);
    // Enlarging (anamorphic pixels, a cell above 100 %): `area` enlarges bilinearly, and so does 'low'.
    step.imageSmoothingQuality = w > frame.displayWidth || h > frame.displayHeight ? 'low' : 'high';
    step.drawImage(frame, 0, 0, w, h);
    while (w > width || h > height) {
      w = w > width ? w / 2 : w;
      h = h > height ? h / 2 : h;
      const next = this.canvas(w, h);
      // Bilinear at exactly half size is the 2 × 2 mean.
      next.imageSmoothingQuality = 'low';
      next.drawImage(step.canvas, 0, 0, w, h);
      step = next;
    }
    return step.canvas;
  }
}

/**
 * The canvas way: the whole picture scaled to `placement.scaledCoded`, turned clockwise by `placement.rotation`, and
 * its `crop` part, read back as RGBA.
 */
class CanvasPlacer {
  private readonly scaler = new AreaScaler();
  private readonly out: OffscreenCanvasRenderingContext2D;

  constructor(private readonly placement: FramePlacement) {
    this.out = placingContext(new OffscreenCanvas(placement.crop.width, placement.crop.height));
  }

  place(frame: VideoFrame): Uint8Array<ArrayBuffer> {
    const { scaled, scaledCoded, crop, rotation } = this.placement;
    const context = this.out;
    context.save();
    try {
      context.translate(-crop.x, -crop.y);
      if (rotation === 90) {
        context.translate(scaled.width, 0);
        context.rotate(Math.PI / 2);
      } else if (rotation === 180) {
        context.translate(scaled.width, scaled.height);
        context.rotate(Math.PI);
      } else if (rotation === 270) {
        context.translate(0, scaled.height);
        context.rotate(-Math.PI / 2);
      }
      context.drawImage(
        this.scaler.scale(frame, scaledCoded.width, scaledCoded.height),
        0,
        0,
        scaledCoded.width,
        scaledCoded.height,
      );
    } finally {
      context.restore();
    }
    return new Uint8Array(context.getImageData(0, 0, crop.width, crop.height).data.buffer);
  }
}

/** Places one job's pictures (every picture of a job has the same size and placement); one at a time. */
export class FramePlacer {
  private readonly yuv = new YuvPlacer();
  private canvas: CanvasPlacer | null = null;
  /** The copied planes of one picture, reused. */
  private buffer = new Uint8Array(0);

  constructor(
    private readonly placement: FramePlacement,
    /** What the stream says of its frames: interlaced, or in an HDR transfer (when a frame does not say itself). */
    private readonly stream: Pick<VideoSourceInfo, 'interlaced' | 'hdr'> = {},
  ) {}

  /** The picture placed in its cell as RGBA; closes it. */
  async place({ time, frame }: Picture): Promise<DecodedFrame> {
    const { width, height } = this.placement.crop;
    try {
      const data = (await this.fromPlanes(frame)) ?? this.fromCanvas(frame);
      return { time, width, height, data };
    } finally {
      frame.close();
    }
  }

  /** Null when the picture is not planar YUV in a colour space handled here, or the browser will not copy it out. */
  private async fromPlanes(frame: VideoFrame): Promise<Uint8Array<ArrayBuffer> | null> {
    const { format, visibleRect: rect } = frame;
    const treatment = {
      interlaced: this.stream.interlaced === true,
      hdr: hdrTransferOf(frame.colorSpace.transfer) ?? this.stream.hdr,
    };
    // RGB (Firefox decodes to BGRX) is the canvas's to draw, unless it needs what only the planes allow.
    const packed = isPackedRgb(format) && (treatment.interlaced || treatment.hdr !== undefined);
    const matrix = packed ? null : yuvMatrix(frame.colorSpace.matrix, frame.colorSpace.fullRange);
    if (!(packed || (isYuvFormat(format) && matrix)) || !rect) return null;
    const size = frame.allocationSize();
    if (this.buffer.length < size) this.buffer = new Uint8Array(size);
    let layout: PlaneLayout[];
    try {
      layout = await frame.copyTo(this.buffer);
    } catch {
      // A GPU frame the browser cannot read back: the canvas can still draw it.
      return null;
    }
    return this.yuv.place(
      { format, width: rect.width, height: rect.height, data: this.buffer, layout },
      matrix,
      this.placement,
      treatment,
    );
  }

  private fromCanvas(frame: VideoFrame): Uint8Array<ArrayBuffer> {
    this.canvas ??= new CanvasPlacer(this.placement);
    return this.canvas.place(frame);
  }

  /** Frees the canvases (nothing to do: they go with the placer). */
  close(): void {
    this.canvas = null;
  }
}
