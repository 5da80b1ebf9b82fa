// Real streaming players from npm read our HLS image playlist and DASH thumbnail track beside a stream of the same
// video (cut into HLS and DASH by the ffmpeg CLI): Shaka Player (both) and dash.js (DASH) must give, at 100 random
// times and at every tile's start, the sheet, x, y, w and h of our VTT cue at that time.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { SpriteOptions } from '../../src/index.js';
import { vttCues, type Thumbnail } from '../vtt-cue.js';

const dir = mkdtempSync(join(tmpdir(), 'streaming-players-'));
const sh = (command: string) => execFileSync('sh', ['-c', command], { cwd: dir, stdio: 'pipe' });
/** 24 s at 25 fps: every 2 s slot starts on a frame, so each tile's frame is at its slot's start. */
const SECONDS = 24;
/** 12 tiles of 160×90: a full sheet of 4×2 and a last one part-filled, no padding or margin (the tracks need none). */
const OPTIONS: SpriteOptions = { f: 'jpg', m: 'inter', inter: 2000, sw: 160, sh: 90, tw: 4, th: 2, pad: 0, margin: 0 };

test.beforeAll(() => {
  sh(
    `ffmpeg -v error -f lavfi -i testsrc2=size=320x180:rate=25:duration=${SECONDS} -c:v libx264 -profile:v main ` +
      `-pix_fmt yuv420p -bf 0 -g 25 clip.mp4`,
  );
  sh(
    'ffmpeg -v error -i clip.mp4 -c copy -f hls -hls_time 4 -hls_playlist_type vod -hls_segment_type fmp4 ' +
      '-hls_fmp4_init_filename init.mp4 -master_pl_name master-video.m3u8 video.m3u8',
  );
  sh('ffmpeg -v error -i clip.mp4 -c copy -f dash -seg_duration 4 video.mpd');
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  mpd: 'application/dash+xml',
  mp4: 'video/mp4',
  m4s: 'video/iso.segment',
  jpg: 'image/jpeg',
};

test('Shaka Player (HLS and DASH) and dash.js give our VTT cue at 100 random times', async ({ page, baseURL }) => {
  // Everything under /stream/ is served from here: the CLI's stream, then our sheets and tracks.
  const files = new Map<string, Buffer | string>(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
  await page.route('**/stream/**', async (route) => {
    const name = new URL(route.request().url()).pathname.replace(/^\/stream\//, '');
    const body = files.get(name);
    await route.fulfill(
      body === undefined
        ? { status: 404 }
        : { body, contentType: TYPES[name.split('.').pop()!] ?? 'application/octet-stream' },
    );
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/test/browser/streaming.html');
  await page.waitForFunction(() => (window as unknown as { streamingReady?: boolean }).streamingReady === true);

  const made = await page.evaluate((o) => window.streaming.make('/stream/clip.mp4', o), OPTIONS);
  for (const sheet of made.sheets) files.set(sheet.name, Buffer.from(sheet.bytes));
  expect(made.sheets.map((s) => s.name)).toEqual(['sprite-0.jpg', 'sprite-1.jpg']);
  files.set(made.hls.name, made.hls.playlist);
  // The CLI's master playlist, with our image stream's line.
  files.set(
    'master.m3u8',
    `${readFileSync(join(dir, 'master-video.m3u8'), 'utf8').trimEnd()}\n${made.hls.streamInf}\n`,
  );
  const mpd = readFileSync(join(dir, 'video.mpd'), 'utf8');
  expect(mpd).toContain('</Period>');
  files.set('thumbs.mpd', mpd.replace('</Period>', `${made.dash}</Period>`));

  const base = `${baseURL}/stream/`;
  const tileStarts = Array.from({ length: 12 }, (_, i) => 2 * i);
  const random = Array.from({ length: 100 }, () => Math.random() * SECONDS);
  const times = [...tileStarts, ...random];
  const cueAt = vttCues(made.vtt);
  const expected = times.map((t) => {
    const cue = cueAt(t);
    return cue && { ...cue, url: new URL(cue.url, base).href };
  });
  expect(expected.every((e) => e !== null)).toBe(true);

  const players: [string, (Thumbnail | null)[]][] = [
    [
      'Shaka Player, HLS',
      await page.evaluate(([u, ts]) => window.streaming.shakaThumbnails(u, ts), [`${base}master.m3u8`, times] as const),
    ],
    [
      'Shaka Player, DASH',
      await page.evaluate(([u, ts]) => window.streaming.shakaThumbnails(u, ts), [`${base}thumbs.mpd`, times] as const),
    ],
    [
      'dash.js',
      await page.evaluate(([u, ts]) => window.streaming.dashjsThumbnails(u, ts), [`${base}thumbs.mpd`, times] as const),
    ],
  ];
  for (const [player, found] of players)
    times.forEach((t, i) => expect(found[i], `${player} at ${t.toFixed(3)} s`).toEqual(expected[i]));
  expect(errors).toEqual([]);
});

declare global {
  interface Window {
    streaming: (typeof import('./streaming.js'))['streaming'];
  }
}
