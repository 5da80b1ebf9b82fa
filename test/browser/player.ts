// A real player (media-chrome, from npm) fed straight from a result's object URLs: `window.player.mount` makes
// sprites from a fixture and mounts the player on them; the spec hovers the time bar and reads the preview back.

import 'media-chrome';
import { readThumbnailTrack, type ThumbnailCue } from '../../src/app/vtt-thumbnails.js';
import * as api from '../../src/index.js';

/** A cue of the track as we wrote it: times in s, the sheet URL (without the fragment) and the crop. */
export type WrittenCue = ThumbnailCue;

/** Reads a thumbnails track back with the page's own reader (it is not what this test is about: the player is). */
const parseCues = (vtt: string): WrittenCue[] => readThumbnailTrack(vtt);

let current: { result: api.SpriteResult; urls: api.SpriteObjectUrls; videoUrl: string } | null = null;

/** Unmounts the player and frees the URLs of the previous mount. */
function unmount(): void {
  document.getElementById('root')!.replaceChildren();
  if (current) {
    current.urls.revoke();
    URL.revokeObjectURL(current.videoUrl);
    current = null;
  }
}

/** Makes sprites from `/fixtures/<name>` and mounts media-chrome with the video and the result's object-URL track. */
async function mount(name: string, options: api.SpriteOptions | string) {
  unmount();
  const response = await fetch(`/fixtures/${name}`);
  if (!response.ok) throw new Error(`fixture ${name}: HTTP ${response.status}`);
  const file = new File([await response.blob()], name);
  const result = await api.generateSprites(file, options);
  const urls = result.objectUrls();
  const videoUrl = URL.createObjectURL(file);
  current = { result, urls, videoUrl };

  const controller = document.createElement('media-controller');
  const video = document.createElement('video');
  video.slot = 'media';
  video.muted = true;
  video.playsInline = true;
  video.crossOrigin = 'anonymous';
  video.preload = 'auto';
  video.src = videoUrl;
  const track = document.createElement('track');
  // media-chrome takes its previews from the metadata track labelled "thumbnails"; `default` makes it load.
  track.kind = 'metadata';
  track.label = 'thumbnails';
  track.default = true;
  track.src = urls.trackUrl;
  video.append(track);
  const bar = document.createElement('media-control-bar');
  bar.append(document.createElement('media-time-range'));
  controller.append(video, bar);
  document.getElementById('root')!.append(controller);

  return {
    cues: parseCues(urls.vtt),
    trackUrl: urls.trackUrl,
    sheetUrls: urls.sheetUrls,
    sheets: result.sheets.map((s) => ({ index: s.index, name: s.name, width: s.width, height: s.height })),
    tiles: result.tiles,
    durationMs: result.source.durationMs,
  };
}

/** What the specs call through `window.player`; `result` and `urls` are those of the last mount. */
export const player = {
  mount,
  unmount,
  parseCues,
  api,
  get result(): api.SpriteResult | null {
    return current?.result ?? null;
  },
  get urls(): api.SpriteObjectUrls | null {
    return current?.urls ?? null;
  },
};
Object.assign(window, { player, playerReady: true });
