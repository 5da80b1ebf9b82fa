// Which decoder runs a job: the one asked for by name, or with `engine: 'auto'` each registered decoder in turn until
// one takes the file. A decoder that fails mid-job hands over to the ones after it (fallback-source.ts). Knows only
// the contract: the decoders themselves are listed in decoders.ts.

import { SpriteError } from '../core/errors.js';
import { FallbackSource } from './fallback-source.js';
import { isSource, type FrameDecoder, type FrameSource, type OpenOptions } from './frame-source.js';
import type { JobInput } from './input.js';

/** What the job gives: the rest of {@link OpenOptions} is decided here. */
export type JobOpenOptions = Pick<OpenOptions, 'keyOnly' | 'targets' | 'watch' | 'config'>;

/**
 * Opens `input` with the first of `decoders` that takes it (only the one named by `config.engine`, unless `auto`).
 * A decline the container itself decides (`final`) fails the job at once, as does the last decoder's decline.
 */
export function openSource(
  decoders: readonly FrameDecoder[],
  input: JobInput,
  options: JobOpenOptions,
): Promise<FrameSource> {
  const { engine } = options.config;
  const candidates = engine === 'auto' ? decoders : decoders.filter((d) => d.name === engine);
  return openFirst(candidates, input, options, engine === 'auto' ? null : `engine '${engine}' was asked for`);
}

async function openFirst(
  candidates: readonly FrameDecoder[],
  input: JobInput,
  options: JobOpenOptions,
  because: string | null,
): Promise<FrameSource> {
  const [decoder, ...rest] = candidates;
  if (!decoder)
    throw new SpriteError('INTERNAL', 'No decoder is registered for this job: this is a bug, please report it.');
  const opened = await decoder.open(input, { ...options, othersFollow: rest.length > 0, chosenBecause: because });
  if (isSource(opened)) {
    if (rest.length === 0) return opened;
    // The next decoder is asked for frames the first one's table chose: it lists every frame rather than the frames
    // at targets its own demuxer's facts (start, length) might place a little elsewhere.
    const handOver = { ...options, targets: undefined };
    return new FallbackSource(opened, () => openFirst(rest, input, handOver, `${decoder.label} failed mid-job`));
  }
  if (opened.final || rest.length === 0) throw opened.error;
  return openFirst(rest, input, options, `${decoder.label} cannot take this file: ${opened.reason}`);
}
