// `npm run bench`: our speed and memory against the tools people would use instead, measured in the same run.
// Needs Debian's ffmpeg and chromium (apt-get install ffmpeg chromium). Inputs are generated once into bench/.cache/.
// Prints a table and writes bench/results/<timestamp>.json. Targets are reported, never asserted.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../tools/chromium.mjs';

const root = join(import.meta.dirname, '..');
const cache = join(root, 'bench', '.cache');
const work = join(cache, 'work');
const REPS = Number(process.env.BENCH_REPS ?? 3);
const PORT = 4180;

function need(cmd) {
  if (spawnSync(cmd, ['-version']).status !== 0 && spawnSync('which', [cmd]).status !== 0) {
    console.error(`npm run bench needs ${cmd}: apt-get install -y ffmpeg chromium`);
    process.exit(2);
  }
}
need('ffmpeg');
const executablePath = chromiumPath();

// Inputs, generated once. (1): 120 s 720p30 H.264 with B-frames, key every 2 s, noisy so it does not compress away.
// (2): 300 s 1080p30 H.264 with a strict 250-frame GOP.
const INPUTS = {
  in1: { file: 'in1-720p-120s.mp4', duration: 120, args: ['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=120', '-vf', 'noise=alls=6:allf=t', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-bf', '2', '-pix_fmt', 'yuv420p'] },
  in2: { file: 'in2-1080p-300s.mp4', duration: 300, args: ['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30:duration=300', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '250', '-keyint_min', '250', '-sc_threshold', '0', '-pix_fmt', 'yuv420p'] },
};
mkdirSync(cache, { recursive: true });
for (const [name, input] of Object.entries(INPUTS)) {
  const path = join(cache, input.file);
  if (!existsSync(path)) {
    console.log(`generating ${name} (${input.file})…`);
    execFileSync('ffmpeg', ['-v', 'error', ...input.args, '-y', `${path}.part.mp4`], { stdio: 'inherit' });
    execFileSync('mv', [`${path}.part.mp4`, path]);
  }
}
const path = (name) => join(cache, INPUTS[name].file);
const url = (name) => `/bench-inputs/${INPUTS[name].file}`;

// The jobs of the issue, each with the equivalent CLI and ffmpeg.wasm commands.
const W = 256;
const H = 144;
// The plain command a developer would write: decode everything, keep what is wanted, scale, tile. For key frames that
// is the usual `select='eq(pict_type,I)'` filter (the CLI's best key-frame command is the -skip_frame one below).
const plainFilter = (fps, tile) => ({ vf: `fps=${fps},scale=${W}:${H},tile=${tile}`, extra: [] });
const plainKey = { vf: `select='eq(pict_type\\,I)',scale=${W}:${H},tile=10x10`, extra: ['-fps_mode', 'vfr'] };
const interTargets = (name, every) => Array.from({ length: Math.ceil(INPUTS[name].duration / every) }, (_, i) => i * every);
const JOBS = [
  { id: 'a', title: 'inter 2 s, input 1 (60 tiles)', input: 'in1', options: { f: 'jpg', inter: 2000, sw: W, sh: H, tw: 6, th: 6 }, plain: plainFilter('1/2', '6x6'), targets: interTargets('in1', 2) },
  { id: 'b', title: 'inter 10 s, input 2 (30 tiles)', input: 'in2', options: { f: 'jpg', inter: 10000, sw: W, sh: H, tw: 6, th: 5 }, plain: plainFilter('1/10', '6x5'), targets: interTargets('in2', 10) },
  { id: 'c1', title: 'key frames, input 1', input: 'in1', options: { f: 'jpg', m: 'key', sw: W, sh: H, tw: 10, th: 10 }, plain: plainKey, key: true },
  { id: 'c2', title: 'key frames, input 2', input: 'in2', options: { f: 'jpg', m: 'key', sw: W, sh: H, tw: 10, th: 10 }, plain: plainKey, key: true },
  { id: 'd', title: 'avg 100, input 2', input: 'in2', options: { f: 'jpg', m: 'avg', num: 100, sw: W, sh: H, tw: 10, th: 10 }, plain: plainFilter('1/3', '10x10'), targets: Array.from({ length: 100 }, (_, i) => (i * 300) / 100) },
  { id: 'e', title: 'dhash 1 s thr 10, input 1', input: 'in1', options: { f: 'jpg', m: 'dhash', inter: 1000, thr: 10, sw: W, sh: H, tw: 10, th: 10 }, plain: plainFilter('1', '10x10') },
];

// BENCH_JOBS=a,c1 runs only those jobs (a quick check); the targets need the full set.
const only = process.env.BENCH_JOBS?.split(',');
// BENCH_BASELINES=0 times only our side (a quick check while working on the engine).
const baselines = process.env.BENCH_BASELINES !== '0';
// BENCH_DECODERS=n runs our side with n decoders instead of the default (one per core, at most 4).
const DECODERS = process.env.BENCH_DECODERS ? Number(process.env.BENCH_DECODERS) : undefined;
const jobs = only ? JOBS.filter((j) => only.includes(j.id)) : JOBS;

function timed(cmd, args) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr.toString().slice(-500)}`);
  return performance.now() - t0;
}

/** The CLI's plain command: decode everything, keep one frame per interval (or the I-frames), tile. */
const cliPlain = (job) => timed('ffmpeg', ['-v', 'error', '-i', path(job.input), '-vf', job.plain.vf, ...job.plain.extra, '-q:v', '3', 'out%d.jpg']);
/** The CLI's best exact command: one process, one accurately seeked input per target. */
const cliExact = (job) => {
  const args = ['-v', 'error'];
  job.targets.forEach((t) => args.push('-ss', String(t), '-i', path(job.input)));
  job.targets.forEach((_, i) => args.push('-map', `${i}:v`, '-frames:v', '1', '-vf', `scale=${W}:${H}`, '-q:v', '3', `out${i}.jpg`));
  return timed('ffmpeg', args);
};
/** The CLI's best key-frame command: the decoder skips everything but key frames. */
const cliKey = (job) => timed('ffmpeg', ['-v', 'error', '-skip_frame', 'nokey', '-i', path(job.input), '-vf', `scale=${W}:${H}`, '-fps_mode', 'passthrough', '-q:v', '3', 'out%d.jpg']);
// No `-q:v` here, as a developer would write it; with `-q:v 3` the 0.12.10 core dies deterministically ("memory
// access out of bounds") when it flushes a part-filled 6×6 tile of input 1 (measured 2026-11-25).
const wasmArgs = (job) => ['-i', '/in.mp4', '-vf', job.plain.vf, ...job.plain.extra, '/out%d.jpg'];
// A run of the plain ffmpeg.wasm command past this is stopped and counted as "over the limit" (a lower bound), so a
// hung core cannot hold the bench forever.
const WASM_LIMIT_MS = Number(process.env.BENCH_WASM_LIMIT_S ?? 300) * 1000;

/** Sum of PSS (bytes) of the Chromium processes started by this script (its descendants named chromium), from /proc. */
function browserPss(rootPid = process.pid) {
  const children = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const ppid = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1];
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(pid);
    } catch {}
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
    } catch {}
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

console.log('building the bench page…');
execFileSync('npx', ['vite', 'build', '--mode', 'e2e', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
const server = spawn('npx', ['vite', 'preview', '--mode', 'e2e', '--port', String(PORT), '--strictPort'], { cwd: root, stdio: 'ignore', detached: true });
try {
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(`http://localhost:${PORT}/bench/page.html`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  const browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: CHROMIUM_ARGS,
  });
  const openPage = async () => {
    const p = await browser.newPage();
    await p.goto(`http://localhost:${PORT}/bench/page.html`);
    await p.waitForFunction(() => window.benchReady === true);
    return p;
  };
  let page = await openPage();

  const results = [];
  for (const job of jobs) {
    const runs = { ours: [], oursLoad: [], oursProbed: [], warm: [], warmLoad: [], peakPssWarm: 0, cliPlain: [], cliBest: [], wasmPlain: [], wasmPlainCrashes: 0, wasmPlainTimeouts: 0, wasmPlainFailures: [], peakPss: 0, tiles: 0 };
    for (let rep = 0; rep < REPS; rep++) {
      // Interleaved: each repetition runs every contender once, so drift in the machine hits all alike.
      let peak = 0;
      const sampler = process.platform === 'linux' ? setInterval(() => (peak = Math.max(peak, browserPss())), 250) : null;
      const o = await page.evaluate(([u, opts, d]) => window.bench.ours(u, opts, d), [url(job.input), job.options, DECODERS]);
      if (sampler) clearInterval(sampler);
      runs.ours.push(o.ms);
      runs.oursLoad.push(o.loadMs);
      runs.oursProbed.push(o.probedMs);
      runs.tiles = o.tiles;
      runs.peakPss = Math.max(runs.peakPss, peak);
      // The same job on a warm generator (engine kept from an earlier job): what a page that runs again pays.
      let warmPeak = 0;
      const warmSampler = process.platform === 'linux' ? setInterval(() => (warmPeak = Math.max(warmPeak, browserPss())), 250) : null;
      const warmRun = await page.evaluate(([u, opts, d]) => window.bench.oursWarm(u, opts, d), [url(job.input), job.options, DECODERS]);
      if (warmSampler) clearInterval(warmSampler);
      runs.warm.push(warmRun.ms);
      runs.warmLoad.push(warmRun.loadMs);
      runs.peakPssWarm = Math.max(runs.peakPssWarm, warmPeak);
      if (!baselines) {
        process.stdout.write(`  ${job.id} rep ${rep + 1}/${REPS}: ours ${(o.ms / 1000).toFixed(2)} s, warm ${(warmRun.ms / 1000).toFixed(2)} s\n`);
        continue;
      }
      runs.cliPlain.push(cliPlain(job));
      runs.cliBest.push(job.key ? cliKey(job) : job.targets ? cliExact(job) : NaN);
      // The naive command can crash or hang the core: record that with its last log lines, and go on in a new page.
      let timer;
      const limit = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), WASM_LIMIT_MS)));
      const w = await Promise.race([
        page.evaluate(([u, a]) => window.bench.plainWasm(u, a), [url(job.input), wasmArgs(job)]).catch((e) => e),
        limit,
      ]);
      clearTimeout(timer);
      if (typeof w === 'object' && !(w instanceof Error)) {
        runs.wasmPlain.push(w.ms);
      } else {
        // A run stopped at the limit took at least that long: it ranks above every finished run in the median.
        if (w === 'timeout') runs.wasmPlain.push(Infinity);
        const failure = w === 'timeout' ? `no result after ${WASM_LIMIT_MS / 1000} s` : String(w).split('\n')[0];
        const log = await page.evaluate(() => window.bench.lastLog()).catch(() => '(page gone)');
        if (w === 'timeout') runs.wasmPlainTimeouts++;
        else runs.wasmPlainCrashes++;
        runs.wasmPlainFailures.push({ failure, log });
        process.stdout.write(`  ${job.id}: plain ffmpeg.wasm failed: ${failure}\n`);
        await page.close().catch(() => {});
        page = await openPage();
      }
      process.stdout.write(`  ${job.id} rep ${rep + 1}/${REPS}: ours ${(o.ms / 1000).toFixed(2)} s, warm ${(warmRun.ms / 1000).toFixed(2)} s\n`);
    }
    results.push({
      id: job.id,
      title: job.title,
      tiles: runs.tiles,
      medians: {
        ours: median(runs.ours),
        oursLoad: median(runs.oursLoad),
        oursProbed: median(runs.oursProbed),
        warm: median(runs.warm),
        warmLoad: median(runs.warmLoad),
        cliPlain: median(runs.cliPlain),
        cliBest: median(runs.cliBest),
        wasmPlain: median(runs.wasmPlain),
        wasmPlainOverLimit: median(runs.wasmPlain) === Infinity,
        wasmPlainCrashes: runs.wasmPlainCrashes,
        wasmPlainTimeouts: runs.wasmPlainTimeouts,
      },
      peakBrowserPssBytes: runs.peakPss,
      peakBrowserPssWarmBytes: runs.peakPssWarm,
      runs,
    });
  }
  const versions = {
    node: process.version,
    chromium: browser.version(),
    ffmpegCli: execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0],
    ffmpegCore: JSON.parse(readFileSync(join(root, 'node_modules/@ffmpeg/core/package.json'), 'utf8')).version,
    ffmpegWrapper: JSON.parse(readFileSync(join(root, 'node_modules/@ffmpeg/ffmpeg/package.json'), 'utf8')).version,
    videoSprite: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
  };
  await browser.close();

  const s = (ms) => (ms === Infinity ? `> ${WASM_LIMIT_MS / 1000}` : Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '—');
  const x = (a, b) => (a === Infinity ? `> ${(WASM_LIMIT_MS / b).toFixed(1)}×` : Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}×` : '—');
  const wasmCell = (m) => (m.wasmPlainCrashes ? `${x(m.wasmPlain, m.ours)} (crashed ${m.wasmPlainCrashes}/${REPS})` : x(m.wasmPlain, m.ours));
  console.log(`\n${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; medians of ${REPS} interleaved runs (s)\n`);
  console.log('| job | tiles | ours | loaded at | probed at | warm | warm loaded at | CLI plain | CLI best | wasm plain | ours/CLI plain | ours/CLI best | warm/CLI best | wasm plain/ours | peak browser PSS (one-shot / warm) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const m = r.medians;
    console.log(`| ${r.id}: ${r.title} | ${r.tiles} | ${s(m.ours)} | ${s(m.oursLoad)} | ${s(m.oursProbed)} | ${s(m.warm)} | ${s(m.warmLoad)} | ${s(m.cliPlain)} | ${s(m.cliBest)} | ${s(m.wasmPlain)} | ${x(m.ours, m.cliPlain)} | ${x(m.ours, m.cliBest)} | ${x(m.warm, m.cliBest)} | ${wasmCell(m)} | ${(r.peakBrowserPssBytes / 2 ** 20).toFixed(0)} / ${(r.peakBrowserPssWarmBytes / 2 ** 20).toFixed(0)} MiB |`);
  }
  const by = Object.fromEntries(results.map((r) => [r.id, r]));
  // Every job on the input must beat the plain ffmpeg.wasm command by the factor. A plain command that crashed every
  // time has no time to compare; ours finished, so it counts as beaten (the table says it crashed).
  const beatsWasm = (input, factor) => results.filter((r) => jobs.find((j) => j.id === r.id).input === input)
    .every((r) => r.runs.wasmPlain.length === 0 || r.medians.wasmPlain >= factor * r.medians.ours);
  const targets = only || !baselines ? [] : [
    ['exact inter within 2× of the CLI plain command, input 1', by.a.medians.ours <= 2 * by.a.medians.cliPlain],
    ['exact inter faster than the CLI plain command, input 2', by.b.medians.ours < by.b.medians.cliPlain],
    ['key mode within 1.5× of the CLI best key-frame command (both inputs)', by.c1.medians.ours <= 1.5 * by.c1.medians.cliBest && by.c2.medians.ours <= 1.5 * by.c2.medians.cliBest],
    ['every job ≥ 2× faster than plain ffmpeg.wasm, input 1', beatsWasm('in1', 2)],
    ['every job ≥ 3× faster than plain ffmpeg.wasm, input 2', beatsWasm('in2', 3)],
    ['peak browser memory under 1.5 GB on input 2', Math.max(...['b', 'c2', 'd'].flatMap((id) => [by[id].peakBrowserPssBytes, by[id].peakBrowserPssWarmBytes])) < 1.5e9],
  ];
  console.log('\nTargets:');
  for (const [name, ok] of targets) console.log(`  ${ok ? 'met   ' : 'MISSED'} ${name}`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const out = join(root, 'bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: { cores: cpus().length, memoryBytes: totalmem(), cpu: cpus()[0]?.model }, versions, reps: REPS, decoders: DECODERS ?? 'default', wasmLimitMs: WASM_LIMIT_MS, results, targets: Object.fromEntries(targets) }, (_, v) => (v === Infinity ? 'over the limit' : v), 2));
  console.log(`\nwrote ${out}`);
} finally {
  try {
    process.kill(-server.pid);
  } catch {}
}
