// The thumbnail a player shows at a time from a WebVTT thumbnails track, read with a real WebVTT parser: shared by the
// unit tests of the streaming tracks and the browser tests of the players that read them.

import webvtt from 'webvtt-parser';

/** A thumbnail: the sheet's URL and the tile's rectangle on it, px. */
export interface Thumbnail {
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * The track `vtt`, parsed once, as a lookup: the cue on screen at `t` (s), as a player reads its `#xywh` fragment;
 * null where none is.
 */
export function vttCues(vtt: string): (t: number) => Thumbnail | null {
  const { cues } = new webvtt.WebVTTParser().parse(vtt, 'metadata');
  return (t) => {
    const cue = cues.find((c) => c.startTime <= t && t < c.endTime);
    if (!cue) return null;
    const [url, xywh] = cue.text.split('#xywh=');
    const [x, y, w, h] = xywh!.split(',').map(Number);
    return { url: url!, x: x!, y: y!, w: w!, h: h! };
  };
}
