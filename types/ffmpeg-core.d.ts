// @ffmpeg/core ships no types: its ESM build's default export is the Emscripten module factory.
declare module '@ffmpeg/core' {
  const createFFmpegCore: (options?: Record<string, unknown>) => Promise<unknown>;
  export default createFFmpegCore;
}
