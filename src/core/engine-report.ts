// Which decoder made a job's frames, and why: recorded in the result and the manifest.

/** The two decoders: the browser's own through WebCodecs, and ffmpeg compiled to WebAssembly. */
export type EngineName = 'webcodecs' | 'ffmpeg';

/**
 * How a job's frame table (every frame's time and key flag) was read: from the container's index, reading no frame
 * data (MP4/MOV sample tables, AVI indexes); from that index without a table of every frame, on an MP4 or MOV, by
 * the sync samples alone for a key-mode job (`sync-samples`) or by looking up the frame on screen at each target for
 * an `inter`, `avg` or `dhash` job (`targets`), with the frame count and the last frame for the length; for such a job
 * on an MPEG-TS, also `targets`: ffprobe lists a short window of packets around each target, and the head and the
 * tail give the length; by listing every packet, which reads the whole file (MPEG-TS in key mode or where the windows
 * cannot be sure, Matroska, AVI without a usable index…); or by decoding every frame, for streams that carry no times
 * (raw H.264).
 */
export type FrameTableSource = 'index' | 'sync-samples' | 'targets' | 'packets' | 'decode';

/** WebCodecs failed mid-job and the next decoder made the rest. */
export interface EngineFallback {
  /** The first frame the other decoder made, ms from the first frame; the ones before came from the first decoder. */
  fromMs: number;
  /** Why the first decoder stopped, in words. */
  reason: string;
}

/** What every report says, whichever decoder ran. */
interface ReportBase {
  /** Why this decoder, in words: e.g. "the browser decodes vp9 natively", "WebCodecs cannot read this container". */
  reason: string;
  /** Set when the first decoder failed mid-job and another made the rest (none was placed twice); else null. */
  fallback: EngineFallback | null;
  /** How the frame table was read (see {@link FrameTableSource}). */
  frameTable: FrameTableSource;
}

/** A job the browser's own decoder started. */
export interface WebCodecsReport extends ReportBase {
  /** Discriminant: the decoder that started the job (and made every frame, unless `fallback` is set). */
  used: 'webcodecs';
  /**
   * How many frames WebCodecs was fed for the job: the wanted ones, and the key and reference frames they need (in
   * key mode, the key frames alone).
   */
  decoded: number;
}

/** A job ffmpeg.wasm ran (it does not say how many frames it decoded on the way to the wanted ones). */
export interface FfmpegReport extends ReportBase {
  /** Discriminant: the decoder that made every frame. */
  used: 'ffmpeg';
}

/** Which decoder ran a job, and why; branch on `used`. */
export type EngineReport = WebCodecsReport | FfmpegReport;
