// A job's watchdog: a decoder that stops answering (an ffmpeg exec caught in a loop, a WebCodecs flush that never
// settles, a server that stops sending mid-read) must end the job with a typed error, not hang it for ever. The job's
// parts report signs of life as they work; silence for longer than the limit fails the job, naming what it waited on.

import { SpriteError } from '../core/errors.js';
import { waitForSilence, type Silence } from '../shared/silence.js';

/** What a job can be waiting on when it stops moving. */
export type StallStage = 'load' | 'probe' | 'read' | 'exec' | 'decode' | 'flush' | 'encode';

const WAITING_ON: Record<StallStage, string> = {
  load: 'starting the decoder',
  probe: 'reading the container',
  read: 'waiting for the video’s data',
  exec: 'running ffmpeg.wasm',
  decode: 'decoding frames',
  flush: 'flushing the browser’s decoder',
  encode: 'encoding a sheet',
};

/** The signs of life a job's parts give while they work. */
export interface Watch {
  /** Something moved: a packet read, a frame decoded, a log line written. */
  alive(): void;
  /** What the job waits on from now (also a sign of life). */
  stage(stage: StallStage): void;
  /** What the job waits on now. */
  readonly current: StallStage;
  /**
   * Marks `read` as a read of the input: a sign of life when it settles, and while it is pending, a stall is the
   * input's source's (a server that stopped sending), not the decoder's. `atLeastMs`: a read that shows no progress
   * until it is done (a whole-file download) is given at least this long.
   */
  reading<T>(read: Promise<T>, atLeastMs?: number): Promise<T>;
}

/**
 * Least time the `load` stage is given, ms, whatever the limit. Loading a decoder (fetching and compiling the 32 MB
 * core, starting its workers) shows no life until it is done, and takes about 6 s in WebKit; its own failures have
 * their own bounds (a worker that does not start within 10 s, a fetch that fails).
 */
export const LOAD_STAGE_MIN_MS = 30_000;

/** A watch that never fails: for a source used outside a job. */
export const UNWATCHED: Watch = { alive() {}, stage() {}, current: 'load', reading: (read) => read };

/** Fails {@link Watchdog.stalled} once no sign of life came for `limitMs`. */
export class Watchdog implements Watch {
  current: StallStage = 'load';
  /** Rejects with the stall's error; never resolves. */
  readonly stalled: Promise<never>;
  /** The pending reads, each with the least time it is given (0: the limit). */
  private readonly pendingReads = new Map<symbol, number>();
  private readonly silence: Silence;

  /** `fromUrl`: the input is read from a server, so a stall while reading is the server's (FETCH_FAILED). */
  constructor(limitMs: number, fromUrl: boolean) {
    // The limit, or a floor where the job waits on something that shows no life until it ends.
    const limit = () =>
      Math.max(limitMs, this.current === 'load' ? LOAD_STAGE_MIN_MS : 0, ...this.pendingReads.values());
    this.silence = waitForSilence(
      limitMs,
      (crossed) => stallError(this.pendingReads.size > 0 ? 'read' : this.current, crossed, fromUrl),
      limit,
    );
    this.stalled = this.silence.stalled;
  }

  alive(): void {
    this.silence.heard();
  }

  stage(stage: StallStage): void {
    this.current = stage;
    this.alive();
  }

  async reading<T>(read: Promise<T>, atLeastMs = 0): Promise<T> {
    const id = Symbol('read');
    this.pendingReads.set(id, atLeastMs);
    try {
      return await read;
    } finally {
      this.pendingReads.delete(id);
      this.alive();
    }
  }

  /** Stops watching (the job has ended). */
  stop(): void {
    this.silence.stop();
  }
}

/**
 * The error for a job that stopped moving. A stall while reading a URL is the server's; any other is the decoder's,
 * and the caller's engine worker is then replaced (the client terminates it on ENGINE_FAILED and on any stall).
 */
export function stallError(stage: StallStage, limitMs: number, fromUrl: boolean): SpriteError {
  const seconds = `${Math.round(limitMs / 100) / 10} s`;
  const details = { stalled: true, stage, stallTimeoutMs: limitMs };
  if (stage === 'read' && fromUrl) {
    return new SpriteError(
      'FETCH_FAILED',
      `The video's server sent nothing for ${seconds} while the job was ${WAITING_ON.read}: the job was stopped.`,
      {
        param: 'input',
        details,
      },
    );
  }
  return new SpriteError(
    'ENGINE_FAILED',
    `The decoder made no progress for ${seconds} while ${WAITING_ON[stage]} (stage: ${stage}): the job was stopped and its workers freed. A slow device may need a larger stallTimeoutMs.`,
    { details },
  );
}
