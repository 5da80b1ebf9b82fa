// Which decoder made a job's frames, and why: recorded in the result and the manifest.

/** The two decoders: the browser's own through WebCodecs, and ffmpeg compiled to WebAssembly. */
export type EngineName = 'webcodecs' | 'ffmpeg';

/**
 * How a job's frame table (every frame's time and key flag) was read: from the container's index, reading no frame
 * data (MP4/MOV sample tables, AVI indexes); by listing every packet, which reads the whole file (MPEG-TS, Matroska,
 * AVI without a usable index…); or by decoding every frame, for streams that carry no times (raw H.264).
 */
export type FrameTableSource = 'index' | 'packets' | 'decode';

/** Which decoder ran a job, and why. */
export interface EngineReport {
  /** The decoder that started the job (and made every frame, unless `fallback` is set). */
  used: EngineName;
  /** Why this decoder, in words: e.g. "the browser decodes vp9 natively", "WebCodecs cannot read this container". */
  reason: string;
  /**
   * Set when WebCodecs failed mid-job and ffmpeg.wasm made the rest: from which frame (ms from the first frame) and
   * why. The frames before it came from WebCodecs; none was placed twice.
   */
  fallback: { fromMs: number; reason: string } | null;
  /**
   * How many frames WebCodecs decoded for the job: the wanted ones, and the key and reference frames they need (in
   * key mode, the key frames alone). Null where ffmpeg.wasm did all the work: it does not say.
   */
  decoded: number | null;
  /** How the frame table was read (see {@link FrameTableSource}). */
  frameTable: FrameTableSource;
}
