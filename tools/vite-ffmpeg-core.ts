// Serves the ffmpeg.wasm core files from our own origin: from node_modules in dev/preview, copied into the build.

import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Connect, Plugin } from 'vite';

/** URL prefix the engine loads the core from: `/ffmpeg/st/…` (the single-thread core; see ARCHITECTURE.md for mt). */
export const FFMPEG_BASE = 'ffmpeg';

const require = createRequire(import.meta.url);

// The cores' exports maps hide package.json, so find the package folder by walking up from its main entry.
function packageRoot(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`Cannot find the folder of ${pkg}`);
    dir = up;
  }
  return dir;
}

/** The files of each core, by URL path under FFMPEG_BASE. ESM builds: @ffmpeg/ffmpeg starts a module worker. */
function coreFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const add = (pkg: string, dir: string, names: string[]) => {
    const root = join(packageRoot(pkg), 'dist', 'esm');
    for (const name of names) files.set(`${dir}/${name}`, join(root, name));
  };
  add('@ffmpeg/core', 'st', ['ffmpeg-core.js', 'ffmpeg-core.wasm']);
  return files;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm' };

function middleware(files: Map<string, string>): Connect.NextHandleFunction {
  return (req, res, next) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const prefix = `/${FFMPEG_BASE}/`;
    const file = path.startsWith(prefix) ? files.get(path.slice(prefix.length)) : undefined;
    if (!file || !existsSync(file)) return next();
    res.setHeader('Content-Type', TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    createReadStream(file).pipe(res);
  };
}

/** Vite plugin: the cores are never committed and never loaded from a CDN. */
export function ffmpegCore(): Plugin {
  const files = coreFiles();
  return {
    name: 'video-sprite:ffmpeg-core',
    configureServer(server) {
      server.middlewares.use(middleware(files));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(files));
    },
    generateBundle() {
      for (const [name, file] of files) {
        this.emitFile({ type: 'asset', fileName: `${FFMPEG_BASE}/${name}`, source: readFileSync(file) });
      }
    },
  };
}
