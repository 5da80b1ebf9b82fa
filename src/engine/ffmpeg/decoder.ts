// One ffmpeg.wasm core in its own nested worker (ffmpeg.worker.ts), loaded once and kept warm between jobs; each job
// attaches its input (copied into the heap or mounted in place) and detaches it at the end.

import { proxy, transfer, wrap, type Remote } from 'comlink';
import { SpriteError } from '../../core/errors.js';
import { DECODER_READY, setupHint, workerFailure, workerReady } from '../../shared/load-failure.js';
import { UNWATCHED, type Watch } from '../watchdog.js';
import type { DecoderEvent, DecoderWorkerApi } from './decoder-api.js';
import { commandError, missingDecoder, type ShowinfoFrame } from './probe-parse.js';

const INPUT_DIR = '/input';
/** Where an exec's part of the input is mounted (see attachPart): a name ffmpeg reads as Matroska by its bytes. */
const PART_DIR = '/part';
const PART_NAME = 'part.mkv';
/** Longest input file name kept in the heap's file system (the extension is what matters, to some demuxers). */
const MAX_INPUT_NAME = 100;
/**
 * How long a decoder worker may take to start running its script. Ours says so at once (WebKit takes a few seconds
 * to start one); silence past this means the URL holds something else and the job must not wait for ever.
 */
const WORKER_START_TIMEOUT_MS = 10_000;

/** Where a decoder comes from: its worker script, and the core's module compiled once by the engine. */
export interface CoreSource {
  /** Absolute URL of the decoder worker (`ffmpeg.worker.js`), as the app's bundler emitted it. */
  workerURL: string;
  /** The ffmpeg core's WebAssembly, compiled (once per engine). */
  module: () => Promise<WebAssembly.Module>;
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
  return (
    name
      .replace(/[^\w.-]+/g, '_')
      .replace(/^\.+/, '')
      .slice(-MAX_INPUT_NAME) || 'input.bin'
  );
}

/** One ffmpeg.wasm core with, during a job, the input attached. It runs one exec at a time. */
export class Decoder {
  /** Rejects once the nested worker dies: every call races it, so a dead worker never leaves a call pending. */
  private readonly died: Promise<never>;
  private attached: 'copy' | 'mount' | null = null;
  private partAttached = false;
  /** Set once a call failed: the core's state is unknown, so the engine replaces this decoder. */
  broken = false;
  /** Log lines of the last call (the most recent ones, for error messages). */
  log: string[] = [];
  /** Every frame showinfo reported during the last call, in order. */
  frames: ShowinfoFrame[] = [];
  /** Called for each frame showinfo reports while an exec runs: live progress inside one long exec. */
  onFrameLogged: (() => void) | null = null;
  /** The watchdog of the job this decoder works for: told of every sign of life, and of each call's stage. */
  watch: Watch = UNWATCHED;
  /** Path of the attached input in the core's file system. */
  inputPath = '';

  private constructor(
    private readonly worker: Worker,
    private readonly api: Remote<DecoderWorkerApi>,
    died: Promise<never>,
  ) {
    this.died = died;
  }

  /** Starts a core; rejects with ENGINE_FAILED naming the URL that failed, and why, within moments of the failure. */
  static async load(core: CoreSource): Promise<Decoder> {
    let worker: Worker;
    try {
      worker = new Worker(core.workerURL, { type: 'module', name: 'video-sprite-ffmpeg' });
    } catch (e) {
      // A Content-Security-Policy without this origin in worker-src makes the constructor itself throw.
      throw new SpriteError(
        'ENGINE_FAILED',
        `The ffmpeg worker could not be started from ${core.workerURL}: ${String(e)}. ${setupHint(core.workerURL)}`,
        { cause: e, details: { url: core.workerURL } },
      );
    }
    const died = workerFailure(worker, core.workerURL, 'ffmpeg worker');
    const decoder = new Decoder(worker, wrap<DecoderWorkerApi>(worker), died);
    try {
      const [module] = await Promise.all([
        core.module(),
        workerReady(worker, core.workerURL, 'ffmpeg worker', DECODER_READY, died, WORKER_START_TIMEOUT_MS),
      ]);
      const onEvent = (event: DecoderEvent) => {
        decoder.watch.alive();
        if (event === 'frame') decoder.onFrameLogged?.();
      };
      await Promise.race([decoder.api.load(module, proxy(onEvent)), died]).catch((e: unknown) => {
        if (e instanceof SpriteError) throw e;
        throw new SpriteError(
          'ENGINE_FAILED',
          `The ffmpeg core did not start in the worker at ${core.workerURL}: ${e instanceof Error ? e.message : String(e)}.`,
          { cause: e, details: { url: core.workerURL } },
        );
      });
      return decoder;
    } catch (e) {
      decoder.terminate();
      throw e;
    }
  }

  /** Runs a call to the core, failing it at once if the worker dies; any failure marks the decoder broken. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await Promise.race([run(), this.died]);
    } catch (e) {
      this.broken = true;
      if (e instanceof SpriteError) throw e;
      const log = await Promise.race([this.api.lastLog(), this.died]).catch(() => this.log);
      throw new SpriteError('ENGINE_FAILED', `The ffmpeg core failed: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
        details: { log: log.slice(-20) },
      });
    }
  }

  /** Makes `input` readable at {@link Decoder.inputPath}: copied into the heap when `copy`, else mounted in place. */
  async attach(input: Blob, copy: boolean): Promise<void> {
    const name = inputName(input);
    await this.call(async () => {
      await this.api.ensureDir(INPUT_DIR);
      if (copy) {
        const data = new Uint8Array(await input.arrayBuffer());
        await this.api.writeFile(`${INPUT_DIR}/${name}`, transfer(data, [data.buffer]));
      } else {
        // WORKERFS reads the Blob lazily: a file larger than the wasm heap still works, at slower reads.
        await this.api.mount(INPUT_DIR, name, input);
      }
    });
    this.attached = copy ? 'copy' : 'mount';
    this.inputPath = `${INPUT_DIR}/${name}`;
  }

  /**
   * Mounts `part` (a file made of pieces of the input, for one exec) beside the input, and returns its path; the
   * next attachPart or detachPart unmounts it.
   */
  async attachPart(part: Blob): Promise<string> {
    await this.detachPart();
    await this.call(async () => {
      await this.api.ensureDir(PART_DIR);
      await this.api.mount(PART_DIR, PART_NAME, part);
    });
    this.partAttached = true;
    return `${PART_DIR}/${PART_NAME}`;
  }

  /** Unmounts the part attachPart mounted, if any. */
  async detachPart(): Promise<void> {
    if (!this.partAttached) return;
    this.partAttached = false;
    await this.call(() => this.api.unmount(PART_DIR));
  }

  /** Frees the input (the copy or the mount), keeping the core loaded for the next job. */
  async detach(): Promise<void> {
    const was = this.attached;
    this.attached = null;
    if (was === 'copy') await this.call(() => this.api.deleteFile(this.inputPath));
    else if (was === 'mount') await this.call(() => this.api.unmount(INPUT_DIR));
  }

  /** Runs ffprobe writing to `out` and returns that file's text ('' when ffprobe wrote nothing). */
  async probe(args: string[], out: string): Promise<string> {
    this.watch.stage('probe');
    const run = await this.call(() => this.api.ffprobe([...args, '-o', out]));
    this.log = run.log;
    this.frames = run.frames;
    // ffprobe writes no file when it cannot open the input: the log then says why.
    const data = await this.call(() => this.api.takeFile(out));
    return data ? new TextDecoder().decode(data) : '';
  }

  /**
   * Runs one ffmpeg command; returns its exit code (the log says why when it is not 0). A command ffmpeg refuses (a
   * filter or an option of ours) is an INTERNAL error, never taken for a damaged file.
   */
  async exec(args: string[]): Promise<number> {
    this.watch.stage('exec');
    const run = await this.call(() => this.api.exec(args));
    this.log = run.log;
    this.frames = run.frames;
    // A codec this core cannot decode (AV1): said as such, never taken for a damaged file with no frames. ffmpeg may
    // still exit 0 (its AV1 decoder fails frame by frame), so the log decides.
    const missing = missingDecoder(run.log);
    if (missing) throw missing;
    const refused = commandError(run.code, run.log, args);
    if (refused) throw refused;
    return run.code;
  }

  /**
   * Runs one exec writing raw RGBA to `output` and splits it into frames of `frameBytes`, each paired with the pts
   * showinfo printed for it. A run that wrote nothing (a seek past the end, a damaged stretch) gives no frames.
   */
  async extract(args: string[], output: string, frameBytes: number): Promise<RawFrame[]> {
    await this.exec(args);
    const infos = this.frames;
    const raw = (await this.call(() => this.api.takeFile(output))) as Uint8Array<ArrayBuffer> | null;
    if (!raw) return [];
    const count = Math.min(infos.length, Math.floor(raw.length / frameBytes));
    // Views, not copies: the frames share the buffer the worker transferred to us.
    return Array.from({ length: count }, (_, i) => ({
      absSec: infos[i]!.pts,
      data: raw.subarray(i * frameBytes, (i + 1) * frameBytes),
    }));
  }

  /** Stops the core and its worker at once, freeing its heap. */
  terminate(): void {
    this.worker.terminate();
  }
}
