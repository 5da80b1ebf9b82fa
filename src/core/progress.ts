// Job progress: the phases a job goes through and how each maps onto one overall fraction that never decreases.

/** The phases a job goes through, in order: loading the decoder, reading the video, taking frames, encoding sheets. */
export type SpritePhase = 'load' | 'probe' | 'decode' | 'encode';

/** A progress report. */
export interface SpriteProgress {
  /** The phase the job is in. */
  phase: SpritePhase;
  /** Overall fraction done, 0..1: never decreases, and is 1 exactly once, at the end. */
  fraction: number;
}

/** Share of the overall progress each phase covers, `[from, to]`; decoding dominates every job. */
export const PHASE_WEIGHTS: Readonly<Record<SpritePhase, readonly [number, number]>> = {
  load: [0, 0.1],
  probe: [0.1, 0.15],
  decode: [0.15, 0.97],
  encode: [0.97, 1],
};

/**
 * Returns a reporter that turns (phase, fraction of that phase) into overall progress that only ever grows,
 * whatever order the phases report in, and passes it to `emit`.
 */
export function progressReporter<T>(emit: (progress: SpriteProgress) => T): (phase: SpritePhase, fraction: number) => T {
  let last = 0;
  return (phase, fraction) => {
    const [from, to] = PHASE_WEIGHTS[phase];
    const overall = Math.max(last, from + (to - from) * Math.min(1, Math.max(0, fraction)));
    last = overall;
    return emit({ phase, fraction: overall });
  };
}
