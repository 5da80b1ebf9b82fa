// Runs one sprite job inside the worker: probe, decide, extract, composite, encode, sheet by sheet.

import { DhashSelector, dhash64 } from '../core/dhash.js';
import { SpriteError } from '../core/errors.js';
import { cellOfFrame, planGeometry, type FramePlacement, type SheetLayout } from '../core/geometry.js';
import { sheetFileName, sizedTemplate } from '../core/names.js';
import { formatRefused, type ResolvedOptions, type SheetEncoder, type SpriteFormat } from '../core/options.js';
import { progressReporter, type SpritePhase } from '../core/progress.js';
import { avoided, frameFlaw, tileAlternatives, type SkipRule } from '../core/frame-quality.js';
import { avgTargets, interTargets, lostTargets, selectFrames, type Capture } from '../core/selection.js';
import { displaySize } from '../core/source.js';
import type { Tile } from '../core/tile.js';
import type { EngineEvent, EngineJob, EngineSummary, SpriteSheet } from '../protocol/engine-api.js';
import type { DecodedFrame, FrameRequest, FrameSource, OpenOptions } from './frame-source.js';
import { Watchdog, type Watch } from './watchdog.js';

/** Sends an event to the main thread; the promise settles once it has been delivered. */
export type Emit = (e: EngineEvent) => Promise<void>;

/** Where a tile's picture landed on its sheet, px. */
export type TileRect = Pick<Tile, 'x' | 'y' | 'w' | 'h'>;

/** Draws the cells of one sheet at a time and encodes it when asked: OffscreenCanvas in the worker, a fake in tests. */
export interface SheetSink {
  /** Which encoder {@link SheetSink.finish} uses. */
  readonly encoder: SheetEncoder;
  /** Copies a placed frame into cell `k` of the current sheet; returns where its picture landed. */
  draw(k: number, frame: DecodedFrame): TileRect;
  /**
   * The frame's picture as a bitmap of its own, for a `tile` event (only asked for when someone listens). Its pixels
   * are taken before this returns: the frame's buffer may be reused once the frame is placed.
   */
  picture(frame: DecodedFrame): Promise<ImageBitmap>;
  /** Encodes the current sheet (all black if nothing was drawn) and starts a fresh one. */
  finish(): Promise<Blob>;
}

/** What a job needs from its surroundings; the worker passes the real ones, unit tests fakes. */
export interface JobDeps {
  /** Opens the input with a decoder (called once, when the load phase starts). */
  openSource(options: Pick<OpenOptions, 'keyOnly' | 'targets' | 'watch'>): Promise<FrameSource>;
  /** Makes the sheet drawer for the job's grid (frames land at `placement.dst` in their cells). */
  createSink(layout: SheetLayout, placement: FramePlacement, format: SpriteFormat, quality: number): SheetSink;
  /** The MIME type the sheet encoder really gives for `format` (checked before anything is decoded). */
  encodedType(format: SpriteFormat): Promise<string>;
  /** Sends an event to the main thread. */
  emit: Emit;
}

/** RGBA: the channel count of every decoded frame, as dhash64 needs it. */
const RGBA_CHANNELS = 4;

type Report = (phase: SpritePhase, fraction?: number) => Promise<void>;

/** Puts frames on sheets in order and hands each sheet over as soon as it is full. */
class SheetWriter {
  private sheetTiles: Tile[] = [];
  private placed = 0;
  /** Settles once every tile event so far has been sent (in order). */
  private tilesSent: Promise<void> = Promise.resolve();

  constructor(
    private readonly job: EngineJob,
    private readonly layout: SheetLayout,
    private readonly sink: SheetSink,
    private readonly emit: Emit,
    private readonly progress: Report,
    private readonly watch: Watch,
    /** Which size of the job this writes: 0 for the options' own, then `job.extraSizes` in order. */
    private readonly set = 0,
  ) {}

  /** The file name of sheet `index` of this writer's size. */
  nameOf(index: number): string {
    const template = this.set === 0 ? this.job.nameTemplate : sizedTemplate(this.job.nameTemplate, this.layout.cell);
    return sheetFileName(template, index, this.job.options.f);
  }

  /**
   * Draws the next frame in its cell (and sends it as a `tile` event when asked to); a full sheet is encoded and sent
   * before this settles.
   */
  async place(frame: DecodedFrame): Promise<void> {
    const { sheet, k } = cellOfFrame(this.layout, this.placed);
    const tile: Tile = { sheet, ...this.sink.draw(k, frame), time: frame.time };
    this.sheetTiles.push(tile);
    // The pictures of the options' own size only: the other sizes show the same frames.
    if (this.job.tiles && this.set === 0) {
      const { columns, width, height } = this.layout;
      const drawn = { tile, index: this.placed, column: k % columns, row: Math.floor(k / columns) };
      // Made while decoding goes on (awaiting each picture here would hold the decoder up by a task or two a tile),
      // and sent in order: the sheet waits for its tiles to have been sent (see close). Not awaited once sent, as
      // progress is not: the port keeps the order, so every tile still arrives before its sheet.
      const picture = this.sink.picture(frame);
      this.tilesSent = Promise.all([picture, this.tilesSent]).then(([image]) => {
        void this.emit({ type: 'tile', drawn: { ...drawn, sheetWidth: width, sheetHeight: height, image } });
      });
    }
    this.placed++;
    if (k === this.layout.perSheet - 1) await this.close(sheet);
  }

  /** Sends the last, part-filled sheet, if any. */
  async end(): Promise<void> {
    if (this.sheetTiles.length > 0) await this.close(cellOfFrame(this.layout, this.placed - 1).sheet);
  }

  private async close(index: number): Promise<void> {
    // The phase only: a sheet encoded mid-job does not move the fraction, which follows the targets decoded.
    void this.progress('encode');
    const waiting = this.watch.current;
    this.watch.stage('encode');
    const blob = await this.sink.finish();
    await this.tilesSent;
    this.watch.stage(waiting);
    const { options } = this.job;
    // Checked on every sheet too, not only up front: a name must never say another format than the file has.
    const refused = formatRefused(options.f, blob.type);
    if (refused) throw refused;
    const sheet: SpriteSheet = {
      index,
      name: this.nameOf(index),
      width: this.layout.width,
      height: this.layout.height,
      blob,
      type: blob.type,
      encoder: this.sink.encoder,
      tiles: this.sheetTiles,
    };
    this.sheetTiles = [];
    // Awaited: sheets must reach the caller before the job's result, which travels on another channel.
    await this.emit({ type: 'sheet', sheet, set: this.set });
  }
}

/**
 * Refuses sizes of a sharp set whose pictures have another shape than the first's (more than a pixel of rounding
 * apart): they are scaled from one decoded frame, which would stretch.
 */
function checkSameAspect(placements: readonly FramePlacement[]): void {
  const [first, ...others] = placements.map((p) => p.dst);
  others.forEach((dst, i) => {
    const expectedWidth = (dst.height * first!.width) / first!.height;
    if (Math.abs(dst.width - expectedWidth) <= 1) return;
    throw new SpriteError(
      'INVALID_OPTION',
      `extraSizes[${i}] gives pictures of ${dst.width} × ${dst.height} px, another shape than the job's ${first!.width} × ${first!.height}: the sizes of a sharp set are scaled from one decoded frame. Give a size of the same aspect ratio (e.g. sw ${Math.round((dst.height * first!.width) / first!.height)} for sh ${dst.height}).`,
      { param: 'extraSizes', details: { index: i, width: dst.width, height: dst.height } },
    );
  });
}

/**
 * dhash mode (SPEC §3.4): hashes each candidate and keeps those that changed enough. Without a frame limit a kept
 * frame is final at once; with one, a later candidate may still evict it, so at most `num` frames wait for the end.
 */
async function decodeDhash(
  source: FrameSource,
  req: FrameRequest,
  opts: ResolvedOptions,
  place: (f: DecodedFrame) => Promise<void>,
  onProgress: (done: number) => void,
): Promise<number> {
  const selector = new DhashSelector({ thr: opts.thr, num: opts.num });
  const held = new Map<number, DecodedFrame>();
  let received = 0;
  await source.frames(
    req,
    async (frame) => {
      const id = received++;
      // An avoided frame is no candidate: the scene change it would mark is kept by the next candidate that is not.
      if (avoided(frameFlaw(frame.data, frame.width, frame.height), opts.skip)) return;
      const verdict = selector.push({
        id,
        time: frame.time,
        hash: dhash64(frame.data, frame.width, frame.height, RGBA_CHANNELS),
      });
      if (!verdict.kept) return;
      if (opts.num === 0) return place(frame);
      if (verdict.evicted) held.delete(verdict.evicted.id);
      // A copy: the frame's pixels may be a view of a whole exec's output, which would stay alive with it.
      held.set(id, { ...frame, data: frame.data.slice() });
    },
    onProgress,
  );
  if (opts.num > 0) {
    for (const kept of selector.result()) await place(held.get(kept.id)!);
  }
  return received;
}

/** How many more frames of an avoided tile's interval each round tries, round after round, nearest first. */
const SKIP_ROUNDS = [4, 16, 64, Infinity];

/**
 * `skip` in inter and avg modes: decodes one sheet's tiles at a time (what a sheet holds is what is kept), and for
 * each tile whose frame `rule` avoids, tries the other frames of its interval, nearest first, in rounds that widen
 * (SKIP_ROUNDS), all avoided tiles of the sheet in one decode per round; the nearest frame not avoided takes the
 * tile, with its own time. A tile none of whose frames will do keeps its own. Returns how many tiles got a frame.
 */
async function decodeSkipping(
  source: FrameSource,
  req: FrameRequest,
  captures: readonly Capture[],
  alternatives: readonly (readonly number[])[],
  rule: SkipRule,
  perSheet: number,
  place: (f: DecodedFrame) => Promise<void>,
  onProgress: (done: number) => void,
): Promise<number> {
  const good = (frame: DecodedFrame) => !avoided(frameFlaw(frame.data, frame.width, frame.height), rule);
  // Copies: a frame's pixels may be a view of a whole exec's output, reused for the next.
  const keep = (frame: DecodedFrame): DecodedFrame => ({ ...frame, data: frame.data.slice() });
  let received = 0;
  for (let from = 0; from < captures.length; from += perSheet) {
    const chunk = captures.slice(from, from + perSheet);
    const tiles = new Map<number, DecodedFrame>();
    await source.frames(
      { times: chunk.map((c) => c.time), placement: req.placement },
      (frame) => void tiles.set(frame.time, keep(frame)),
      (done) => onProgress(from + done),
    );
    received += tiles.size;
    // Each avoided tile: its index in the chunk, and how many of its alternatives have been tried.
    let pending = chunk
      .map((c, k) => ({ k, tried: 0 }))
      .filter(({ k }) => {
        const frame = tiles.get(chunk[k]!.time);
        return frame !== undefined && !good(frame);
      });
    for (let round = 0; pending.length > 0; round++) {
      const size = SKIP_ROUNDS[Math.min(round, SKIP_ROUNDS.length - 1)]!;
      const tries = pending.map((p) => alternatives[from + p.k]!.slice(p.tried, p.tried + size));
      // Intervals do not overlap: each time tried belongs to one tile, at one rank of nearness.
      const owner = new Map<number, { i: number; rank: number }>();
      tries.forEach((list, i) => list.forEach((t, rank) => owner.set(t, { i, rank })));
      // Only each tile's nearest good frame so far is kept, so a wide round holds no more than a frame a tile.
      const best: ({ rank: number; frame: DecodedFrame } | undefined)[] = [];
      if (owner.size > 0)
        await source.frames({ times: [...owner.keys()].sort((a, b) => a - b), placement: req.placement }, (frame) => {
          const tried = owner.get(frame.time);
          if (!tried || (best[tried.i]?.rank ?? Infinity) < tried.rank || !good(frame)) return;
          best[tried.i] = { rank: tried.rank, frame: keep(frame) };
        });
      pending = pending.filter((p, i) => {
        const found = best[i];
        if (found) tiles.set(chunk[p.k]!.time, found.frame);
        p.tried += tries[i]!.length;
        return !found && p.tried < alternatives[from + p.k]!.length;
      });
    }
    for (const capture of chunk) {
      const frame = tiles.get(capture.time);
      if (frame) await place(frame);
    }
  }
  return received;
}

/**
 * Runs the job against the decoder `deps.openSource` gives; resolves once every sheet has been delivered. A job that
 * shows no sign of life for `config.stallTimeoutMs` rejects (see watchdog.ts), whatever it was waiting on.
 */
export async function runJob(job: EngineJob, deps: JobDeps): Promise<EngineSummary> {
  const watchdog = new Watchdog(job.config.stallTimeoutMs, typeof job.input === 'string');
  try {
    return await Promise.race([watchedJob(job, deps, watchdog), watchdog.stalled]);
  } finally {
    watchdog.stop();
  }
}

async function watchedJob(job: EngineJob, deps: JobDeps, watch: Watch): Promise<EngineSummary> {
  const progress = progressReporter((p) => deps.emit({ type: 'progress', ...p }));
  const opts = job.options;
  void progress('load', 0);
  // Before any decoder loads: a format this browser cannot encode is the caller's to change, at once.
  const refused = formatRefused(opts.f, await deps.encodedType(opts.f));
  if (refused) throw refused;
  const source = await deps.openSource({
    keyOnly: opts.m === 'key',
    // The same targets the selection below takes frames for (dhash's candidates are inter's).
    targets:
      opts.m === 'key'
        ? undefined
        : (facts) => {
            const targets = opts.m === 'avg' ? avgTargets(opts, facts) : interTargets(opts, facts);
            // Avoiding frames needs every frame of each tile's interval listed, not only the frames at the targets.
            return opts.skip !== 'none' && opts.m !== 'dhash' ? 'every' : targets;
          },
    watch,
  });
  try {
    void progress('load', 1);
    watch.stage('probe');
    const { table, source: info, truncatedFromMs } = await source.probe();
    void progress('probe', 1);
    const display = displaySize(info);
    const { sw: _sw, sh: _sh, psw: _psw, psh: _psh, ...sizeless } = opts;
    const plans = [opts, ...job.extraSizes.map((size) => ({ ...sizeless, ...size }))].map((o) =>
      planGeometry(o, display, info.rotation),
    );
    // One decode for every size (a sharp set): frames are decoded for the largest cell and scaled down for the others,
    // which must show the same picture, so the same aspect ratio.
    const decodeAt = plans.reduce((a, b) => (b.placement.dst.width > a.placement.dst.width ? b : a)).placement;
    checkSameAspect(plans.map((p) => p.placement));
    const { layout } = plans[0]!;
    const captures = selectFrames(table, opts);
    const times = captures.map((c) => c.time);
    const writers = plans.map((plan, set) => {
      const writer = new SheetWriter(
        job,
        plan.layout,
        deps.createSink(plan.layout, plan.placement, opts.f, opts.q),
        deps.emit,
        progress,
        watch,
        set,
      );
      // The longest name the job can write, checked before decoding rather than when that sheet is full.
      writer.nameOf(Math.max(0, Math.ceil(times.length / plan.layout.perSheet) - 1));
      return writer;
    });
    const place = async (frame: DecodedFrame) => {
      for (const writer of writers) await writer.place(frame);
    };
    const onProgress = (done: number) => {
      watch.alive();
      void progress('decode', times.length ? done / times.length : 1);
    };
    watch.stage('decode');

    const req: FrameRequest = { times, placement: decodeAt };
    let received = 0;
    if (opts.m === 'dhash') {
      received = await decodeDhash(source, req, opts, place, onProgress);
    } else if (opts.skip !== 'none') {
      const alternatives = tileAlternatives(captures, table);
      received = await decodeSkipping(
        source,
        req,
        captures,
        alternatives,
        opts.skip,
        layout.perSheet,
        place,
        onProgress,
      );
    } else {
      await source.frames(
        req,
        (frame) => {
          received++;
          return place(frame);
        },
        onProgress,
      );
    }
    if (received === 0 && times.length > 0) {
      throw new SpriteError(
        'DECODE_FAILED',
        `None of the ${times.length} chosen frames could be decoded: the file may be truncated or corrupt.`,
        {
          details: { planned: times.length },
        },
      );
    }
    for (const writer of writers) await writer.end();
    // Awaited for the same reason as sheets: the last report (1) arrives before the result, never after.
    await progress('encode', 1);
    const lost = truncatedFromMs === null ? 0 : lostTargets(opts, table, truncatedFromMs, times.length);
    return {
      source: info,
      display,
      cell: layout.cell,
      sheetSize: { width: layout.width, height: layout.height },
      extraSizes: plans.slice(1).map((p) => ({
        cell: p.layout.cell,
        sheetSize: { width: p.layout.width, height: p.layout.height },
      })),
      missed: times.length - received + lost,
      engine: source.report(),
    };
  } finally {
    await source.close();
  }
}
