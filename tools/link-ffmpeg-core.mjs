// `npm run prepare` (run by npm ci / npm install): makes the ffmpeg core visible at src/engine/ffmpeg-core/, where
// the engine worker finds it by default (`new URL('./ffmpeg-core/…', import.meta.url)`), exactly as it does beside
// the built worker in dist/. A link, not a copy: the 32 MB core stays in node_modules and is never committed.

import { cpSync, existsSync, lstatSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(import.meta.dirname, '..');
const link = join(root, 'src', 'engine', 'ffmpeg-core');
// Resolved as an import, @ffmpeg/core's exports map gives its ESM build, the one a module worker can import.
const target = dirname(fileURLToPath(import.meta.resolve('@ffmpeg/core/wasm')));

if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) rmSync(link, { recursive: true, force: true });
try {
  // 'junction' lets Windows make a directory link without admin rights; elsewhere the type is ignored.
  symlinkSync(process.platform === 'win32' ? target : relative(dirname(link), target), link, 'junction');
} catch {
  cpSync(target, link, { recursive: true });
}
console.log(`ffmpeg core: ${relative(root, link)} -> ${relative(root, target)}`);
