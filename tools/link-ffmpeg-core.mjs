// Makes @ffmpeg/core's ESM build visible at src/engine/ffmpeg-core/ for the pages that run plain ffmpeg.wasm
// (@ffmpeg/ffmpeg) beside our engine: the browser-test harness (it encodes test inputs) and the benchmark's baseline.
// The library itself imports the core as a package. A link, not a copy: the 32 MB core stays in node_modules and is
// never committed. vite.config.ts calls this whenever Vite starts; `node tools/link-ffmpeg-core.mjs` does it by hand.

import { cpSync, existsSync, lstatSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(import.meta.dirname, '..');
const link = join(root, 'src', 'engine', 'ffmpeg-core');

/** Links (or, where links are not allowed, copies) @ffmpeg/core's ESM build to src/engine/ffmpeg-core/. */
export function linkFfmpegCore() {
  // Resolved as an import, @ffmpeg/core's exports map gives its ESM build, the one a module worker can import.
  const target = dirname(fileURLToPath(import.meta.resolve('@ffmpeg/core/wasm')));
  if (existsSync(join(link, 'ffmpeg-core.wasm'))) return;
  if (lstatSync(link, { throwIfNoEntry: false })) rmSync(link, { recursive: true, force: true });
  try {
    // 'junction' lets Windows make a directory link without admin rights; elsewhere the type is ignored.
    symlinkSync(process.platform === 'win32' ? target : relative(dirname(link), target), link, 'junction');
  } catch {
    cpSync(target, link, { recursive: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  linkFfmpegCore();
  console.log(`ffmpeg core: ${relative(root, link)}`);
}
