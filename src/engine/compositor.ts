// Lays frames into one sheet at a time on an OffscreenCanvas and encodes it as soon as it is full. Every decoder hands
// over frames already placed for their cell (frame-source.ts), so this only copies pixels: it knows no decoder.

import { cellOrigin, type FramePlacement, type SheetLayout } from '../core/geometry.js';
import { FORMAT_MIME, type SpriteFormat } from '../core/options.js';
import { context2d } from './canvas-2d.js';
import type { DecodedFrame } from './frame-source.js';
import type { SheetSink, TileRect } from './job.js';

/** Draws cells of one sheet; memory holds a single sheet's canvas, never the whole job. */
export class SheetCompositor implements SheetSink {
  readonly encoder = 'canvas';
  private canvas: OffscreenCanvas | null = null;
  private context: OffscreenCanvasRenderingContext2D | null = null;

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
    const context = context2d(this.canvas, false, 'the sheets are drawn on');
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
    if (frame.width === dst.width && frame.height === dst.height) context.putImageData(imageData(frame), x, y);
    else {
      // Another size of a sharp set: the frame was decoded for the largest cell, and is scaled down here.
      const staging = this.staging(frame.width, frame.height);
      staging.putImageData(imageData(frame), 0, 0);
      context.imageSmoothingEnabled = true;
      context.imageSmoothingQuality = 'high';
      context.drawImage(staging.canvas, 0, 0, frame.width, frame.height, x, y, dst.width, dst.height);
    }
    return { x, y, w: dst.width, h: dst.height };
  }

  private stagingContext: OffscreenCanvasRenderingContext2D | null = null;

  /** A canvas of the decoded frame's size, kept for the job's frames (they all have one size). */
  private staging(width: number, height: number): OffscreenCanvasRenderingContext2D {
    const kept = this.stagingContext;
    if (kept?.canvas.width === width && kept.canvas.height === height) return kept;
    this.stagingContext = context2d(
      new OffscreenCanvas(width, height),
      false,
      'the frames of a sharp set are scaled on',
    );
    return this.stagingContext;
  }

  picture(frame: DecodedFrame): Promise<ImageBitmap> {
    // From the frame's own pixels, which are exactly what draw() put on the sheet: no read-back of the canvas. A copy,
    // since the bitmap is made after this returns and the frame's buffer may be reused by then.
    const pixels = imageData({ ...frame, data: frame.data.slice() });
    const { dst } = this.placement;
    if (frame.width === dst.width && frame.height === dst.height) return createImageBitmap(pixels);
    // Decoded for a larger size of a sharp set: scaled as draw() scaled it.
    return createImageBitmap(pixels, { resizeWidth: dst.width, resizeHeight: dst.height, resizeQuality: 'high' });
  }

  async finish(): Promise<Blob> {
    const canvas = this.canvas ?? (this.start(), this.canvas!);
    this.canvas = null;
    this.context = null;
    return encodeCanvas(canvas, this.format, this.quality);
  }
}

/** The frame's pixels as ImageData, without a copy (the frame may be a view of a larger buffer). */
function imageData(frame: DecodedFrame): ImageData {
  return new ImageData(
    new Uint8ClampedArray(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength),
    frame.width,
    frame.height,
  );
}

/** Encodes `canvas` as `format` (quality 1–100 for the lossy ones). The browser may answer with another type. */
function encodeCanvas(canvas: OffscreenCanvas, format: SpriteFormat, quality: number): Promise<Blob> {
  return canvas.convertToBlob(
    format === 'png' ? { type: FORMAT_MIME.png } : { type: FORMAT_MIME[format], quality: quality / 100 },
  );
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
