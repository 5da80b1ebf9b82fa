// Makes the ffmpeg core visible at src/engine/ffmpeg-core/, where the engine worker finds it by default
// (`new URL('./ffmpeg-core/…', import.meta.url)`), exactly as it does beside the built worker in dist/. A link, not a
// copy: the 32 MB core stays in node_modules and is never committed. vite.config.ts calls this whenever Vite starts;
// `node tools/link-ffmpeg-core.mjs` does it by hand. (Not an npm `prepare` script: npm would then warn every app that
// installs the package about an install script it never needs.)

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
