// One ffmpeg.wasm core in its own nested worker (through @ffmpeg/ffmpeg), loaded once and kept warm between jobs;
// each job attaches its input (copied into the heap or mounted in place) and detaches it at the end.

import { FFFSType, FFmpeg } from '@ffmpeg/ffmpeg';
import { SpriteError } from '../../core/errors.js';
import { describeLoadFailure, workerFailure } from '../../shared/load-failure.js';
import { whileSeeingWorkers, type WorkersSeen } from '../../shared/workers-seen.js';
import { parseShowinfo } from './probe-parse.js';

const INPUT_DIR = '/input';
/** A showinfo line describing one frame (not its config or side-data lines). */
const SHOWINFO_FRAME = /Parsed_showinfo.*\bn:\s*\d+\s+pts:/;
/**
 * Log lines kept per call: a long exec logs a few lines per frame, and only the recent ones explain a failure (the
 * showinfo lines of one exec, at most MAX_FRAMES_PER_EXEC frames, stay well inside).
 */
const LOG_LINES_KEPT = 4000;
/** Longest input file name kept in the heap's file system (the extension is what matters, to some demuxers). */
const MAX_INPUT_NAME = 100;

/** Where the ffmpeg core is loaded from. */
export interface CoreLocation {
  /** Absolute URL of `ffmpeg-core.js` (ESM build). */
  coreURL: string;
  /** Absolute URL of `ffmpeg-core.wasm`. */
  wasmURL: string;
}

/** A frame an exec delivered: its exact absolute time (s) and its RGBA pixels. */
export interface RawFrame {
  /** Presentation time, s on the container's timeline. */
  absSec: number;
  /** RGBA pixels: a view into the exec's output buffer. */
  data: Uint8Array<ArrayBuffer>;
}

/** The input's file name in the heap: the user's own (its extension helps demuxers of raw streams), made safe. */
function inputName(input: Blob): string {
  const name = input instanceof File ? input.name : '';
  return name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '').slice(-MAX_INPUT_NAME) || 'input.bin';
}

/** One ffmpeg.wasm core with, during a job, the input attached. It runs one exec at a time. */
export class Decoder {
  private readonly ffmpeg = new FFmpeg();
  /** Rejects once the nested worker dies: every call races it, so a dead worker never leaves a call pending. */
  private readonly died: Promise<never>;
  private die: (error: SpriteError) => void = () => {};
  private attached: 'copy' | 'mount' | null = null;
  /** Set once a call failed: the core's state is unknown, so the engine replaces this decoder. */
  broken = false;
  /** Recent log lines of the current call. */
  log: string[] = [];
  /** Called for each frame showinfo reports while an exec runs: live progress inside one long exec. */
  onFrameLogged: (() => void) | null = null;
  /** Path of the attached input in the core's file system. */
  inputPath = '';

  private constructor() {
    this.died = new Promise<never>((_, reject) => (this.die = reject));
    this.died.catch(() => {});
    this.ffmpeg.on('log', ({ message }) => {
      if (this.log.length > LOG_LINES_KEPT) this.log.splice(0, LOG_LINES_KEPT / 2);
      this.log.push(message);
      if (this.onFrameLogged && SHOWINFO_FRAME.test(message)) this.onFrameLogged();
    });
  }

  /** Starts a core; rejects with ENGINE_FAILED naming the URL that failed, and why, within moments of the failure. */
  static async load(core: CoreLocation): Promise<Decoder> {
    const decoder = new Decoder();
    try {
      await decoder.start(core);
      return decoder;
    } catch (e) {
      decoder.terminate();
      throw e;
    }
  }

  private async start(core: CoreLocation): Promise<void> {
    const seen: WorkersSeen = { workers: [], urls: [] };
    let loading: Promise<unknown>;
    try {
      loading = whileSeeingWorkers(seen, () => this.ffmpeg.load({ coreURL: core.coreURL, wasmURL: core.wasmURL }));
    } catch (e) {
      // A Content-Security-Policy without this origin in worker-src makes the constructor itself throw.
      throw new SpriteError('ENGINE_FAILED', `The ffmpeg worker could not be started from ${seen.urls[0] ?? 'its URL'}: ${String(e)}`, { cause: e });
    }
    const worker = seen.workers[0];
    if (worker) void workerFailure(worker, seen.urls[0]!, 'ffmpeg worker').catch((e: SpriteError) => this.die(e));
    try {
      await Promise.race([loading, this.died]);
    } catch (e) {
      if (e instanceof SpriteError) throw e;
      throw await coreLoadError(core, e);
    }
  }

  /** Runs a call to the core, failing it at once if the worker dies; any failure marks the decoder broken. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await Promise.race([run(), this.died]);
    } catch (e) {
      this.broken = true;
      throw e instanceof SpriteError ? e : new SpriteError('ENGINE_FAILED', `The ffmpeg core failed: ${String(e)}`, { cause: e, details: { log: this.log.slice(-20) } });
    }
  }

  /** Makes `input` readable at {@link Decoder.inputPath}: copied into the heap when `copy`, else mounted in place. */
  async attach(input: Blob, copy: boolean): Promise<void> {
    const name = inputName(input);
    await this.call(async () => {
      await this.ffmpeg.createDir(INPUT_DIR).catch(() => false); // exists after the first job
      if (copy) {
        await this.ffmpeg.writeFile(`${INPUT_DIR}/${name}`, new Uint8Array(await input.arrayBuffer()));
      } else {
        // WORKERFS reads the Blob lazily: a file larger than the wasm heap still works, at slower reads.
        await this.ffmpeg.mount(FFFSType.WORKERFS, { blobs: [{ name, data: input }] }, INPUT_DIR);
      }
    });
    this.attached = copy ? 'copy' : 'mount';
    this.inputPath = `${INPUT_DIR}/${name}`;
  }

  /** Frees the input (the copy or the mount), keeping the core loaded for the next job. */
  async detach(): Promise<void> {
    const was = this.attached;
    this.attached = null;
    if (was === 'copy') await this.call(() => this.ffmpeg.deleteFile(this.inputPath));
    else if (was === 'mount') await this.call(() => this.ffmpeg.unmount(INPUT_DIR));
  }

  /** Runs ffprobe writing to `out` and returns that file's text ('' when ffprobe wrote nothing). */
  async probe(args: string[], out: string): Promise<string> {
    this.log = [];
    await this.call(() => this.ffmpeg.ffprobe([...args, '-o', out]));
    // ffprobe writes no file when it cannot open the input: the log then says why.
    const listing = await this.call(() => this.ffmpeg.listDir('/'));
    if (!listing.some((node) => `/${node.name}` === out)) return '';
    const text = new TextDecoder().decode((await this.call(() => this.ffmpeg.readFile(out))) as Uint8Array);
    await this.call(() => this.ffmpeg.deleteFile(out));
    return text;
  }

  /** Runs one ffmpeg command; returns its exit code (the log says why when it is not 0). */
  async exec(args: string[]): Promise<number> {
    this.log = [];
    return this.call(() => this.ffmpeg.exec(args));
  }

  /**
   * Runs one exec writing raw RGBA to `output` and splits it into frames of `frameBytes`, each paired with the pts
   * showinfo printed for it. A run that wrote nothing (a seek past the end, a damaged stretch) gives no frames.
   */
  async extract(args: string[], output: string, frameBytes: number): Promise<RawFrame[]> {
    await this.exec(args);
    const infos = parseShowinfo(this.log);
    const listing = await this.call(() => this.ffmpeg.listDir('/'));
    if (!listing.some((node) => `/${node.name}` === output)) return [];
    const raw = (await this.call(() => this.ffmpeg.readFile(output))) as Uint8Array<ArrayBuffer>;
    await this.call(() => this.ffmpeg.deleteFile(output));
    const count = Math.min(infos.length, Math.floor(raw.length / frameBytes));
    // Views, not copies: the frames share the buffer the worker transferred to us.
    return Array.from({ length: count }, (_, i) => ({ absSec: infos[i]!.pts, data: raw.subarray(i * frameBytes, (i + 1) * frameBytes) }));
  }

  /** Stops the core and its worker at once, freeing its heap. */
  terminate(): void {
    this.ffmpeg.terminate();
  }
}

/** ENGINE_FAILED for a core that would not load, naming the file at fault and why. */
async function coreLoadError(core: CoreLocation, cause: unknown): Promise<SpriteError> {
  const raw = String(cause);
  // @ffmpeg/ffmpeg's worker imports the core with import(): only the ESM build has the default export it needs.
  if (/failed to import ffmpeg-core\.js/.test(raw)) {
    return new SpriteError(
      'ENGINE_FAILED',
      `The ffmpeg core at ${core.coreURL} loaded but is not the ESM build: coreURL must point to @ffmpeg/core's dist/esm/ffmpeg-core.js (the UMD build, the package's main, does not work in a module worker).`,
      { cause, details: { url: core.coreURL } },
    );
  }
  // A failed import names its URL; a wasm that would not compile does not, but says WebAssembly.
  const imported = /dynamically imported module: (\S+)/.exec(raw)?.[1];
  const wasm = !imported && /wasm|WebAssembly|magic word|CompileError|both async and sync fetching/i.test(raw);
  const url = imported ?? (wasm ? core.wasmURL : core.coreURL);
  const why = await describeLoadFailure(url, wasm ? 'wasm' : 'script');
  return new SpriteError('ENGINE_FAILED', `The ffmpeg core could not be loaded from ${url}: ${why}. (${raw})`, { cause, details: { url } });
}
