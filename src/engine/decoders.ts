// The decoders the engine runs jobs on, in the order `engine: 'auto'` tries them: the browser's own first (far faster
// where it can), ffmpeg.wasm for everything else. A new decoder is its own folder and one line here.

import { ffmpegDecoder } from './ffmpeg/ffmpeg-decoder.js';
import type { FrameDecoder } from './frame-source.js';
import { webcodecsDecoder } from './webcodecs/webcodecs-decoder.js';

/** Every decoder, in the order `auto` tries them. */
export const DECODERS: readonly FrameDecoder[] = [webcodecsDecoder, ffmpegDecoder];
