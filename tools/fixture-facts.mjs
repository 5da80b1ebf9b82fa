// Reads frame facts of the committed test fixtures with the ffmpeg CLI (the oracle) into test/fixtures/facts.json.
// Run after adding a fixture: `npm run fixtures:facts` (needs Debian's ffmpeg). The tests read the JSON, not the CLI.

import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', 'test', 'fixtures');
const probe = (args) => execFileSync('ffprobe', ['-v', 'error', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const facts = {};
for (const name of readdirSync(dir).sort()) {
  if (/\.(md|json|png)$/.test(name)) continue;
  const info = JSON.parse(probe(['-show_entries', 'stream=index,codec_type,codec_name,width,height,sample_aspect_ratio,avg_frame_rate:stream_side_data=rotation:format=format_name,start_time', '-of', 'json', join(dir, name)]));
  const video = info.streams.find((s) => s.codec_type === 'video');
  if (!video) {
    facts[name] = { video: false };
    continue;
  }
  // Decoded frames (what a player shows), in presentation order, and the container's key flags.
  const frames = probe(['-select_streams', String(video.index), '-show_entries', 'frame=best_effort_timestamp_time,key_frame', '-of', 'csv=p=0', join(dir, name)])
    .split('\n').map((l) => l.split(',')).filter((c) => c.length >= 2 && c[0] !== '' && c[0] !== 'N/A')
    .map(([key, t]) => ({ t: Number(t), key: key === '1' }));
  const keyPackets = probe(['-select_streams', String(video.index), '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', join(dir, name)])
    .split('\n').map((l) => l.split(',')).filter((c) => c.length >= 2 && c[1]?.startsWith('K') && c[0] !== 'N/A').map((c) => Number(c[0])).sort((a, b) => a - b);
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
writeFileSync(join(dir, 'facts.json'), JSON.stringify(facts, null, 1) + '\n');
console.log(`wrote facts for ${Object.keys(facts).length} fixtures`);
