// A decoder that fails mid-job hands over to the next one where it stopped, without the caller seeing it: nothing
// placed twice, nothing lost. Decoder-neutral: it knows only the contract (frame-source.ts).

import type { EngineReport } from '../core/engine-report.js';
import { frameIndexAt } from '../core/frame-table.js';
import {
  DecoderFailure,
  type DecodedFrame,
  type FrameRequest,
  type FrameSource,
  type ProbeResult,
} from './frame-source.js';

/** Runs `primary`; on a DecoderFailure, opens the next decoder and asks it for the frames not yet delivered. */
export class FallbackSource implements FrameSource {
  private fallback: FrameSource | null = null;
  private handover: { fromMs: number; reason: string } | null = null;

  constructor(
    private readonly primary: FrameSource,
    private readonly openFallback: () => Promise<FrameSource>,
  ) {}

  report(): EngineReport {
    return { ...this.primary.report(), fallback: this.handover };
  }

  probe(): Promise<ProbeResult> {
    return this.primary.probe();
  }

  async frames(
    req: FrameRequest,
    onFrame: (frame: DecodedFrame) => Promise<void> | void,
    onProgress?: (done: number) => void,
  ): Promise<void> {
    let last = -Infinity;
    let delivered = 0;
    try {
      await this.primary.frames(
        req,
        (frame) => {
          last = frame.time;
          delivered++;
          return onFrame(frame);
        },
        onProgress,
      );
      return;
    } catch (e) {
      if (!(e instanceof DecoderFailure)) throw e;
      this.handover = { fromMs: e.fromMs, reason: e.message };
    }
    const rest = req.times.filter((t) => t > last);
    if (rest.length === 0) return;
    this.fallback = await this.openFallback();
    const { table } = await this.fallback.probe();
    // The other demuxer's times for the same frames, matched within rounding; tiles keep the times the job planned.
    const ours = new Map<number, number>();
    for (const t of rest) {
      const j = frameIndexAt(table, t);
      if (j >= 0) ours.set(table.times[j]!, t);
    }
    await this.fallback.frames(
      { ...req, times: [...ours.keys()] },
      (frame) => onFrame({ ...frame, time: ours.get(frame.time) ?? frame.time }),
      (done) => onProgress?.(delivered + done),
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.primary.close(), this.fallback?.close()]);
  }
}
