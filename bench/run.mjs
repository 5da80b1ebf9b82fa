// `npm run bench`: our speed and memory against the tools people would use instead, measured in the same run.
// Needs Debian's ffmpeg and chromium (apt-get install ffmpeg chromium). Inputs are generated once into bench/.cache/.
// Prints two tables and writes bench/results/<timestamp>.json. Targets are reported, never asserted.
//
// BENCH_REPS=n (3), BENCH_JOBS=a,c1 (a subset; the targets need the full set), BENCH_BASELINES=0 (our side only),
// BENCH_WASM=0 (the CLI's commands, not the plain ffmpeg.wasm one),
// BENCH_DECODERS=n (ffmpeg.wasm decoders), BENCH_WASM_LIMIT_S=s (300), BENCH_LONG=0 (skip the long and big inputs:
// the 2-hour film and the 1 and 5 GiB AVI and MPEG-TS files take 25 GB of disk in bench/.cache/), BENCH_LOOPS=0 (skip
// our WebCodecs decode loop against mediabunny's samplesAtTimestamps), BENCH_PORT=n (4180).

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../tools/chromium.mjs';

const root = join(import.meta.dirname, '..');
const cache = join(root, 'bench', '.cache');
const work = join(cache, 'work');
const REPS = Number(process.env.BENCH_REPS ?? 3);
const PORT = Number(process.env.BENCH_PORT ?? 4180);
const LOOPS = process.env.BENCH_LOOPS !== '0';
const only = process.env.BENCH_JOBS?.split(',');
const baselines = process.env.BENCH_BASELINES !== '0';
// The plain command inside ffmpeg.wasm is the slowest baseline by far (minutes a job): BENCH_WASM=0 leaves it out.
const wasmPlainRuns = baselines && process.env.BENCH_WASM !== '0';
const DECODERS = process.env.BENCH_DECODERS ? Number(process.env.BENCH_DECODERS) : undefined;
const LONG = process.env.BENCH_LONG !== '0';
// A run of the plain ffmpeg.wasm command past this is stopped and counted as "over the limit" (a lower bound), so a
// hung core cannot hold the bench forever.
const WASM_LIMIT_MS = Number(process.env.BENCH_WASM_LIMIT_S ?? 300) * 1000;

function need(cmd) {
  if (spawnSync(cmd, ['-version']).status !== 0 && spawnSync('which', [cmd]).status !== 0) {
    console.error(`npm run bench needs ${cmd}: apt-get install -y ffmpeg chromium`);
    process.exit(2);
  }
}
need('ffmpeg');

// Inputs, generated once. (1): 120 s 720p30 H.264 with B-frames, key every 2 s, noisy so it does not compress away.
// (2): 300 s 1080p30 H.264 with a strict 250-frame GOP. (long): input 2 copied end to end 24 times without
// re-encoding: a 2-hour 1080p H.264 file of 4.8 GB, over 2 GiB, its index at the end.
// The big files of the ffmpeg.wasm path (issue 11): 30 s of noisy 1080p30 at 50 Mb/s, MPEG-4 Part 2 in AVI (with
// B-frames, and without) and MPEG-2 with B-frames in MPEG-TS (none of which a browser decodes), a key frame every
// second (the noise would make the encoders put one every few frames), copied end to end to about 1 GiB and 5 GiB.
const noisy1080 = [
  '-f',
  'lavfi',
  '-i',
  'testsrc2=size=1920x1080:rate=30:duration=30',
  '-vf',
  'noise=alls=12:allf=t',
  '-b:v',
  '50M',
  '-maxrate',
  '50M',
  '-bufsize',
  '20M',
  '-g',
  '30',
  '-sc_threshold',
  '1000000000',
];
const INPUTS = {
  in1: {
    file: 'in1-720p-120s.mp4',
    duration: 120,
    args: [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1280x720:rate=30:duration=120',
      '-vf',
      'noise=alls=6:allf=t',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-g',
      '60',
      '-keyint_min',
      '60',
      '-sc_threshold',
      '0',
      '-bf',
      '2',
      '-pix_fmt',
      'yuv420p',
    ],
  },
  in2: {
    file: 'in2-1080p-300s.mp4',
    duration: 300,
    args: [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1920x1080:rate=30:duration=300',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-g',
      '250',
      '-keyint_min',
      '250',
      '-sc_threshold',
      '0',
      '-pix_fmt',
      'yuv420p',
    ],
  },
  // (3): 600 s 720p30 H.264 with 3 B-frames and a 4 s GOP, noisy: the long-GOP B-frame file of exact inter (issue 18).
  in3: {
    file: 'in3-720p-600s.mp4',
    duration: 600,
    args: [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1280x720:rate=30:duration=600',
      '-vf',
      'noise=alls=6:allf=t',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-g',
      '120',
      '-keyint_min',
      '120',
      '-sc_threshold',
      '0',
      '-bf',
      '3',
      '-pix_fmt',
      'yuv420p',
    ],
  },
  long: { file: 'long-1080p-2h.mp4', duration: 7200, concat: { of: 'in2', times: 24 }, long: true },
  // The same film in the containers without an index of every frame (H.264, which WebCodecs decodes): MPEG-TS, and
  // Matroska, whose cues list only key frames.
  longTs: { file: 'long-1080p-2h.ts', args: ['-i', 'CACHE/long-1080p-2h.mp4', '-c', 'copy'], long: true },
  longMkv: { file: 'long-1080p-2h.mkv', args: ['-i', 'CACHE/long-1080p-2h.mp4', '-c', 'copy'], long: true },
  // The same without cues, as written to a pipe (the CLI's `-ss` then reads from the start).
  longMkvNoCues: {
    file: 'long-1080p-2h-nocues.mkv',
    // (Its header gives no duration: the CLI's seeks take the film's.)
    duration: 7200,
    args: ['-i', 'CACHE/long-1080p-2h.mp4', '-c', 'copy', '-f', 'matroska'],
    pipe: true,
    long: true,
  },
  segAvi: {
    file: 'seg-1080p-30s-mpeg4.avi',
    duration: 30,
    args: [...noisy1080, '-bf', '2', '-c:v', 'mpeg4'],
    long: true,
  },
  segAviP: {
    file: 'seg-1080p-30s-mpeg4-nob.avi',
    duration: 30,
    args: [...noisy1080, '-bf', '0', '-c:v', 'mpeg4'],
    long: true,
  },
  segTs: {
    file: 'seg-1080p-30s-mpeg2.ts',
    duration: 30,
    args: [...noisy1080, '-bf', '2', '-c:v', 'mpeg2video'],
    long: true,
  },
  avi1: { file: 'big-1g-mpeg4.avi', concat: { of: 'segAvi', bytes: 2 ** 30 }, long: true },
  avi5: { file: 'big-5g-mpeg4.avi', concat: { of: 'segAvi', bytes: 5 * 2 ** 30 }, long: true },
  aviP1: { file: 'big-1g-mpeg4-nob.avi', concat: { of: 'segAviP', bytes: 2 ** 30 }, long: true },
  aviP5: { file: 'big-5g-mpeg4-nob.avi', concat: { of: 'segAviP', bytes: 5 * 2 ** 30 }, long: true },
  ts1: { file: 'big-1g-mpeg2.ts', concat: { of: 'segTs', bytes: 2 ** 30 }, long: true },
  ts5: { file: 'big-5g-mpeg2.ts', concat: { of: 'segTs', bytes: 5 * 2 ** 30 }, long: true },
  // The same MPEG-2 in MPEG-PS, as a DVD's VOB carries it (stream copy).
  segPs: {
    file: 'seg-1080p-30s-mpeg2.vob',
    duration: 30,
    args: ['-i', 'CACHE/seg-1080p-30s-mpeg2.ts', '-c', 'copy', '-f', 'vob'],
    long: true,
  },
  ps1: { file: 'big-1g-mpeg2.vob', concat: { of: 'segPs', bytes: 2 ** 30 }, long: true },
  ps5: { file: 'big-5g-mpeg2.vob', concat: { of: 'segPs', bytes: 5 * 2 ** 30 }, long: true },
};
mkdirSync(cache, { recursive: true });
const path = (name) => join(cache, INPUTS[name].file);
for (const [name, input] of Object.entries(INPUTS)) {
  if (existsSync(path(name)) || (input.long && !LONG)) continue;
  console.log(`generating ${name} (${input.file})…`);
  const part = join(cache, `part.${input.file}`);
  if (input.concat) {
    // Whole copies of the source, as many as reach the size asked for (stream copy: seconds, not minutes).
    const times = input.concat.times ?? Math.ceil(input.concat.bytes / statSync(path(input.concat.of)).size);
    const list = join(cache, `${name}.txt`);
    // Each copy exactly its source's length later: without `duration`, the concat demuxer takes the length from the
    // last timestamp, and the copies overlapped by a frame and drifted by a tick (an irregular timeline, which the
    // MPEG-TS windows rightly refuse; measured 2026-12-05).
    const { duration } = INPUTS[input.concat.of];
    const entry = `file '${path(input.concat.of)}'\n` + (duration ? `duration ${duration}\n` : '');
    writeFileSync(list, entry.repeat(times));
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-y', part], {
      stdio: 'inherit',
    });
  } else {
    const args = input.args.map((a) => a.replace(/^CACHE\//, `${cache}/`));
    if (input.pipe) {
      const out = openSync(part, 'w');
      execFileSync('ffmpeg', ['-v', 'error', ...args, 'pipe:1'], { stdio: ['ignore', out, 'inherit'] });
      closeSync(out);
    } else execFileSync('ffmpeg', ['-v', 'error', ...args, '-y', part], { stdio: 'inherit' });
  }
  execFileSync('mv', [part, path(name)]);
}
const url = (name) => `/bench-inputs/${INPUTS[name].file}`;
const fileRef = (name) => `file:${INPUTS[name].file}`;

// The jobs of the issues, each with the equivalent CLI and ffmpeg.wasm commands.
const W = 256;
const H = 144;
// The plain command a developer would write: decode everything, keep what is wanted, scale, tile. For key frames that
// is the usual `select='eq(pict_type,I)'` filter (the CLI's best key-frame command is the -skip_frame one below).
const plainFilter = (fps, tile) => ({ vf: `fps=${fps},scale=${W}:${H},tile=${tile}`, extra: [] });
const plainKey = { vf: `select='eq(pict_type\\,I)',scale=${W}:${H},tile=10x10`, extra: ['-fps_mode', 'vfr'] };
const interTargets = (name, every) =>
  Array.from({ length: Math.ceil(INPUTS[name].duration / every) }, (_, i) => i * every);
const JOBS = [
  {
    id: 'a',
    title: 'inter 2 s, input 1 (60 tiles)',
    input: 'in1',
    options: { f: 'jpg', inter: 2000, sw: W, sh: H, tw: 6, th: 6 },
    plain: plainFilter('1/2', '6x6'),
    targets: interTargets('in1', 2),
  },
  {
    id: 'b',
    title: 'inter 10 s, input 2 (30 tiles)',
    input: 'in2',
    options: { f: 'jpg', inter: 10000, sw: W, sh: H, tw: 6, th: 5 },
    plain: plainFilter('1/10', '6x5'),
    targets: interTargets('in2', 10),
  },
  {
    id: 'c1',
    title: 'key frames, input 1',
    input: 'in1',
    options: { f: 'jpg', m: 'key', sw: W, sh: H, tw: 10, th: 10 },
    plain: plainKey,
    key: true,
  },
  {
    id: 'c2',
    title: 'key frames, input 2',
    input: 'in2',
    options: { f: 'jpg', m: 'key', sw: W, sh: H, tw: 10, th: 10 },
    plain: plainKey,
    key: true,
  },
  {
    id: 'd',
    title: 'avg 100, input 2',
    input: 'in2',
    options: { f: 'jpg', m: 'avg', num: 100, sw: W, sh: H, tw: 10, th: 10 },
    plain: plainFilter('1/3', '10x10'),
    targets: Array.from({ length: 100 }, (_, i) => (i * 300) / 100),
  },
  {
    id: 'f',
    title: 'inter 2 s, input 3: 10 min, B-frames, 4 s GOP (300 tiles)',
    input: 'in3',
    options: { f: 'jpg', inter: 2000, sw: W, sh: H, tw: 10, th: 10 },
    plain: plainFilter('1/2', '10x10'),
    targets: interTargets('in3', 2),
  },
  {
    id: 'e',
    title: 'dhash 1 s thr 10, input 1',
    input: 'in1',
    options: { f: 'jpg', m: 'dhash', inter: 1000, thr: 10, sw: W, sh: H, tw: 10, th: 10 },
    plain: plainFilter('1', '10x10'),
  },
];
// Long inputs, read as Files from disk (as a person's own file is), our side only: a CLI run on 4.8 GB would take
// minutes and says nothing the short inputs do not.
const LONG_JOBS = [
  {
    id: 'k5',
    title: '100 key frames, input 2 as a File (5 min)',
    file: 'in2',
    options: { f: 'jpg', m: 'key', num: 100, sw: W, sh: H, tw: 10, th: 10 },
  },
  {
    id: 'k120',
    title: '100 key frames, 2-hour 4.8 GB File',
    file: 'long',
    options: { f: 'jpg', m: 'key', num: 100, sw: W, sh: H, tw: 10, th: 10 },
    // The CLI's best for the same 100 key frames: only key frames decoded, stopped after the 100th.
    cli: () => cliKey({ input: 'long' }, ['-frames:v', '100']),
  },
  // The same work as k5 (its file has 36 key frames) on the 2-hour film: what grows with the video's length alone.
  {
    id: 'k120m',
    title: '36 key frames, 2-hour 4.8 GB File (the work of k5)',
    file: 'long',
    options: { f: 'jpg', m: 'key', num: 36, sw: W, sh: H, tw: 10, th: 10 },
  },
  {
    id: 'i120',
    title: 'inter 60 s, 2-hour 4.8 GB File (120 tiles, 6 sheets)',
    file: 'long',
    options: { f: 'jpg', inter: 60000, sw: W, sh: H, tw: 5, th: 4 },
  },
  // The ffmpeg.wasm path (issue 11): what `auto` leaves to it (AVI, MPEG-2 in MPEG-TS), and an MP4 forced onto it.
  {
    id: 'k120f',
    title: '100 key frames, 2-hour 4.8 GB File, ffmpeg.wasm forced',
    file: 'long',
    options: { f: 'jpg', m: 'key', num: 100, sw: W, sh: H, tw: 10, th: 10 },
    engine: 'ffmpeg',
  },
  // Index-less containers for WebCodecs (issue 18): the frame count from both ends, a lookup at each target.
  {
    id: 'x120',
    title: 'avg 20, 2-hour film as MPEG-TS (H.264), 4.8 GB File',
    file: 'longTs',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    cli: () => cliSeeked('longTs', 20),
  },
  {
    id: 'x120k',
    title: '100 key frames, 2-hour film as MPEG-TS (H.264), 4.8 GB File',
    file: 'longTs',
    options: { f: 'jpg', m: 'key', num: 100, sw: W, sh: H, tw: 10, th: 10 },
  },
  {
    id: 'm120k',
    title: '100 key frames, 2-hour film as Matroska (H.264, cues), 4.8 GB File',
    file: 'longMkv',
    options: { f: 'jpg', m: 'key', num: 100, sw: W, sh: H, tw: 10, th: 10 },
  },
  {
    id: 'm120',
    title: 'avg 20, 2-hour film as Matroska (H.264, cues), 4.8 GB File',
    file: 'longMkv',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    cli: () => cliSeeked('longMkv', 20),
  },
  {
    id: 'n120',
    title: 'avg 20, 2-hour film as Matroska (H.264) without cues, 4.8 GB File',
    file: 'longMkvNoCues',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    cli: () => cliSeeked('longMkvNoCues', 20),
  },
  // The same Matroska on ffmpeg.wasm (as a codec the browser does not decode would be): the same grid, read through
  // mediabunny, instead of ffprobe's list of every packet.
  {
    id: 'm120f',
    title: 'avg 20, 2-hour film as Matroska (H.264, cues), 4.8 GB File, ffmpeg.wasm forced',
    file: 'longMkv',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    engine: 'ffmpeg',
    cli: () => cliSeeked('longMkv', 20),
  },
  // And without cues: the table from the search on bytes; each exec reads the head and the clusters from its key
  // frame's on (a part file), where the CLI's `-ss` reads the file from its start.
  {
    id: 'n120f',
    title: 'avg 20, 2-hour film as Matroska (H.264) without cues, 4.8 GB File, ffmpeg.wasm forced',
    file: 'longMkvNoCues',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    engine: 'ffmpeg',
    cli: () => cliSeeked('longMkvNoCues', 20),
  },
  // The same job on every size (20 frames spread evenly), so that what grows with the file shows, not the job's size.
  {
    id: 'a1',
    title: 'avg 20, MPEG-4 AVI with B-frames, 1 GiB',
    file: 'avi1',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    cli: () => cliSeeked('avi1', 20),
  },
  {
    id: 'a5',
    title: 'avg 20, MPEG-4 AVI with B-frames, 5 GiB',
    file: 'avi5',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    cli: () => cliSeeked('avi5', 20),
  },
  {
    id: 'p1',
    title: 'avg 20, MPEG-4 AVI without B-frames, 1 GiB',
    file: 'aviP1',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    cli: () => cliSeeked('aviP1', 20),
  },
  {
    id: 'p5',
    title: 'avg 20, MPEG-4 AVI without B-frames, 5 GiB',
    file: 'aviP5',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    cli: () => cliSeeked('aviP5', 20),
  },
  {
    id: 't1',
    title: 'avg 20, MPEG-2 in MPEG-TS, 1 GiB',
    file: 'ts1',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    cli: () => cliSeeked('ts1', 20),
  },
  {
    id: 't5',
    title: 'avg 20, MPEG-2 in MPEG-TS, 5 GiB',
    file: 'ts5',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    cli: () => cliSeeked('ts5', 20),
  },
  {
    id: 's1',
    title: 'avg 20, MPEG-2 in MPEG-PS (VOB), 1 GiB',
    file: 'ps1',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    cli: () => cliSeeked('ps1', 20),
  },
  {
    id: 's1k',
    title: 'key frames, MPEG-2 in MPEG-PS (VOB), 1 GiB',
    file: 'ps1',
    options: { f: 'jpg', m: 'key', sw: W, sh: H, tw: 5, th: 4 },
    cli: () => cliKey({ input: 'ps1' }),
  },
  {
    id: 's5',
    title: 'avg 20, MPEG-2 in MPEG-PS (VOB), 5 GiB',
    file: 'ps5',
    options: { f: 'jpg', m: 'avg', num: 20, sw: W, sh: H, tw: 5, th: 4 },
    cli: () => cliSeeked('ps5', 20),
  },
];
const jobs = only ? JOBS.filter((j) => only.includes(j.id)) : JOBS;
const longJobs = !LONG ? [] : only ? LONG_JOBS.filter((j) => only.includes(j.id)) : LONG_JOBS;

function timed(cmd, args) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr.toString().slice(-500)}`);
  return performance.now() - t0;
}

/** The CLI's plain command: decode everything, keep one frame per interval (or the I-frames), tile. */
const cliPlain = (job) =>
  timed('ffmpeg', [
    '-v',
    'error',
    '-i',
    path(job.input),
    '-vf',
    job.plain.vf,
    ...job.plain.extra,
    '-q:v',
    '3',
    'out%d.jpg',
  ]);
/** The CLI's best exact command: one process, one accurately seeked input per target. */
const cliExact = (job) => {
  const args = ['-v', 'error'];
  job.targets.forEach((t) => args.push('-ss', String(t), '-i', path(job.input)));
  job.targets.forEach((_, i) =>
    args.push('-map', `${i}:v`, '-frames:v', '1', '-vf', `scale=${W}:${H}`, '-q:v', '3', `out${i}.jpg`),
  );
  return timed('ffmpeg', args);
};
/** The CLI's best key-frame command: the decoder skips everything but key frames (`extra`: output options). */
const cliKey = (job, extra = []) =>
  timed('ffmpeg', [
    '-v',
    'error',
    '-skip_frame',
    'nokey',
    '-i',
    path(job.input),
    '-vf',
    `scale=${W}:${H}`,
    '-fps_mode',
    'passthrough',
    ...extra,
    '-q:v',
    '3',
    'out%d.jpg',
  ]);
// The CLI's best for `avg` on a big file: one process, one input per target, each seeked there (exact seek), one
// frame from each. Natively this decodes the inputs side by side: 1.79 s for t5 against 11.1 s as 20 separate runs
// (measured 2026-12-05).
const cliSeeked = (input, count) => {
  const duration =
    INPUTS[input].duration ??
    Number(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path(input)], {
        encoding: 'utf8',
      }),
    );
  const inputs = [];
  const outputs = [];
  for (let i = 0; i < count; i++) {
    inputs.push('-ss', ((i * duration) / count).toFixed(3), '-i', path(input));
    outputs.push('-map', `${i}:v:0`, '-frames:v', '1', '-vf', `scale=${W}:${H}`, '-q:v', '3', `out${i}.jpg`);
  }
  return timed('ffmpeg', ['-v', 'error', ...inputs, ...outputs]);
};
// No `-q:v` here, as a developer would write it; with `-q:v 3` the 0.12.10 core dies deterministically ("memory
// access out of bounds") when it flushes a part-filled 6×6 tile of input 1 (measured 2026-11-25).
const wasmArgs = (job) => ['-i', '/in.mp4', '-vf', job.plain.vf, ...job.plain.extra, '/out%d.jpg'];

/** Sum of PSS (bytes) of the Chromium processes started by this script (its descendants named chromium), from /proc. */
function browserPss(rootPid = process.pid) {
  const children = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const ppid = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1];
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(pid);
    } catch {
      // The process exited between readdir and read: it has no children to count.
    }
  }
  let total = 0;
  const stack = [String(rootPid)];
  while (stack.length) {
    const pid = stack.pop();
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'chromium') {
        const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
        if (m) total += Number(m[1]) * 1024;
      }
    } catch {
      // The process exited (or is not ours to read) since the scan: its memory is gone.
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Runs `fn` while sampling the browser's PSS; returns its result and the peak. */
async function withPeak(fn) {
  let peak = 0;
  const sampler = process.platform === 'linux' ? setInterval(() => (peak = Math.max(peak, browserPss())), 250) : null;
  try {
    return { value: await fn(), peak };
  } finally {
    if (sampler) clearInterval(sampler);
  }
}

const median = (xs) => {
  const s = [...xs].filter((x) => x !== undefined).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

console.log('building the bench page…');
execFileSync('npx', ['vite', 'build', '--mode', 'e2e', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
const server = spawn('npx', ['vite', 'preview', '--mode', 'e2e', '--port', String(PORT), '--strictPort'], {
  cwd: root,
  stdio: 'ignore',
  detached: true,
});
try {
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(`http://localhost:${PORT}/bench/page.html`)).ok) break;
    } catch {
      // Not listening yet: try again.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const executablePath = chromiumPath();
  const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS });
  const openPage = async () => {
    const p = await browser.newPage();
    await p.goto(`http://localhost:${PORT}/bench/page.html`);
    await p.waitForFunction(() => window.benchReady === true);
    const files = Object.keys(INPUTS)
      .filter((n) => existsSync(path(n)) && (!INPUTS[n].long || LONG))
      .map(path);
    await p.locator('#file').setInputFiles(files);
    return p;
  };
  let page = await openPage();
  const run = (fn, ...args) => page.evaluate(([f, a]) => window.bench[f](...a), [fn, args]);
  const hardware = await run('hardwareDecoding');

  const results = [];
  for (const job of jobs) {
    const runs = {
      ours: [],
      oursLoad: [],
      oursProbed: [],
      oursFirst: [],
      oursTable: [],
      oursFirstTile: [],
      warmTable: [],
      warmFirstTile: [],
      ffmpeg: [],
      ffmpegLoad: [],
      warm: [],
      warmLoad: [],
      cliPlain: [],
      cliBest: [],
      wasmPlain: [],
      wasmPlainCrashes: 0,
      wasmPlainTimeouts: 0,
      wasmPlainFailures: [],
      peakPss: 0,
      peakPssFfmpeg: 0,
      peakPssWarm: 0,
      tiles: 0,
      engine: null,
      decoded: null,
      loopOurs: [],
      loopMediabunny: [],
      loopFrames: null,
    };
    for (let rep = 0; rep < REPS; rep++) {
      // Interleaved: each repetition runs every contender once, so drift in the machine hits all alike.
      const o = await withPeak(() => run('ours', url(job.input), job.options, DECODERS));
      runs.ours.push(o.value.ms);
      runs.oursLoad.push(o.value.loadMs);
      runs.oursProbed.push(o.value.probedMs);
      runs.oursFirst.push(o.value.firstSheetMs);
      runs.oursTable.push(o.value.tableMs);
      runs.oursFirstTile.push(o.value.firstTileMs);
      runs.tiles = o.value.tiles;
      runs.engine = o.value.engine.used;
      runs.decoded = o.value.engine.decoded ?? null;
      runs.peakPss = Math.max(runs.peakPss, o.peak);
      // The decode loops alone, where WebCodecs runs the job and frames are chosen by time (not key or dhash).
      if (LOOPS && runs.engine === 'webcodecs' && !job.key && job.options.m !== 'dhash') {
        const l = await run('decodeLoops', url(job.input), job.options);
        runs.loopOurs.push(l.oursMs);
        runs.loopMediabunny.push(l.mediabunnyMs);
        runs.loopFrames = { frames: l.frames, ours: l.ours, mediabunny: l.theirs, decoded: l.decoded };
      }
      // The same job on ffmpeg.wasm (the engine for what WebCodecs cannot decode), and on a warm generator.
      const f = await withPeak(() => run('ours', url(job.input), job.options, DECODERS, 'ffmpeg'));
      runs.ffmpeg.push(f.value.ms);
      runs.ffmpegLoad.push(f.value.loadMs);
      runs.peakPssFfmpeg = Math.max(runs.peakPssFfmpeg, f.peak);
      const w = await withPeak(() => run('oursWarm', url(job.input), job.options, DECODERS));
      runs.warm.push(w.value.ms);
      runs.warmLoad.push(w.value.loadMs);
      runs.warmTable.push(w.value.tableMs);
      runs.warmFirstTile.push(w.value.firstTileMs);
      runs.peakPssWarm = Math.max(runs.peakPssWarm, w.peak);
      const line = `  ${job.id} rep ${rep + 1}/${REPS}: ours (${runs.engine}) ${(o.value.ms / 1000).toFixed(2)} s, ffmpeg.wasm ${(f.value.ms / 1000).toFixed(2)} s, warm ${(w.value.ms / 1000).toFixed(2)} s`;
      if (!baselines) {
        console.log(line);
        continue;
      }
      runs.cliPlain.push(cliPlain(job));
      runs.cliBest.push(job.key ? cliKey(job) : job.targets ? cliExact(job) : NaN);
      if (!wasmPlainRuns) {
        console.log(line);
        continue;
      }
      // The naive command can crash or hang the core: record that with its last log lines, and go on in a new page.
      let timer;
      const limit = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), WASM_LIMIT_MS)));
      const plain = await Promise.race([run('plainWasm', url(job.input), wasmArgs(job)).catch((e) => e), limit]);
      clearTimeout(timer);
      if (typeof plain === 'object' && !(plain instanceof Error)) {
        runs.wasmPlain.push(plain.ms);
      } else {
        // A run stopped at the limit took at least that long: it ranks above every finished run in the median.
        if (plain === 'timeout') runs.wasmPlain.push(Infinity);
        const failure =
          plain === 'timeout' ? `no result after ${WASM_LIMIT_MS / 1000} s` : String(plain).split('\n')[0];
        const log = await page.evaluate(() => window.bench.lastLog()).catch(() => '(page gone)');
        if (plain === 'timeout') runs.wasmPlainTimeouts++;
        else runs.wasmPlainCrashes++;
        runs.wasmPlainFailures.push({ failure, log });
        console.log(`  ${job.id}: plain ffmpeg.wasm failed: ${failure}`);
        await page.close().catch(() => {});
        page = await openPage();
      }
      console.log(line);
    }
    results.push({
      id: job.id,
      title: job.title,
      tiles: runs.tiles,
      engine: runs.engine,
      decoded: runs.decoded,
      medians: {
        ours: median(runs.ours),
        oursLoad: median(runs.oursLoad),
        oursProbed: median(runs.oursProbed),
        oursFirst: median(runs.oursFirst),
        oursTable: median(runs.oursTable),
        oursFirstTile: median(runs.oursFirstTile),
        warmTable: median(runs.warmTable),
        warmFirstTile: median(runs.warmFirstTile),
        ffmpeg: median(runs.ffmpeg),
        ffmpegLoad: median(runs.ffmpegLoad),
        warm: median(runs.warm),
        warmLoad: median(runs.warmLoad),
        cliPlain: median(runs.cliPlain),
        cliBest: median(runs.cliBest),
        wasmPlain: median(runs.wasmPlain),
        wasmPlainOverLimit: median(runs.wasmPlain) === Infinity,
        wasmPlainCrashes: runs.wasmPlainCrashes,
        wasmPlainTimeouts: runs.wasmPlainTimeouts,
        loopOurs: runs.loopOurs.length ? median(runs.loopOurs) : null,
        loopMediabunny: runs.loopMediabunny.length ? median(runs.loopMediabunny) : null,
      },
      loopFrames: runs.loopFrames,
      peakBrowserPssBytes: runs.peakPss,
      peakBrowserPssFfmpegBytes: runs.peakPssFfmpeg,
      peakBrowserPssWarmBytes: runs.peakPssWarm,
      runs,
    });
  }

  // A sharp set: job a at 1× and 2× from one decode, against each size alone (interleaved, our side only).
  let sharp = null;
  if (!only || only.includes('s')) {
    const options = { f: 'jpg', inter: 2000, sw: W, sh: H, tw: 10, th: 10, pad: 0, margin: 0 };
    const double = { sw: 2 * W, sh: 2 * H };
    const ms = { one: [], two: [], both: [] };
    for (let rep = 0; rep < REPS; rep++) {
      ms.one.push((await run('ours', url('in1'), options)).ms);
      ms.two.push((await run('ours', url('in1'), { ...options, ...double })).ms);
      ms.both.push((await run('ours', url('in1'), options, undefined, undefined, [double])).ms);
      const sec = (values) => (values.at(-1) / 1000).toFixed(2);
      console.log(`  s rep ${rep + 1}/${REPS}: 1× ${sec(ms.one)} s, 2× ${sec(ms.two)} s, both ${sec(ms.both)} s`);
    }
    sharp = { id: 's', medians: { one: median(ms.one), two: median(ms.two), both: median(ms.both) }, runs: ms };
  }

  const longResults = [];
  // A fresh page: the short jobs' inputs, held in memory as Blobs, would weigh on the long jobs' peak memory.
  if (longJobs.length) {
    await page.close().catch(() => {});
    page = await openPage();
  }
  for (const job of longJobs) {
    const runs = {
      ms: [],
      warm: [],
      warmTable: [],
      cli: [],
      firstTile: [],
      probed: [],
      probe: [],
      first: [],
      peak: 0,
      tiles: 0,
      engine: null,
      decoded: null,
      frameTable: null,
    };
    for (let rep = 0; rep < REPS; rep++) {
      const o = await withPeak(() => run('ours', fileRef(job.file), job.options, DECODERS, job.engine));
      runs.ms.push(o.value.ms);
      runs.probed.push(o.value.tableMs);
      // The probe alone: from the input being open in a started engine (worker, core) to the frame table.
      runs.probe.push(o.value.tableMs - o.value.openedMs);
      runs.first.push(o.value.firstSheetMs);
      runs.firstTile.push(o.value.firstTileMs);
      runs.peak = Math.max(runs.peak, o.peak);
      // Warm: a generator that has run the same job once already (its engine started, its worker's code compiled).
      const w = await run('oursWarm', fileRef(job.file), job.options, DECODERS, job.engine);
      runs.warm.push(w.ms);
      runs.warmTable.push(w.tableMs);
      if (baselines && job.cli) runs.cli.push(job.cli());
      runs.tiles = o.value.tiles;
      runs.engine = o.value.engine.used;
      runs.decoded = o.value.engine.decoded ?? null;
      runs.frameTable = o.value.engine.frameTable;
      console.log(
        `  ${job.id} rep ${rep + 1}/${REPS}: ${(o.value.ms / 1000).toFixed(2)} s (frame table at ${(o.value.tableMs / 1000).toFixed(2)} s, probe ${((o.value.tableMs - o.value.openedMs) / 1000).toFixed(2)} s), warm ${(runs.warm.at(-1) / 1000).toFixed(2)} s`,
      );
    }
    longResults.push({
      id: job.id,
      title: job.title,
      bytes: statSync(path(job.file)).size,
      tiles: runs.tiles,
      engine: runs.engine,
      decoded: runs.decoded,
      frameTable: runs.frameTable,
      medians: {
        ms: median(runs.ms),
        probed: median(runs.probed),
        probe: median(runs.probe),
        first: median(runs.first),
        firstTile: median(runs.firstTile),
        warm: median(runs.warm),
        warmTable: median(runs.warmTable),
        cli: runs.cli.length ? median(runs.cli) : null,
      },
      peakBrowserPssBytes: runs.peak,
      runs,
    });
  }

  const versions = {
    node: process.version,
    chromium: browser.version(),
    ffmpegCli: execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0],
    ffmpegCore: JSON.parse(readFileSync(join(root, 'node_modules/@ffmpeg/core/package.json'), 'utf8')).version,
    ffmpegWrapper: JSON.parse(readFileSync(join(root, 'node_modules/@ffmpeg/ffmpeg/package.json'), 'utf8')).version,
    mediabunny: JSON.parse(readFileSync(join(root, 'node_modules/mediabunny/package.json'), 'utf8')).version,
    videoSprite: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
  };
  await browser.close();

  const s = (ms) =>
    ms === Infinity ? `> ${WASM_LIMIT_MS / 1000}` : Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '—';
  const x = (a, b) =>
    a === Infinity
      ? `> ${(WASM_LIMIT_MS / b).toFixed(1)}×`
      : Number.isFinite(a) && Number.isFinite(b)
        ? `${(a / b).toFixed(2)}×`
        : '—';
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)}`;
  const wasmCell = (m) =>
    m.wasmPlainCrashes ? `${x(m.wasmPlain, m.ours)} (crashed ${m.wasmPlainCrashes}/${REPS})` : x(m.wasmPlain, m.ours);
  console.log(
    `\n${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; hardware video decoding: ${hardware ? 'offered' : 'none (software decoding)'}; medians of ${REPS} interleaved runs (s)\n`,
  );
  console.log(
    '| job | tiles | ours: engine | ours | probed at | first sheet | ours, ffmpeg.wasm | warm (auto) | CLI plain | CLI best | wasm plain | ours/CLI plain | ours/CLI best | wasm plain/ours | peak PSS MiB (auto / ffmpeg.wasm / warm) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const m = r.medians;
    console.log(
      `| ${r.id}: ${r.title} | ${r.tiles} | ${r.engine}${r.decoded !== null ? ` (${r.decoded} decoded)` : ''} | ${s(m.ours)} | ${s(m.oursProbed)} | ${s(m.oursFirst)} | ${s(m.ffmpeg)} | ${s(m.warm)} | ${s(m.cliPlain)} | ${s(m.cliBest)} | ${s(m.wasmPlain)} | ${x(m.ours, m.cliPlain)} | ${x(m.ours, m.cliBest)} | ${wasmCell(m)} | ${mib(r.peakBrowserPssBytes)} / ${mib(r.peakBrowserPssFfmpegBytes)} / ${mib(r.peakBrowserPssWarmBytes)} |`,
    );
  }
  // Cold and warm apart: a one-shot call starts an engine (worker, modules); a warm generator's job starts at once.
  console.log(
    '\n| start and first look | cold: decoding starts | cold: first tile | cold: total | first tile / total | warm: decoding starts | warm: first tile | warm: total |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const msCell = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : '—');
  for (const r of results) {
    const m = r.medians;
    console.log(
      `| ${r.id}: ${r.title} | ${msCell(m.oursTable)} | ${msCell(m.oursFirstTile)} | ${s(m.ours)} | ${(m.oursFirstTile / m.ours).toFixed(3)} | ${msCell(m.warmTable)} | ${msCell(m.warmFirstTile)} | ${s(m.warm)} |`,
    );
  }
  const loops = results.filter((r) => r.medians.loopOurs !== null);
  if (loops.length) {
    console.log(
      '\n| decode loop (WebCodecs, placing included) | frames | ours | mediabunny samplesAtTimestamps | mediabunny/ours |',
    );
    console.log('|---|---|---|---|---|');
    for (const r of loops)
      console.log(
        `| ${r.id}: ${r.title} | ${r.loopFrames.frames} (${r.loopFrames.decoded} fed by ours) | ${s(r.medians.loopOurs)} | ${s(r.medians.loopMediabunny)} | ${x(r.medians.loopMediabunny, r.medians.loopOurs)} |`,
      );
  }
  if (longResults.length) {
    console.log(
      '\n| long input job | file | tiles | engine | frame table from | total | frame table at | probe | first tile | first sheet | warm | CLI best | ours/CLI (cold / warm) | peak PSS |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of longResults) {
      const m = r.medians;
      console.log(
        `| ${r.id}: ${r.title} | ${(r.bytes / 1e9).toFixed(2)} GB | ${r.tiles} | ${r.engine}${r.decoded !== null ? ` (${r.decoded} decoded)` : ''} | ${r.frameTable} | ${s(m.ms)} | ${s(m.probed)} | ${s(m.probe)} | ${s(m.firstTile)} | ${s(m.first)} | ${s(m.warm)} | ${m.cli === null ? '—' : s(m.cli)} | ${m.cli === null ? '—' : `${x(m.ms, m.cli)} / ${x(m.warm, m.cli)}`} | ${mib(r.peakBrowserPssBytes)} MiB |`,
      );
    }
  }
  if (sharp) {
    const m = sharp.medians;
    console.log(
      '\n| sharp set, input 1, inter 2 s (60 tiles) | 1× alone | 2× alone | 1× and 2× from one decode | added to 2× alone | against both alone |',
    );
    console.log('|---|---|---|---|---|---|');
    console.log(
      `| s: ${W}×${H} and ${2 * W}×${2 * H} | ${s(m.one)} | ${s(m.two)} | ${s(m.both)} | ${s(m.both - m.two)} | ${x(m.both, m.one + m.two)} |`,
    );
  }
  const by = Object.fromEntries([...results, ...longResults].map((r) => [r.id, r]));
  const has = (...ids) => ids.every((id) => by[id]);
  const targets = [];
  if (baselines && has('c1', 'c2'))
    targets.push([
      'key mode ≤ 1.0× the CLI best key-frame command (inputs 1 and 2)',
      by.c1.medians.ours <= by.c1.medians.cliBest && by.c2.medians.ours <= by.c2.medians.cliBest,
    ]);
  if (baselines && has('b'))
    targets.push(['inter on input 2 ≤ 0.5× the CLI plain command', by.b.medians.ours <= 0.5 * by.b.medians.cliPlain]);
  if (baselines && has('d', 'e'))
    targets.push([
      'avg and dhash ≤ 1.0× the CLI plain command',
      by.d.medians.ours <= by.d.medians.cliPlain && by.e.medians.ours <= by.e.medians.cliPlain,
    ]);
  if (has('k120')) targets.push(['2-hour file: 100 key frames in ≤ 3 s', by.k120.medians.ms <= 3000]);
  // Issue 18's targets.
  if (has('k120') && by.k120.medians.cli !== null) {
    targets.push([
      '2-hour file, 100 key frames: one-shot ≤ 1.5× the CLI best (-skip_frame nokey)',
      by.k120.medians.ms <= 1.5 * by.k120.medians.cli,
    ]);
    targets.push([
      '2-hour file, 100 key frames: warm ≤ 1.0× the CLI best',
      by.k120.medians.warm <= by.k120.medians.cli,
    ]);
  }
  if (baselines && has('f'))
    targets.push([
      'exact inter on a long-GOP B-frame file (input 3) ≤ 0.5× the CLI plain command',
      by.f.medians.ours <= 0.5 * by.f.medians.cliPlain,
    ]);
  if (has('f'))
    targets.push([
      "first tile within 10 % of the job's time (input 3, 300 tiles)",
      by.f.medians.oursFirstTile <= 0.1 * by.f.medians.ours,
    ]);
  if (results.length)
    targets.push([
      "warm generator: decoding starts within 50 ms of the call (every job's frame table ready)",
      results.every((r) => r.medians.warmTable <= 50),
    ]);
  if (has('t5')) targets.push(['MPEG-TS 5.4 GB, avg 20: ≤ 5 s', by.t5.medians.ms <= 5000]);
  // Index-less containers through WebCodecs: read at both ends and at each target, never in full (n120: Matroska
  // without cues, by the search on bytes for cluster headers).
  for (const id of ['x120', 'm120', 'n120'])
    if (has(id) && by[id].medians.cli !== null)
      targets.push([
        `${id}: 2-hour film, avg 20, frame table from the targets, ≤ 1.5× the CLI's best`,
        by[id].frameTable === 'targets' && by[id].medians.ms <= 1.5 * by[id].medians.cli,
      ]);
  if (has('a1')) targets.push(['MPEG-4 AVI with B-frames 1.1 GB, avg 20: ≤ 2 s', by.a1.medians.ms <= 2000]);
  if (has('k120'))
    targets.push(['file over 2 GiB: frame table in ≤ 2 s', by.k120.bytes > 2 ** 31 && by.k120.medians.probed <= 2000]);
  if (has('i120'))
    targets.push([
      "first sheet within 25 % of the job's time (2-hour inter, 6 sheets)",
      by.i120.medians.first <= 0.25 * by.i120.medians.ms,
    ]);
  if (has('k5', 'k120m'))
    targets.push([
      "peak memory flat in the video's length (the same 36 key frames: 2 h within 10 % of 5 min)",
      by.k120m.peakBrowserPssBytes <= 1.1 * by.k5.peakBrowserPssBytes,
    ]);
  if (has('a1', 'a5', 'p1', 'p5', 't1', 't5')) {
    const peak = (id) => by[id].peakBrowserPssBytes;
    // The probe's own time: the engine's start (about 0.5 s, compiling the core) does not depend on the file.
    const table = (id) => by[id].medians.probe;
    const pairs = [
      ['a1', 'a5'],
      ['p1', 'p5'],
      ['t1', 't5'],
    ];
    targets.push([
      'ffmpeg.wasm path: peak memory flat in file size (5 GiB within 10 % of 1 GiB: both AVIs, MPEG-TS)',
      pairs.every(([s, b]) => peak(b) <= 1.1 * peak(s)),
    ]);
    targets.push(['ffmpeg.wasm path: peak memory never over 1.2 GB', Math.max(...pairs.flat().map(peak)) <= 1.2e9]);
    targets.push([
      'ffmpeg.wasm path: probe time flat in file size, AVI from its index (5 GiB within 10 % of 1 GiB)',
      table('p5') <= 1.1 * table('p1'),
    ]);
    targets.push([
      'ffmpeg.wasm path: probe time flat in file size, AVI with B-frames (index + the headers after the key frames used)',
      table('a5') <= 1.1 * table('a1'),
    ]);
    targets.push([
      'ffmpeg.wasm path: probe time flat in file size, MPEG-TS (no index: windows around the targets)',
      table('t5') <= 1.1 * table('t1'),
    ]);
  }
  if (has('s1', 's5')) {
    targets.push([
      'ffmpeg.wasm path: probe time flat in file size, MPEG-PS (no index: windows around the targets)',
      by.s5.medians.probe <= 1.1 * by.s1.medians.probe,
    ]);
    targets.push([
      'ffmpeg.wasm path: peak memory flat in file size, MPEG-PS (5 GiB within 10 % of 1 GiB)',
      by.s5.peakBrowserPssBytes <= 1.1 * by.s1.peakBrowserPssBytes,
    ]);
  }
  if (has('b', 'c2', 'd'))
    targets.push([
      'peak browser memory under 1.5 GB on input 2 (every engine)',
      Math.max(
        ...['b', 'c2', 'd'].flatMap((id) => [
          by[id].peakBrowserPssBytes,
          by[id].peakBrowserPssFfmpegBytes,
          by[id].peakBrowserPssWarmBytes,
        ]),
      ) < 1.5e9,
    ]);
  if (sharp)
    targets.push([
      'sharp set: 1× and 2× from one decode ≤ 0.75× the two sizes made one after the other',
      sharp.medians.both <= 0.75 * (sharp.medians.one + sharp.medians.two),
    ]);
  console.log('\nTargets:');
  for (const [name, ok] of targets) console.log(`  ${ok ? 'met   ' : 'MISSED'} ${name}`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const out = join(root, 'bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: {
          cores: cpus().length,
          memoryBytes: totalmem(),
          cpu: cpus()[0]?.model,
          hardwareVideoDecoding: hardware,
        },
        versions,
        reps: REPS,
        decoders: DECODERS ?? 'default',
        wasmLimitMs: WASM_LIMIT_MS,
        results,
        sharp,
        longResults,
        targets: Object.fromEntries(targets),
      },
      (_, v) => (v === Infinity ? 'over the limit' : v),
      2,
    ),
  );
  console.log(`\nwrote ${out}`);
} finally {
  try {
    process.kill(-server.pid);
  } catch {
    // The preview server is already gone.
  }
}
