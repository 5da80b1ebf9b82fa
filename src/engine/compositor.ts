// Lays frames into one sheet at a time on an OffscreenCanvas and encodes it as soon as it is full. Placed frames
// (ffmpeg.wasm, and WebCodecs pictures in 8-bit YUV) are copied in; native frames (WebCodecs pictures in any other
// format: 10-bit, RGB) are scaled, rotated and cropped by the canvas on the way, then closed.

import { SpriteError } from '../core/errors.js';
import { cellOrigin, type FramePlacement, type SheetLayout } from '../core/geometry.js';
import { FORMAT_MIME, type SpriteFormat } from '../core/options.js';
import type { DecodedFrame, NativeFrame, PlacedFrame } from './frame-source.js';
import type { SheetSink, TileRect } from './job.js';

function context2d(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const context = canvas.getContext('2d', { alpha: false, willReadFrequently: false });
  if (!context) throw new SpriteError('ENGINE_FAILED', 'This browser gives no 2D drawing context to OffscreenCanvas in a worker, which the sheets are drawn on.');
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
      context = context2d(new OffscreenCanvas(width, height));
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
 * Draws a native frame as the ffmpeg path renders one: the whole picture scaled to `placement.scaled` (in display
 * orientation, so SAR is corrected by the stretch), turned clockwise by its rotation, and the `crop` part of it at
 * (x, y). Closes the frame.
 */
function drawNative(context: OffscreenCanvasRenderingContext2D, scaler: AreaScaler, placement: FramePlacement, frame: NativeFrame, x: number, y: number): void {
  const { scaled, crop } = placement;
  const sideways = frame.rotation === 90 || frame.rotation === 270;
  const width = sideways ? scaled.height : scaled.width;
  const height = sideways ? scaled.width : scaled.height;
  context.save();
  try {
    context.beginPath();
    context.rect(x, y, crop.width, crop.height);
    context.clip();
    context.translate(x - crop.x, y - crop.y);
    if (frame.rotation === 90) {
      context.translate(scaled.width, 0);
      context.rotate(Math.PI / 2);
    } else if (frame.rotation === 180) {
      context.translate(scaled.width, scaled.height);
      context.rotate(Math.PI);
    } else if (frame.rotation === 270) {
      context.translate(0, scaled.height);
      context.rotate(-Math.PI / 2);
    }
    context.drawImage(scaler.scale(frame.frame, width, height), 0, 0, width, height);
  } finally {
    context.restore();
    frame.frame.close();
  }
}

/** Draws cells of one sheet; memory holds a single sheet's canvas, never the whole job. */
export class SheetCompositor implements SheetSink {
  readonly encoder = 'canvas';
  private canvas: OffscreenCanvas | null = null;
  private context: OffscreenCanvasRenderingContext2D | null = null;
  /** A cell-sized canvas to turn native frames into pixels (dhash), made once. */
  private scratch: OffscreenCanvasRenderingContext2D | null = null;
  private readonly scaler = new AreaScaler();

  constructor(
    private readonly layout: SheetLayout,
    private readonly placement: FramePlacement,
    private readonly format: SpriteFormat,
    /** Encoder quality 1..100 (jpg, webp). */
    private readonly quality: number,
  ) {}

  /** Starts a fresh sheet: the whole canvas in the background colour, so unused cells stay black. */
  private start(): OffscreenCanvasRenderingContext2D {
    this.canvas = new OffscreenCanvas(this.layout.width, this.layout.height);
    const context = context2d(this.canvas);
    context.fillStyle = '#000';
    context.fillRect(0, 0, this.layout.width, this.layout.height);
    this.context = context;
    return context;
  }

  draw(k: number, frame: DecodedFrame): TileRect {
    const context = this.context ?? this.start();
    const origin = cellOrigin(this.layout, k);
    const { dst } = this.placement;
    const x = origin.x + dst.x;
    const y = origin.y + dst.y;
    if (frame.kind === 'native') drawNative(context, this.scaler, this.placement, frame, x, y);
    else context.putImageData(new ImageData(new Uint8ClampedArray(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), frame.width, frame.height), x, y);
    return { x, y, w: dst.width, h: dst.height };
  }

  pixels(frame: DecodedFrame): PlacedFrame {
    if (frame.kind === 'placed') return frame;
    const { width, height } = this.placement.crop;
    this.scratch ??= context2d(new OffscreenCanvas(width, height));
    drawNative(this.scratch, this.scaler, this.placement, frame, 0, 0);
    const { data } = this.scratch.getImageData(0, 0, width, height);
    return { kind: 'placed', time: frame.time, width, height, data: new Uint8Array(data.buffer) };
  }

  async finish(): Promise<Blob> {
    const canvas = this.canvas ?? (this.start(), this.canvas!);
    this.canvas = null;
    this.context = null;
    return encodeCanvas(canvas, this.format, this.quality);
  }
}

/** Encodes `canvas` as `format` (quality 1–100 for the lossy ones). The browser may answer with another type. */
function encodeCanvas(canvas: OffscreenCanvas, format: SpriteFormat, quality: number): Promise<Blob> {
  return canvas.convertToBlob(format === 'png' ? { type: FORMAT_MIME.png } : { type: FORMAT_MIME[format], quality: quality / 100 });
}

/** What {@link encodedType} found, per format: the browser does not change its mind while the engine lives. */
const typesMade = new Map<SpriteFormat, Promise<string>>();

/** The MIME type this browser's canvas really gives for `format`, from a 1 × 1 picture, found once per engine. */
export function encodedType(format: SpriteFormat): Promise<string> {
  let made = typesMade.get(format);
  if (!made) {
    const canvas = new OffscreenCanvas(1, 1);
    // A canvas encodes only once it has a rendering context.
    canvas.getContext('2d');
    made = encodeCanvas(canvas, format, 90).then((blob) => blob.type);
    typesMade.set(format, made);
  }
  return made;
}
