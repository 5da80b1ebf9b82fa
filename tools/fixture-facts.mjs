// Reads frame facts of the committed test fixtures with the ffmpeg CLI (the oracle) into test/fixtures/facts.json.
// Run after adding a fixture: `npm run fixtures:facts` (needs Debian's ffmpeg). The tests read the JSON, not the CLI.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', 'test', 'fixtures');
const probe = (args) => execFileSync('ffprobe', ['-v', 'error', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const facts = {};
for (const name of readdirSync(dir).sort()) {
  if (/\.(md|json|png)$/.test(name) || name === 'ref') continue;
  const info = JSON.parse(
    probe([
      '-show_entries',
      'stream=index,codec_type,codec_name,width,height,sample_aspect_ratio,avg_frame_rate:stream_side_data=rotation:format=format_name,start_time',
      '-of',
      'json',
      join(dir, name),
    ]),
  );
  const video = info.streams.find((s) => s.codec_type === 'video');
  if (!video) {
    facts[name] = { video: false };
    continue;
  }
  // Decoded frames (what a player shows), in presentation order, and the container's key flags.
  const frames = probe([
    '-select_streams',
    String(video.index),
    '-show_entries',
    'frame=best_effort_timestamp_time,key_frame',
    '-of',
    'csv=p=0',
    join(dir, name),
  ])
    .split('\n')
    .map((l) => l.split(','))
    .filter((c) => c.length >= 2 && c[0] !== '' && c[0] !== 'N/A')
    .map(([key, t]) => ({ t: Number(t), key: key === '1' }));
  const keyPackets = probe([
    '-select_streams',
    String(video.index),
    '-show_entries',
    'packet=pts_time,flags',
    '-of',
    'csv=p=0',
    join(dir, name),
  ])
    .split('\n')
    .map((l) => l.split(','))
    .filter((c) => c.length >= 2 && c[1]?.startsWith('K') && c[0] !== 'N/A')
    .map((c) => Number(c[0]))
    .sort((a, b) => a - b);
  facts[name] = {
    video: true,
    codec: video.codec_name,
    width: video.width,
    height: video.height,
    sar: video.sample_aspect_ratio ?? '1:1',
    rotation: video.side_data_list?.find((d) => 'rotation' in d)?.rotation ?? 0,
    fps: video.avg_frame_rate,
    formatStart: Number(info.format.start_time ?? 0),
    frameTimes: frames.map((f) => f.t).sort((a, b) => a - b),
    keyTimes: keyPackets,
  };
}

// Reference frames for the pixel checks: frame number n (exact, whatever the seeking) of a fixture, made display-shaped
// by the CLI (it auto-rotates), scaled to the cell, as PNG. The spec compares our tile with it by PSNR.
const REFS = [
  { name: 'bbb-n48-stretch-160x90', fixture: 'h264-aac_fmp4_320x180_bbb.mp4', n: 48, vf: 'scale=160:90:flags=area' },
  {
    name: 'rot90-n40-crop-90x120',
    fixture: 'h264_fmp4_1920x1080_rot-90_bbb.mp4',
    n: 40,
    vf: 'scale=90:160:flags=area,crop=90:120:0:20',
  },
  {
    name: 'theora-n30-fill-100x75',
    fixture: 'theora_ogv_214x160_calais-1906-film.ogv',
    n: 30,
    vf: 'scale=100:75:flags=area',
  },
  { name: 'hevc-n100-stretch-96x54', fixture: 'hevc-aac_ts_1920x1080_bbb.ts', n: 100, vf: 'scale=96:54:flags=area' },
  {
    name: 'odd-n30-fit-101x73',
    fixture: 'h264_mov_640x465_odd-dims_dualdiscs.mov',
    n: 30,
    vf: 'scale=101:73:flags=area',
  },
];
mkdirSync(join(dir, 'ref'), { recursive: true });
const refs = {};
for (const r of REFS) {
  const out = join(dir, 'ref', `${r.name}.png`);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    join(dir, r.fixture),
    '-vf',
    `select=eq(n\\,${r.n}),${r.vf}`,
    '-frames:v',
    '1',
    '-y',
    out,
  ]);
  const f = facts[r.fixture];
  refs[r.name] = {
    fixture: r.fixture,
    n: r.n,
    time: Math.round((f.frameTimes[r.n] - f.frameTimes[0]) * 1e6) / 1e3,
    vf: r.vf,
  };
}
facts._refs = refs;
writeFileSync(join(dir, 'facts.json'), JSON.stringify(facts, null, 1) + '\n');
console.log(`wrote facts for ${Object.keys(facts).length - 1} fixtures and ${REFS.length} reference frames`);
