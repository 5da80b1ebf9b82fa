// The scrub bar: plays the video where the browser can, and shows the thumbnail from our VTT for any point on it.

import { clock } from './time-format.js';
import { cueAt, readThumbnailTrack } from './vtt-thumbnails.js';

const format = (s: number): string => clock(s, 1);
/** How long the player may take to say whether it can play a file before the page treats it as unplayable. */
const PLAYABLE_TIMEOUT_MS = 4000;
/** Step of the seek slider, in s: one frame at 25 fps, fine enough to reach every thumbnail. */
const SLIDER_STEP_S = 0.04;

/** Can this browser play the file? (`<video>` cannot open MPEG-TS, AVI, Theora-less builds, HEVC here.) */
function playable(video: HTMLVideoElement, url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      video.removeEventListener('loadedmetadata', yes);
      video.removeEventListener('error', no);
      clearTimeout(timer);
      resolve(ok);
    };
    const yes = () => done(video.videoWidth > 0);
    const no = () => done(false);
    const timer = setTimeout(() => done(false), PLAYABLE_TIMEOUT_MS);
    video.addEventListener('loadedmetadata', yes);
    video.addEventListener('error', no);
    video.src = url;
  });
}

/**
 * Builds the scrubber into `host`. `sheetUrls` maps the sheet names the VTT refers to onto object URLs.
 * Hovering, dragging or arrowing along the bar shows the thumbnail and time; where the video plays, it seeks too.
 */
export async function showScrubber(
  host: HTMLElement,
  video: Blob | URL,
  vtt: string,
  durationMs: number,
  sheetUrls: Map<string, string>,
): Promise<void> {
  const cues = readThumbnailTrack(vtt);
  const duration = durationMs / 1000;
  host.replaceChildren();
  const player = document.createElement('video');
  player.controls = true;
  player.preload = 'metadata';
  player.className = 'player';
  const videoUrl = video instanceof Blob ? URL.createObjectURL(video) : video.href;
  const canPlay = await playable(player, videoUrl);
  if (canPlay) {
    host.append(player);
  } else {
    if (video instanceof Blob) URL.revokeObjectURL(videoUrl);
    const note = document.createElement('p');
    note.className = 'hint';
    note.textContent = 'This browser cannot play this file itself; the timeline below still shows every thumbnail.';
    host.append(note);
  }

  const bar = document.createElement('div');
  bar.className = 'timeline';
  const label = document.createElement('label');
  label.htmlFor = 'scrub-range';
  label.textContent = 'Seek with thumbnails';
  const range = document.createElement('input');
  range.type = 'range';
  range.id = 'scrub-range';
  range.min = '0';
  range.max = String(duration);
  range.step = String(SLIDER_STEP_S);
  range.value = '0';
  const preview = document.createElement('div');
  preview.className = 'preview';
  preview.setAttribute('aria-hidden', 'true');
  preview.hidden = true;
  const thumb = document.createElement('div');
  thumb.className = 'thumb';
  thumb.dataset.testid = 'thumb';
  const time = document.createElement('span');
  time.className = 'time';
  preview.append(thumb, time);
  const output = document.createElement('output');
  output.htmlFor = range.id;
  output.textContent = format(0);
  bar.append(label, range, output, preview);
  host.append(bar);

  const show = (t: number, xFraction: number) => {
    const cue = cueAt(cues, t);
    if (!cue) return;
    const url = sheetUrls.get(decodeURIComponent(cue.url)) ?? cue.url;
    thumb.style.width = `${cue.w}px`;
    thumb.style.height = `${cue.h}px`;
    thumb.style.backgroundImage = `url("${url}")`;
    thumb.style.backgroundPosition = `-${cue.x}px -${cue.y}px`;
    thumb.dataset.sheet = cue.url;
    thumb.dataset.xywh = `${cue.x},${cue.y},${cue.w},${cue.h}`;
    time.textContent = format(t);
    preview.hidden = false;
    preview.style.left = `clamp(0px, calc(${(xFraction * 100).toFixed(2)}% - ${cue.w / 2}px), calc(100% - ${cue.w}px))`;
  };
  const fromPointer = (event: PointerEvent) => {
    const box = range.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    show(f * duration, f);
  };
  range.addEventListener('pointermove', fromPointer);
  range.addEventListener('pointerleave', () => (preview.hidden = document.activeElement !== range));
  range.addEventListener('focus', () => show(Number(range.value), Number(range.value) / duration));
  range.addEventListener('blur', () => (preview.hidden = true));
  range.addEventListener('input', () => {
    const t = Number(range.value);
    output.textContent = format(t);
    show(t, t / duration);
    if (canPlay) player.currentTime = t;
  });
  if (canPlay)
    player.addEventListener('timeupdate', () => {
      if (document.activeElement !== range) range.value = String(player.currentTime);
    });
}
