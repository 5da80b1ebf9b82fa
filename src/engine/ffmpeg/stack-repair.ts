// Repairs a leak in the ffmpeg core: every exec() leaks the WebAssembly stack it had when ffmpeg exited.
//
// The core's exec() ends with ffmpeg's exit(), which Emscripten implements by throwing; exec() swallows the throw, but
// nothing unwinds the wasm stack, so its pointer stays where the C code left it (ffmpeg.wasm PR #943). With
// @ffmpeg/core 0.12.10's 64 KB stack, one core died with "memory access out of bounds" after 98 execs (measured
// 2026-11-26): a long video, or a warm engine after a few jobs, gets there. Saving the stack pointer before each call
// and restoring it after, as Emscripten's own invoke_* helpers do, let one core run 2000 execs.
//
// The glue keeps stackSave and stackRestore to itself; our build exposes them on the module (tools/ffmpeg-core-glue.mjs)
// before any app's minifier sees the text, so this works on any build of the app.

/** The part of an Emscripten module this repair touches. */
export interface CoreModule {
  /** Reads the wasm stack pointer (exposed by our build of the glue). */
  stackSave?: () => unknown;
  /** Sets the wasm stack pointer (exposed by our build of the glue). */
  stackRestore?: (pointer: unknown) => void;
  /** Runs ffmpeg; returns its exit code. */
  exec: (...args: string[]) => number;
  /** Runs ffprobe; returns its exit code. */
  ffprobe: (...args: string[]) => number;
}

/**
 * Makes the core's exec() and ffprobe() put the wasm stack pointer back after every call, also when the call throws.
 * Throws when the module has no stackSave and stackRestore: a core not built by tools/ffmpeg-core-glue.mjs would crash
 * after a few dozen jobs' worth of execs.
 */
export function repairStackLeak(core: CoreModule): void {
  const { stackSave, stackRestore } = core;
  if (typeof stackSave !== 'function' || typeof stackRestore !== 'function') {
    throw new Error(
      'this ffmpeg core exposes no stackSave/stackRestore: it was not built by video-sprite (tools/ffmpeg-core-glue.mjs)',
    );
  }
  for (const name of ['exec', 'ffprobe'] as const) {
    const call = core[name];
    core[name] = (...args: string[]) => {
      const stack = stackSave();
      try {
        return call(...args);
      } finally {
        stackRestore(stack);
      }
    };
  }
}
