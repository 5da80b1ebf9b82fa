// Shows each sheet as it fills: every tile is drawn the moment it is decoded (onTile), and the encoded sheet takes
// the canvas's place, the same size in the same spot, once it arrives, with its grid drawn lightly and every tile's
// time on hover (and to screen readers).

import type { SpriteSheet, TileDrawn } from '../index.js';
import { clock } from './time-format.js';

const SVG = 'http://www.w3.org/2000/svg';

/** `m:ss.mmm` for a tile time in ms: tiles are told apart by the millisecond. */
const tileTime = (ms: number): string => clock(ms / 1000, 3);

/** The figure of sheet `index` in `host`, made (empty, sized for a sheet of `width × height`) if not there yet. */
function figureFor(host: HTMLElement, index: number, width: number, height: number): HTMLElement {
  const found = host.querySelector<HTMLElement>(`figure.sheet[data-sheet="${index}"]`);
  if (found) return found;
  const figure = document.createElement('figure');
  figure.className = 'sheet';
  figure.dataset.sheet = String(index);
  const frame = document.createElement('div');
  frame.className = 'sheet-frame';
  // Sized before any pixel arrives: nothing below moves while the sheet fills or when its image replaces the canvas.
  frame.style.aspectRatio = `${width} / ${height}`;
  frame.style.setProperty('--w', `${width}px`);
  figure.append(frame, document.createElement('figcaption'));
  host.append(figure);
  return figure;
}

/** Draws one tile into its sheet's canvas, made at the sheet's first tile, all black as an encoded sheet's empty cells. */
export function drawTile(host: HTMLElement, drawn: TileDrawn): void {
  const { tile, image, sheetWidth, sheetHeight } = drawn;
  const figure = figureFor(host, tile.sheet, sheetWidth, sheetHeight);
  const frame = figure.querySelector<HTMLElement>('.sheet-frame')!;
  let canvas = frame.querySelector('canvas');
  if (!canvas) {
    // The encoded sheet came first (it cannot, but a late tile must not paint over it).
    if (frame.querySelector('img')) {
      image.close();
      return;
    }
    canvas = document.createElement('canvas');
    canvas.width = sheetWidth;
    canvas.height = sheetHeight;
    canvas.setAttribute('role', 'img');
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#000';
    context.fillRect(0, 0, sheetWidth, sheetHeight);
    frame.append(canvas);
  }
  canvas.getContext('2d')!.drawImage(image, tile.x, tile.y);
  image.close();
  const count = Number(figure.dataset.drawn ?? 0) + 1;
  figure.dataset.drawn = String(count);
  canvas.setAttribute('aria-label', `Sprite sheet ${tile.sheet + 1}, being filled: ${count} frames so far`);
  figure.querySelector('figcaption')!.textContent = `Sheet ${tile.sheet + 1}: ${count} frames so far…`;
}

/** Shows one encoded sheet (in place of its canvas, if its tiles were drawn live); `url` is its image's object URL. */
export function addSheet(host: HTMLElement, sheet: SpriteSheet, url: string): void {
  const figure = figureFor(host, sheet.index, sheet.width, sheet.height);
  const frame = figure.querySelector<HTMLElement>('.sheet-frame')!;
  const img = document.createElement('img');
  img.src = url;
  img.width = sheet.width;
  img.height = sheet.height;
  img.alt = `Sprite sheet ${sheet.index + 1}: ${sheet.tiles.length} frames from ${tileTime(sheet.tiles[0]?.time ?? 0)} to ${tileTime(sheet.tiles.at(-1)?.time ?? 0)}`;
  const grid = document.createElementNS(SVG, 'svg');
  grid.setAttribute('viewBox', `0 0 ${sheet.width} ${sheet.height}`);
  grid.setAttribute('class', 'grid');
  grid.setAttribute('aria-hidden', 'true');
  for (const tile of sheet.tiles) {
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('x', String(tile.x));
    rect.setAttribute('y', String(tile.y));
    rect.setAttribute('width', String(tile.w));
    rect.setAttribute('height', String(tile.h));
    rect.dataset.time = String(tile.time);
    const title = document.createElementNS(SVG, 'title');
    title.textContent = tileTime(tile.time);
    rect.append(title);
    grid.append(rect);
  }
  // The canvas stays until the image can be shown, so that the sheet never blinks empty while it decodes.
  const canvas = frame.querySelector('canvas');
  if (canvas) img.addEventListener('load', () => canvas.remove(), { once: true });
  frame.append(img, grid);
  figure.querySelector('figcaption')!.textContent =
    `${sheet.name} — ${sheet.width} × ${sheet.height} px, ${sheet.tiles.length} frames`;
  figure.dataset.done = 'true';
}
