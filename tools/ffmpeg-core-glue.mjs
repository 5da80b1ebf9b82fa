// Prepares @ffmpeg/core's JavaScript glue (its ESM build) to be bundled into our decoder worker, at build time: the
// library build (tools/build-lib.mjs) and the page's Vite build run this same plugin, and fail when an anchor is gone.
//
// Why at build time, on the pristine text: the stack repair needs the core's stackSave and stackRestore, which the
// glue keeps as local variables bound to minified wasm export names. Reading them from the glue's text at run time
// broke as soon as an app's minifier rewrote that text ("no stackSave/stackRestore in its glue"). Exposing them here
// on the Module object is a change of meaning, not of spelling, so every minifier after us keeps it.

/** Exact rewrites of the glue: [what, with what, why]. Each must match exactly once. */
const EDITS = [
  // stackSave/stackRestore on the module, for src/engine/ffmpeg/stack-repair.ts; set just before the glue runs main.
  [
    /\brun\(\);(\s*return createFFmpegCore\.ready)/,
    'Module["stackSave"]=stackSave;Module["stackRestore"]=stackRestore;run();$1',
    'stack repair',
  ],
  // No import.meta: the worker is a plain script to any bundler, and an app's bundler must not go looking for a
  // second copy of the wasm beside it. Our worker always hands the glue a compiled module (instantiateWasm).
  [
    'wasmBinaryFile=new URL("ffmpeg-core.wasm",import.meta.url).href',
    'wasmBinaryFile="ffmpeg-core.wasm"',
    'no wasm URL',
  ],
  ['var _scriptDir = import.meta.url;', 'var _scriptDir = self.location.href;', 'no import.meta'],
];

/** The glue with the edits applied; throws naming any edit whose anchor is missing or not unique. */
export function patchCoreGlue(code) {
  let out = code;
  for (const [from, to, why] of EDITS) {
    const count =
      typeof from === 'string' ? out.split(from).length - 1 : (out.match(new RegExp(from.source, 'g')) ?? []).length;
    if (count !== 1)
      throw new Error(
        `@ffmpeg/core glue: the anchor for "${why}" matched ${count} times (expected once): this core version is not the one video-sprite was built for`,
      );
    out = out.replace(from, to);
  }
  if (out.includes('import.meta')) throw new Error('@ffmpeg/core glue: import.meta is still used');
  return out;
}

/** A rolldown/Vite plugin applying {@link patchCoreGlue} to @ffmpeg/core's ESM glue. */
export function ffmpegCoreGlue() {
  return {
    name: 'video-sprite:ffmpeg-core-glue',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/@ffmpeg\/core\/dist\/esm\/ffmpeg-core\.js$/.test(id.split('?')[0].replaceAll('\\', '/'))) return null;
      return { code: patchCoreGlue(code), map: null };
    },
  };
}
