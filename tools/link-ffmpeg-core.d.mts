// Types of link-ffmpeg-core.mjs, for vite.config.ts.

/** Links (or copies) @ffmpeg/core's ESM build to src/engine/ffmpeg-core/, where the engine finds it in this source tree. */
export function linkFfmpegCore(): void;
