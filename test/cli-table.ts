// The table of every frame as the engine builds it without an index or windows, from the ffmpeg CLI: the oracle of the
// unit tests (Node) and the browser specs.

import { execFileSync, spawnSync } from 'node:child_process';
import { buildFrameTable, type FrameTable } from '../src/core/frame-table.js';
import { parsePacketCsv, parseShowinfo } from '../src/engine/ffmpeg/probe-parse.js';

/**
 * The first video stream's frames of `file`: from ffprobe's packet list, or where some packets have no time (MPEG-PS
 * packs pictures into 2 KiB packets), from the times the decoder gives every frame.
 */
export function cliFrameTable(file: string): FrameTable {
  const csv = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const fromPackets = buildFrameTable(parsePacketCsv(csv));
  if (fromPackets) return fromPackets;
  const { stderr } = spawnSync(
    'ffmpeg',
    ['-copyts', '-i', file, '-map', '0:v:0', '-an', '-vf', 'scale=16:16,showinfo', '-f', 'null', '-'],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  return buildFrameTable(parseShowinfo(stderr.split('\n')))!;
}
