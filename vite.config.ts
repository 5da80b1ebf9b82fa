// The upload page: dev server, build and preview. `--mode e2e` adds the browser-test harness and benchmark pages and
// serves the test fixtures and benchmark inputs. The library has its own build (tools/build-lib.mjs); unit tests
// have vitest.config.ts.

import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { linkFfmpegCore } from './tools/link-ffmpeg-core.mjs';
import { staticDir } from './tools/vite-static-dir.ts';

const root = import.meta.dirname;
// The engine finds the core beside its own module; in this source tree that is a link into node_modules.
linkFfmpegCore();

export default defineConfig(({ mode }) => {
  const tests = mode === 'e2e' || mode === 'development';
  const plugins: Plugin[] = tests
    ? [staticDir('/fixtures/', resolve(root, 'test/fixtures')), staticDir('/bench-inputs/', resolve(root, 'bench/.cache'))]
    : [];
  return {
    // Pages are real files (index.html, the test harness): unknown paths are 404s, not the index page.
    appType: 'mpa',
    plugins,
    // Our own source imports @ffmpeg/ffmpeg; pre-bundled, its worker URL would point into .vite/deps.
    optimizeDeps: { exclude: ['@ffmpeg/ffmpeg'] },
    worker: { format: 'es' },
    build: {
      outDir: mode === 'e2e' ? 'build/e2e' : 'build/site',
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      rollupOptions: {
        input: {
          index: resolve(root, 'index.html'),
          ...(mode === 'e2e' ? { harness: resolve(root, 'test/browser/harness.html'), bench: resolve(root, 'bench/page.html') } : {}),
        },
      },
    },
  };
});
