// Repairs a leak in the ffmpeg core: every exec() leaks the WebAssembly stack it had when ffmpeg exited.
//
// The core's exec() ends with ffmpeg's exit(), which Emscripten implements by throwing; exec() swallows the throw, but
// nothing unwinds the wasm stack, so its pointer stays where the C code left it (ffmpeg.wasm PR #943). With
// @ffmpeg/core 0.12.10's 64 KB stack, one core died with "memory access out of bounds" after 98 execs (measured
// 2026-11-26): a long video, or a warm engine after a few jobs, gets there. Saving the stack pointer before each call
// and restoring it after, as Emscripten's own invoke_* helpers do, let one core run 2000 execs.

/** The part of an Emscripten module this repair touches. */
export interface CoreModule {
  /** The wasm module's exports, under the glue's (minified) names. */
  asm?: Record<string, unknown>;
  /** Runs ffmpeg; returns its exit code. */
  exec: (...args: string[]) => number;
  /** Runs ffprobe; returns its exit code. */
  ffprobe: (...args: string[]) => number;
}

/**
 * The export names of stackSave and stackRestore, read from the core's JavaScript glue (`var stackSave=function(){
 * return(stackSave=Module["asm"]["Da"]).apply(…)}`): the build minifies them, and the glue is where they are named.
 */
export function stackExportNames(glue: string): { save: string; restore: string } | null {
  const save = /stackSave=Module\["asm"\]\["(\w+)"\]/.exec(glue)?.[1];
  const restore = /stackRestore=Module\["asm"\]\["(\w+)"\]/.exec(glue)?.[1];
  return save && restore ? { save, restore } : null;
}

/**
 * Makes the core's exec() and ffprobe() put the wasm stack pointer back after every call, also when the call throws.
 * `glue` is the source of the core's factory function. Throws when the glue or the module has no stackSave and
 * stackRestore: a core built otherwise than @ffmpeg/core 0.12 would crash after a few dozen jobs' worth of execs.
 */
export function repairStackLeak(core: CoreModule, glue: string): void {
  const names = stackExportNames(glue);
  const stackSave = names ? core.asm?.[names.save] : undefined;
  const stackRestore = names ? core.asm?.[names.restore] : undefined;
  if (typeof stackSave !== 'function' || typeof stackRestore !== 'function') {
    throw new Error('this ffmpeg core has no stackSave/stackRestore in its glue: video-sprite needs @ffmpeg/core 0.12 (ESM build)');
  }
  for (const name of ['exec', 'ffprobe'] as const) {
    const call = core[name];
    core[name] = (...args: string[]) => {
      const stack: unknown = stackSave();
      try {
        return call(...args);
      } finally {
        stackRestore(stack);
      }
    };
  }
}
