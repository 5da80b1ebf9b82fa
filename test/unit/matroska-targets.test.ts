// Matroska on ffmpeg.wasm without ffprobe's list of every packet: read through mediabunny at both ends and at each
// target. The CLI's ffprobe is the oracle: the jobs must take the very frames, and decode them from the very key
// frames, that the table of every packet gives, with the same start, length and interval; where the grid cannot be
// sure, null (the engine lists every packet).

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keysBefore, targetsOf } from './support.js';
import { cliFrameTable } from '../cli-table.js';
import { resolveOptions, type SpriteOptions } from '../../src/core/options.js';
import { selectFrames } from '../../src/core/selection.js';
import { matroskaTargetsTable, partFile } from '../../src/engine/ffmpeg/matroska-targets.js';
import { parsePacketCsv } from '../../src/engine/ffmpeg/probe-parse.js';

const dir = mkdtempSync(join(tmpdir(), 'matroska-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const probe = (args: string[]) =>
  execFileSync('ffprobe', ['-v', 'error', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });

/** `seconds` of test picture at `rate` through `codec` into a Matroska file `out`, made with ffmpeg `extra` after. */
function make(out: string, seconds: number, rate: string, codec: string[], extra: string[] = []): string {
  const file = join(dir, out);
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=160x120:rate=${rate}:duration=${seconds}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, ...codec, '-c:a', 'libopus', ...extra, file],
  ]);
  return file;
}

const packetArgs = (file: string, extra: string[] = []) => [
  ...['-select_streams', 'v:0', ...extra, '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file],
];
/** ffprobe's first packets, as the engine reads them. */
const head = (file: string) => parsePacketCsv(probe(packetArgs(file, ['-read_intervals', '%+#8'])));

async function tableOf(file: string, options: Partial<SpriteOptions>) {
  const opts = resolveOptions({ f: 'jpg', ...options });
  const found = await matroskaTargetsTable(new Blob([readFileSync(file)]), targetsOf(opts), head(file));
  return { opts, table: found?.table ?? null, clusters: found?.clusters ?? null };
}

/**
 * The times of the first `count` frames the CLI decodes of `file` from `-ss` at `seekSec` (on the stream's clock with
 * `seekTimestamp`), as an exec does (-noaccurate_seek: from the key frame at or before the point).
 */
function framesFrom(file: string, seekSec: number, count: number, seekTimestamp = false): number[] {
  // showinfo writes to stderr.
  const log = spawnSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-copyts', ...(seekTimestamp ? ['-seek_timestamp', '1'] : [])],
      ...['-noaccurate_seek', '-ss', seekSec.toFixed(6), '-i', file, '-map', '0:v:0', '-vf', 'showinfo'],
      ...['-frames:v', String(count), '-f', 'null', '-'],
    ],
    { encoding: 'utf8' },
  ).stderr;
  return [...log.matchAll(/pts_time:([\d.]+)/g)].map((m) => Number(m[1])).slice(0, count);
}

const jobs: [string, Partial<SpriteOptions>][] = [
  ['avg 20', { m: 'avg', num: 20 }],
  ['avg 7 from 3.3 s', { m: 'avg', num: 7, ss: 3300 }],
  ['inter 13.7 s', { m: 'inter', inter: 13_700 }],
  ['dhash every 15 s', { m: 'dhash', inter: 15_000 }],
];

describe('matroskaTargetsTable', () => {
  const files: [string, () => string][] = [
    // What DVD rips are: MPEG-2, B-frames, a GOP of 15. Exact 40 ms times.
    ['MPEG-2, B-frames, 25 fps', () => make('mpeg2.mkv', 120, '25', ['-c:v', 'mpeg2video', '-bf', '2', '-g', '15'])],
    // The same written to a pipe: no cues, looked up by the search on bytes for cluster headers.
    [
      'MPEG-2 without cues',
      () => {
        const piped = join(dir, 'piped.mkv');
        const cued = make('to-pipe.mkv', 120, '25', ['-c:v', 'mpeg2video', '-bf', '2', '-g', '15']);
        execFileSync('sh', ['-c', `ffmpeg -v error -i '${cued}' -c copy -f matroska - > '${piped}'`]);
        return piped;
      },
    ],
    // Times rounded to the ms (33 or 34 ms apart): the declared frame duration counts the frames.
    [
      'HEVC, B-frames, 29.97 fps',
      () =>
        make('hevc.mkv', 120, '30000/1001', [
          '-c:v',
          'libx265',
          '-preset',
          'ultrafast',
          '-x265-params',
          'log-level=none',
        ]),
    ],
  ];
  for (const [what, file] of files) {
    it(`takes the frames the full packet list gives: ${what}`, async () => {
      const path = file();
      const full = cliFrameTable(path);
      for (const [job, options] of jobs) {
        const { opts, table } = await tableOf(path, options);
        expect(table, `${job}: gave up`).not.toBeNull();
        const want = selectFrames(full, opts).map((c) => c.time);
        const got = selectFrames(table!, opts).map((c) => c.time);
        expect(got, job).toEqual(want);
        expect(keysBefore(table!, got), job).toEqual(keysBefore(full, want));
        expect(table, job).toMatchObject({
          startSec: full.startSec,
          durationMs: full.durationMs,
          frameIntervalMs: full.frameIntervalMs,
          partial: 'targets',
        });
        expect(table!.times.length).toBeLessThan(full.times.length / 10);
      }
    }, 120_000);
  }

  it('without cues, an exec reads the head and the clusters from its key frame’s on: the frames of the whole file', async () => {
    const cued = make('parts.mkv', 60, '25', ['-c:v', 'mpeg2video', '-bf', '2', '-g', '15']);
    for (const [name, write] of [
      ['ffmpeg', (out: string) => `ffmpeg -v error -i '${cued}' -c copy -f matroska - > '${out}'`],
      // mkvmerge writes a SeekHead, whose positions point elsewhere in a part file: ffmpeg finds nothing there.
      ['mkvmerge', (out: string) => `mkvmerge -q --no-cues -o '${out}' '${cued}'`],
    ] as const) {
      const file = join(dir, `parts-${name}.mkv`);
      execFileSync('sh', ['-c', write(file)]);
      const { table, clusters } = await tableOf(file, { m: 'avg', num: 8 });
      expect(clusters, name).not.toBeNull();
      const bytes = readFileSync(file);
      const head = new Blob([bytes.subarray(0, clusters!.clustersAt)]);
      expect(clusters!.starts.size, name).toBeGreaterThan(4);
      for (const [ms, from] of clusters!.starts) {
        if (ms === 0) continue;
        const part = join(dir, `part-${name}-${ms}.mkv`);
        writeFileSync(part, new Uint8Array(await partFile(new Blob([bytes]), head, from).arrayBuffer()));
        // 1 ms past the key frame, as an exec seeks; the frames from the key frame on, as the whole file gives them
        // (its `-ss`, reading from the start without cues, may land a key frame earlier).
        const key = table!.startSec + ms / 1000;
        const onFrom = (times: number[]) => times.filter((t) => t >= key - 1e-6).slice(0, 6);
        const fromPart = framesFrom(part, key + 0.001, 6, true);
        expect(fromPart[0], `${name} at ${ms} ms`).toBeCloseTo(key, 6);
        expect(onFrom(fromPart), `${name} at ${ms} ms`).toEqual(onFrom(framesFrom(file, key + 0.001, 40, true)));
      }
    }
  }, 120_000);

  it('gives up on irregular times, for a job that wants every frame, on a cut file, and on a start not ffmpeg’s', async () => {
    const mpeg2 = ['-c:v', 'mpeg2video', '-bf', '2', '-g', '15'];
    const cued = make('cued.mkv', 20, '25', mpeg2);
    // Every third frame 10 ms late (H.264: MPEG-2 keeps its frame rate's time base).
    const retime = ['-vf', "settb=1/1000,setpts='(N/25+eq(mod(N,3),0)*0.01)/TB'", '-fps_mode', 'passthrough'];
    const vfr = make('vfr.mkv', 20, '25', ['-c:v', 'libx264', '-enc_time_base:v', '1/1000'], retime);
    expect((await tableOf(vfr, { m: 'avg', num: 5 })).table).toBeNull();
    expect((await tableOf(cued, { m: 'inter', inter: 0 })).table).toBeNull();
    // Cut short (a partial download): its cues would be past its end. ffprobe's list then says where it stops.
    const cut = join(dir, 'cut.mkv');
    const whole = readFileSync(cued);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect((await tableOf(cut, { m: 'avg', num: 5 })).table).toBeNull();
    // The same file with ffprobe's first packets a frame later.
    const opts = resolveOptions({ f: 'jpg', m: 'avg', num: 5 });
    const shifted = head(cued).map((p) => ({ ...p, pts: p.pts! + 0.04 }));
    expect(await matroskaTargetsTable(new Blob([readFileSync(cued)]), targetsOf(opts), shifted)).toBeNull();
    expect(await matroskaTargetsTable(new Blob([readFileSync(cued)]), targetsOf(opts), head(cued))).not.toBeNull();
  }, 60_000);
});
