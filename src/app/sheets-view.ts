// Shows each sheet as it arrives, with its grid drawn lightly and every tile's time on hover (and to screen readers).

import type { SpriteSheet } from '../index.js';
import { clock } from './time-format.js';

const SVG = 'http://www.w3.org/2000/svg';

/** `m:ss.mmm` for a tile time in ms: tiles are told apart by the millisecond. */
const tileTime = (ms: number): string => clock(ms / 1000, 3);

/** Appends one sheet to `host`; `url` is the object URL of its image. */
export function addSheet(host: HTMLElement, sheet: SpriteSheet, url: string): void {
  const figure = document.createElement('figure');
  figure.className = 'sheet';
  const frame = document.createElement('div');
  frame.className = 'sheet-frame';
  frame.style.aspectRatio = `${sheet.width} / ${sheet.height}`;
  frame.style.setProperty('--w', `${sheet.width}px`);
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
  frame.append(img, grid);
  const caption = document.createElement('figcaption');
  caption.textContent = `${sheet.name} — ${sheet.width} × ${sheet.height} px, ${sheet.tiles.length} frames`;
  figure.append(frame, caption);
  host.append(figure);
}
