// Lays extracted frames into one sheet at a time on an OffscreenCanvas and encodes it as soon as it is full.

import { SpriteError } from '../core/errors.js';
import { cellOrigin, type FramePlacement, type SheetLayout } from '../core/geometry.js';
import type { SpriteFormat } from '../core/options.js';
import type { DecodedFrame } from './frame-source.js';
import type { SheetSink, TileRect } from './job.js';

const MIME: Record<SpriteFormat, string> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/** Draws cells of one sheet; memory holds a single sheet's canvas, never the whole job. */
export class SheetCompositor implements SheetSink {
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
    const context = this.canvas.getContext('2d', { alpha: false });
    if (!context) throw new SpriteError('ENGINE_FAILED', 'This browser gives no 2D drawing context to OffscreenCanvas in a worker, which the sheets are drawn on.');
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
    const pixels = new Uint8ClampedArray(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
    context.putImageData(new ImageData(pixels, frame.width, frame.height), x, y);
    return { x, y, w: dst.width, h: dst.height };
  }

  async finish(): Promise<Blob> {
    const canvas = this.canvas ?? (this.start(), this.canvas!);
    this.canvas = null;
    this.context = null;
    return canvas.convertToBlob(this.format === 'png' ? { type: MIME.png } : { type: MIME[this.format], quality: this.quality / 100 });
  }
}
