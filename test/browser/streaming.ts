// Real streaming players from npm (Shaka Player, dash.js) reading our HLS image playlist and DASH thumbnail track:
// `window.streaming.make` makes sprites and the tracks from a video, `shaka` and `dashjs` load a stream beside them and
// ask each player for the thumbnail at given times. The spec serves the stream and the sheets.

import * as dashjs from 'dashjs';
import shaka from 'shaka-player/dist/shaka-player.compiled.js';
import * as api from '../../src/index.js';

/** A thumbnail as a player gives it: the sheet's URL and the tile's rectangle on it, px. */
export interface Found {
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Sprites of the video at `url`, with the VTT, HLS and DASH tracks written from them, and each sheet's bytes. */
async function make(url: string, options: api.SpriteOptions) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const result = await api.generateSprites(new File([await response.blob()], 'clip.mp4'), options);
  return {
    vtt: result.vtt,
    hls: api.writeHlsImagePlaylist(result),
    dash: api.writeDashThumbnails(result),
    sheets: await Promise.all(
      result.sheets.map(async (s) => ({ name: s.name, bytes: Array.from(new Uint8Array(await s.blob.arrayBuffer())) })),
    ),
  };
}

const video = () => document.querySelector('video')!;

/** Shaka Player's thumbnail at each of `times` (s), from the image track of the manifest at `url` (HLS or DASH). */
async function shakaThumbnails(url: string, times: readonly number[]): Promise<(Found | null)[]> {
  shaka.polyfill.installAll();
  const player = new shaka.Player();
  try {
    await player.attach(video());
    await player.load(url);
    const tracks = player.getImageTracks();
    if (tracks.length !== 1) throw new Error(`Shaka Player found ${tracks.length} image tracks`);
    const found: (Found | null)[] = [];
    for (const t of times) {
      const thumb = await player.getThumbnails(tracks[0]!.id, t);
      found.push(
        thumb && { url: thumb.uris[0]!, x: thumb.positionX, y: thumb.positionY, w: thumb.width, h: thumb.height },
      );
    }
    return found;
  } finally {
    await player.destroy();
  }
}

/** dash.js's thumbnail at each of `times` (s), from the MPD at `url`. */
async function dashjsThumbnails(url: string, times: readonly number[]): Promise<(Found | null)[]> {
  const player = dashjs.MediaPlayer().create();
  try {
    const ready = new Promise<void>((resolve, reject) => {
      player.on(dashjs.MediaPlayer.events.STREAM_INITIALIZED, () => resolve());
      player.on(dashjs.MediaPlayer.events.ERROR, (e) => reject(new Error(`dash.js: ${JSON.stringify(e)}`)));
    });
    player.initialize(video(), url, false);
    await ready;
    const found: (Found | null)[] = [];
    for (const t of times) {
      const thumb = await new Promise<dashjs.Thumbnail | null>((resolve) => player.provideThumbnail(t, resolve));
      found.push(thumb && { url: thumb.url, x: thumb.x, y: thumb.y, w: thumb.width, h: thumb.height });
    }
    return found;
  } finally {
    player.destroy();
  }
}

export const streaming = { make, shakaThumbnails, dashjsThumbnails };
Object.assign(window, { streaming, streamingReady: true });
