// Runs one sprite job inside the worker: probe, decide, extract, composite, encode, sheet by sheet.

import { DhashSelector, dhash64 } from '../core/dhash.js';
import { SpriteError } from '../core/errors.js';
import { cellOfFrame, planGeometry } from '../core/geometry.js';
import { sheetFileName } from '../core/names.js';
import { lostTargets, selectFrames, selectInter, type Capture } from '../core/selection.js';
import { displaySize } from '../core/source.js';
import type { Tile } from '../core/tile.js';
import type { EngineEvent, EngineJob, EngineSheet, EngineSummary, SpritePhase } from '../protocol/engine-api.js';
import { SheetCompositor } from './compositor.js';
import type { DecodedFrame, FrameSource } from './frame-source.js';

/** Share of the overall progress each phase covers; decoding dominates every job. */
const WEIGHTS: Record<SpritePhase, [number, number]> = {
  load: [0, 0.1],
  probe: [0.1, 0.15],
  decode: [0.15, 0.97],
  encode: [0.97, 1],
};

/** Sends an event to the main thread; the promise settles once it has been delivered. */
export type Emit = (e: EngineEvent) => Promise<void>;

/** Reports progress that only ever grows, whatever order the phases report in. */
function progressReporter(emit: Emit): (phase: SpritePhase, fraction: number) => Promise<void> {
  let last = 0;
  return (phase, fraction) => {
    const [from, to] = WEIGHTS[phase];
    const overall = Math.max(last, from + (to - from) * Math.min(1, Math.max(0, fraction)));
    last = overall;
    return emit({ type: 'progress', phase, fraction: overall });
  };
}

/** Runs the job on an opened source; `openSource` is called once the load phase starts. */
export async function runJob(
  job: EngineJob,
  openSource: () => Promise<FrameSource>,
  emit: Emit,
): Promise<EngineSummary> {
  const progress = progressReporter(emit);
  const opts = job.options;
  progress('load', 0);
  const source = await openSource();
  try {
    progress('load', 1);
    const probe = await source.probe();
    progress('probe', 1);
    const { table, source: info, truncatedFromMs } = probe;
    const facts = { durationMs: table.durationMs, frameIntervalMs: table.frameIntervalMs };
    const display = displaySize(info);
    const geometry = planGeometry(opts, display);
    const { layout, placement } = geometry;
    // dhash candidates are taken like inter captures; the others are final choices already.
    const captures: Capture[] = opts.m === 'dhash' ? selectInter(table.frames, opts, facts) : selectFrames(table.frames, opts, facts);
    const times = captures.map((c) => c.time);
    const lost = truncatedFromMs === null ? 0 : lostTargets(opts, facts, truncatedFromMs, captures.length);

    const compositor = new SheetCompositor(layout, placement, opts.f, opts.q);
    const sheets: EngineSheet[] = [];
    const tiles: Tile[] = [];
    let sheetTiles: Tile[] = [];
    let placed = 0;

    const place = (frame: DecodedFrame): Promise<void> | void => {
      const { sheet, k } = cellOfFrame(layout, placed);
      const rect = compositor.draw(k, frame);
      const tile: Tile = { sheet, ...rect, time: frame.time };
      sheetTiles.push(tile);
      tiles.push(tile);
      placed++;
      if (k === layout.perSheet - 1) return closeSheet(sheet);
    };
    const closeSheet = async (index: number): Promise<void> => {
      progress('encode', 0);
      const blob = await compositor.finish();
      const sheet: EngineSheet = {
        index,
        name: sheetFileName(job.nameTemplate, index, opts.f),
        width: layout.width,
        height: layout.height,
        blob,
        tiles: sheetTiles,
      };
      sheetTiles = [];
      sheets.push(sheet);
      // Awaited: sheets must reach the caller before the job's result, which travels on another channel.
      await emit({ type: 'sheet', sheet });
    };

    let received = 0;
    const onDecodeProgress = (done: number) => progress('decode', times.length ? done / times.length : 1);
    if (opts.m === 'dhash') {
      const selector = new DhashSelector({ thr: opts.thr, num: opts.num });
      // With a frame limit a later candidate may still evict an earlier one, so cells wait until the end (at most num).
      const held = new Map<number, DecodedFrame>();
      let id = 0;
      await source.frames({ times, placement, keyOnly: false }, (frame) => {
        received++;
        const verdict = selector.push({ id, time: frame.time, hash: dhash64(frame.data, frame.width, frame.height, 4) });
        id++;
        if (!verdict.kept) return;
        if (opts.num === 0) return place(frame);
        if (verdict.evicted) held.delete(verdict.evicted.id);
        held.set(id - 1, frame);
      }, onDecodeProgress);
      if (opts.num > 0) {
        for (const kept of selector.result()) {
          const frame = held.get(kept.id);
          if (frame) await place(frame);
        }
      }
    } else {
      await source.frames({ times, placement, keyOnly: opts.m === 'key' }, (frame) => {
        received++;
        return place(frame);
      }, onDecodeProgress);
    }
    if (received === 0 && times.length > 0) {
      throw new SpriteError('DECODE_FAILED', `None of the ${times.length} chosen frames could be decoded: the file may be truncated or corrupt.`, {
        details: { planned: times.length },
      });
    }
    if (sheetTiles.length > 0) await closeSheet(cellOfFrame(layout, placed - 1).sheet);
    // Awaited for the same reason: the last report (1) arrives before the result, never after.
    await progress('encode', 1);
    return {
      source: info,
      display,
      cell: layout.cell,
      sheetWidth: layout.width,
      sheetHeight: layout.height,
      sheets: sheets.map(({ blob: _blob, ...rest }) => rest),
      tiles,
      missed: times.length - received + lost,
      planned: times.length + lost,
    };
  } finally {
    await source.close();
  }
}
