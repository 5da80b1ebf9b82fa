// Settings named after what people ship to: each sets every field of the form at once (the process string follows),
// and says which player snippet its result is for.

import type { SpriteOptions } from '../index.js';
import type { SnippetKind } from './snippets.js';

/** One preset: its name on the page, a line on what it is for, its options (whole), and the snippet it suits. */
export interface Preset {
  id: string;
  label: string;
  hint: string;
  options: SpriteOptions;
  snippet: SnippetKind;
}

/**
 * Grids without padding or margin are what the HLS and DASH tracks can describe (they divide a sheet evenly), and
 * what players' VTT readers expect; `fit` keeps the picture's shape in 16:9 boxes, so every video gets tiles of its
 * own shape. Intervals: a thumbnail every 2 s for a seek bar, every 10 s for TV platforms (Roku's recommendation).
 */
export const PRESETS: readonly Preset[] = [
  {
    id: 'seek-bar',
    label: 'Seek-bar thumbnails (WebVTT)',
    hint: 'for media-chrome, Vidstack, Video.js and Plyr: 160 px tiles every 2 s, 10 × 10 a sheet',
    options: { f: 'jpg', q: 80, inter: 2000, sw: 160, sh: 90, scaletype: 'fit', tw: 10, th: 10, pad: 0, margin: 0 },
    snippet: 'track',
  },
  {
    id: 'storyboard',
    label: 'Mux-style storyboard',
    hint: 'a storyboard JSON and its VTT, as Mux serves them: 256 px tiles every 2 s',
    options: { f: 'jpg', q: 80, inter: 2000, sw: 256, sh: 144, scaletype: 'fit', tw: 10, th: 10, pad: 0, margin: 0 },
    snippet: 'vidstack',
  },
  {
    id: 'hls',
    label: 'Roku / HLS image playlist',
    hint: 'JPEG sheets of 5 × 5 tiles of 320 px, one every 10 s, and the image playlist',
    options: { f: 'jpg', q: 85, inter: 10000, sw: 320, sh: 180, scaletype: 'fit', tw: 5, th: 5, pad: 0, margin: 0 },
    snippet: 'hls',
  },
  {
    id: 'dash',
    label: 'DASH thumbnails',
    hint: 'a DASH-IF thumbnail AdaptationSet: 10 × 10 tiles of 320 px, one every 10 s',
    options: { f: 'jpg', q: 85, inter: 10000, sw: 320, sh: 180, scaletype: 'fit', tw: 10, th: 10, pad: 0, margin: 0 },
    snippet: 'dash',
  },
  {
    id: 'contact',
    label: 'Contact sheet to look at',
    hint: '24 frames spread over the whole video, 6 × 4, with gaps between them',
    options: {
      f: 'jpg',
      q: 90,
      m: 'avg',
      num: 24,
      sw: 320,
      sh: 180,
      scaletype: 'fit',
      tw: 6,
      th: 4,
      pad: 4,
      margin: 8,
    },
    snippet: 'track',
  },
  {
    id: 'api',
    label: "The cloud API's defaults",
    hint: 'every parameter at the original API’s default: every frame, full size, 6 × 6',
    options: { f: 'jpg' },
    snippet: 'track',
  },
];
