// The worker each ffmpeg.wasm decoder runs in. @ffmpeg/core's JavaScript glue is bundled in (prepared at build time by
// tools/ffmpeg-core-glue.mjs), so nothing is imported at run time and no URL is left for an app's bundler to rewrite;
// the core is instantiated from the WebAssembly module the engine compiled once; its stack leak is repaired
// (stack-repair.ts) and its reads of mounted files are made in large blocks (workerfs-reads.ts). decoder.ts drives it.

import createFFmpegCore from '@ffmpeg/core';
import { expose, transfer } from 'comlink';
import { DECODER_READY } from '../../shared/load-failure.js';
import type { CoreRun, DecoderWorkerApi } from './decoder-api.js';
import { ShowinfoReader } from './probe-parse.js';
import { repairStackLeak, type CoreModule } from './stack-repair.js';
import { readWorkerfsInBlocks, type WorkerfsCore } from './workerfs-reads.js';

/**
 * Log lines kept per call: a long exec logs a few lines per frame, and only the recent ones explain a failure (the
 * showinfo lines of one exec, at most MAX_FRAMES_PER_EXEC frames, stay well inside).
 */
const LOG_LINES_KEPT = 4000;
/**
 * Least time between two signs of life sent to the engine, ms: the core reads and writes in 32 KB pieces, hundreds of
 * times a second, and one message each would flood the channel; the watchdog's limit is seconds.
 */
const ALIVE_EVERY_MS = 250;

/** The parts of the Emscripten module and its FS that the decoder uses. */
interface FfmpegCore extends CoreModule {
  FS: WorkerfsCore['FS'] & {
    read(...args: unknown[]): number;
    write(...args: unknown[]): number;
    filesystems: Record<string, unknown>;
    analyzePath(path: string): { exists: boolean };
    mkdir(path: string): void;
    writeFile(path: string, data: Uint8Array): void;
    readFile(path: string): Uint8Array;
    unlink(path: string): void;
    mount(type: unknown, options: unknown, mountpoint: string): void;
    unmount(mountpoint: string): void;
  };
  setLogger(logger: (entry: { type: string; message: string }) => void): void;
  setTimeout(ms: number): void;
  reset(): void;
  ret: number;
}

let core: FfmpegCore | null = null;
/** The current call's log lines, trimmed from the oldest: for error messages only. */
let log: string[] = [];
/** The current call's frames, read from each line as it arrives. */
let showinfo = new ShowinfoReader();

function loaded(): FfmpegCore {
  if (!core) throw new Error('the ffmpeg core is not loaded');
  return core;
}

/** Runs ffmpeg or ffprobe and reads its exit code as @ffmpeg/ffmpeg's worker does (the core keeps it in `ret`). */
function runCore(call: 'exec' | 'ffprobe', args: string[]): CoreRun {
  const c = loaded();
  log = [];
  showinfo = new ShowinfoReader();
  c.setTimeout(-1);
  c[call](...args);
  const code = c.ret;
  c.reset();
  return { code, log, frames: showinfo.frames };
}

const api: DecoderWorkerApi = {
  async load(module, onEvent) {
    const created = (await createFFmpegCore({
      // The engine compiled the module once for all its decoders: instantiate it here instead of fetching the wasm.
      instantiateWasm(
        imports: WebAssembly.Imports,
        done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
      ) {
        void WebAssembly.instantiate(module, imports).then((instance) => done(instance, module));
        return {};
      },
    })) as FfmpegCore;
    repairStackLeak(created);
    const reader = new FileReaderSync();
    // Deprecated yet kept by every browser; blob-reads.ts says why a string suits us.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    readWorkerfsInBlocks(created, (blob) => reader.readAsBinaryString(blob));
    let lastAlive = 0;
    const alive = () => {
      const now = Date.now();
      if (now - lastAlive < ALIVE_EVERY_MS) return;
      lastAlive = now;
      onEvent('alive');
    };
    // Every file access of the core goes through FS.read and FS.write: a decoder at work reads its input and writes
    // its frames all the time, even through a long stretch it logs nothing about.
    const read = created.FS.read.bind(created.FS);
    const write = created.FS.write.bind(created.FS);
    created.FS.read = (...args) => {
      alive();
      return read(...args);
    };
    created.FS.write = (...args) => {
      alive();
      return write(...args);
    };
    created.setLogger(({ message }) => {
      if (log.length > LOG_LINES_KEPT) log.splice(0, LOG_LINES_KEPT / 2);
      log.push(message);
      if (showinfo.push(message)) onEvent('frame');
      else alive();
    });
    core = created;
  },
  exec: (args) => runCore('exec', args),
  ffprobe: (args) => runCore('ffprobe', args),
  lastLog: () => log,
  ensureDir(dir) {
    if (!loaded().FS.analyzePath(dir).exists) loaded().FS.mkdir(dir);
  },
  writeFile: (path, data) => loaded().FS.writeFile(path, data),
  takeFile(path) {
    const fs = loaded().FS;
    if (!fs.analyzePath(path).exists) return null;
    const data = fs.readFile(path);
    fs.unlink(path);
    // Handed over, not copied: the file can be hundreds of MB of raw frames.
    return transfer(data, [data.buffer]);
  },
  deleteFile: (path) => loaded().FS.unlink(path),
  mount(dir, name, blob) {
    const fs = loaded().FS;
    fs.mount(fs.filesystems.WORKERFS, { blobs: [{ name, data: blob }] }, dir);
  },
  unmount: (dir) => loaded().FS.unmount(dir),
};

expose(api);
// Said once the script has run: a worker URL that an app's build turned into something else never says it.
self.postMessage(DECODER_READY);
