// Reads a WebVTT thumbnails track (cues whose payload is `url#xywh=x,y,w,h`), as a player's seek-bar preview does.

/** One thumbnail cue: times in s, the image URL, and the rectangle on it. */
export interface ThumbnailCue {
  start: number;
  end: number;
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Seconds of a WebVTT timestamp (`hh:mm:ss.mmm` or `mm:ss.mmm`). */
function timestampSeconds(stamp: string): number {
  const parts = stamp.trim().split(':').map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

/** Parses the cues of a thumbnails track; cues without a `#xywh=` payload are skipped. */
export function readThumbnailTrack(vtt: string): ThumbnailCue[] {
  const cues: ThumbnailCue[] = [];
  for (const block of vtt.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    const lines = block.split('\n');
    const timing = lines.findIndex((l) => l.includes('-->'));
    if (timing < 0) continue;
    const [from, to] = lines[timing]!.split('-->');
    const payload = lines[timing + 1]?.trim() ?? '';
    const m = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(payload);
    if (!m || from === undefined || to === undefined) continue;
    cues.push({
      start: timestampSeconds(from),
      end: timestampSeconds(to.trim().split(/\s+/)[0]!),
      url: m[1]!,
      x: +m[2]!,
      y: +m[3]!,
      w: +m[4]!,
      h: +m[5]!,
    });
  }
  return cues;
}

/** The cue showing at time t (s): the last one starting at or before t. */
export function cueAt(cues: readonly ThumbnailCue[], t: number): ThumbnailCue | undefined {
  let found: ThumbnailCue | undefined;
  for (const cue of cues) if (cue.start <= t) found = cue;
  return found;
}
