// The contract between a Decoder (engine worker) and its decoder worker (ffmpeg.worker.ts), over comlink.

import type { ShowinfoFrame } from './probe-parse.js';

/** What one call to ffmpeg or ffprobe gave back. */
export interface CoreRun {
  /** The exit code (0 = success). */
  code: number;
  /** The call's log lines, the most recent ones only when it logged more than the worker keeps. */
  log: string[];
  /** Every frame showinfo reported during the call, read from the log as it arrived (never trimmed). */
  frames: ShowinfoFrame[];
}

/** What a decoder worker says while a call runs: a frame logged, or only that it is still working. */
export type DecoderEvent = 'frame' | 'alive';

/** The decoder worker's API. Paths are in the core's in-memory file system. */
export interface DecoderWorkerApi {
  /**
   * Instantiates the core from `module` (compiled once by the engine, shared by its decoders). `onEvent` hears, while
   * a call runs, `'frame'` for each frame showinfo logs (live progress inside a long exec) and `'alive'` now and then
   * while the core reads, writes or logs (signs of life for the job's watchdog).
   */
  load(module: WebAssembly.Module, onEvent: (event: DecoderEvent) => void): Promise<void>;
  /** Runs ffmpeg with `args`. */
  exec(args: string[]): CoreRun;
  /** Runs ffprobe with `args`. */
  ffprobe(args: string[]): CoreRun;
  /** The log lines of the last call, also when it threw. */
  lastLog(): string[];
  /** Makes `dir` if it does not exist. */
  ensureDir(dir: string): void;
  /** Copies `data` into a file. */
  writeFile(path: string, data: Uint8Array): void;
  /** Reads a file and deletes it; null when there is none (ffmpeg wrote nothing). */
  takeFile(path: string): Uint8Array | null;
  /** Deletes a file. */
  deleteFile(path: string): void;
  /** Mounts `blob` read-only as `dir/name` (WORKERFS), read in place. */
  mount(dir: string, name: string, blob: Blob): void;
  /** Unmounts `dir`. */
  unmount(dir: string): void;
}
