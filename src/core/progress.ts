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

/**
 * Share of the overall progress each phase covers, `[from, to]`. Decoding dominates every job, and its span follows
 * the targets decoded across all sheets; the sheets encoded while decoding goes on belong to that span (each costs
 * about as much as a few frames), so `encode` covers only the last sheet's encoding, at the very end.
 */
export const PHASE_WEIGHTS: Readonly<Record<SpritePhase, readonly [number, number]>> = {
  load: [0, 0.1],
  probe: [0.1, 0.15],
  decode: [0.15, 0.99],
  encode: [0.99, 1],
};

/**
 * Returns a reporter that turns (phase, fraction of that phase) into overall progress that only ever grows,
 * whatever order the phases report in, and passes it to `emit`. Without a fraction, only the phase changes: a sheet
 * encoded mid-job says `encode` at the fraction decoding has reached, then decoding goes on from there.
 */
export function progressReporter<T>(
  emit: (progress: SpriteProgress) => T,
): (phase: SpritePhase, fraction?: number) => T {
  let last = 0;
  return (phase, fraction) => {
    if (fraction !== undefined) {
      const [from, to] = PHASE_WEIGHTS[phase];
      last = Math.max(last, from + (to - from) * Math.min(1, Math.max(0, fraction)));
    }
    return emit({ phase, fraction: last });
  };
}
