// The upload page: dev server, build and preview. `--mode e2e` adds the browser-test harness and benchmark pages and
// serves the test fixtures and benchmark inputs. The library has its own build (tools/build-lib.mjs); unit tests
// have vitest.config.ts.

import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { ffmpegCoreGlue } from './tools/ffmpeg-core-glue.mjs';
import { linkFfmpegCore } from './tools/link-ffmpeg-core.mjs';
import { staticDir } from './tools/vite-static-dir.ts';

const root = import.meta.dirname;
// The test harness and the benchmark run plain ffmpeg.wasm (@ffmpeg/ffmpeg) beside ours, from a link into node_modules.
linkFfmpegCore();

export default defineConfig(({ mode }) => {
  const tests = mode === 'e2e' || mode === 'development';
  // The decoder worker bundles @ffmpeg/core's glue, prepared as the library build prepares it.
  const plugins: Plugin[] = [ffmpegCoreGlue()];
  if (tests)
    plugins.push(
      staticDir('/fixtures/', resolve(root, 'test/fixtures')),
      staticDir('/bench-inputs/', resolve(root, 'bench/.cache')),
    );
  return {
    // Pages are real files (index.html, the test harness): unknown paths are 404s, not the index page.
    appType: 'mpa',
    plugins,
    // Pre-bundled, @ffmpeg/ffmpeg's worker URL would point into .vite/deps, and @ffmpeg/core's glue would skip the
    // plugin above.
    optimizeDeps: { exclude: ['@ffmpeg/ffmpeg', '@ffmpeg/core'] },
    // Worker bundles have their own plugins.
    worker: { format: 'es', plugins: () => [ffmpegCoreGlue()] },
    build: {
      outDir: mode === 'e2e' ? 'build/e2e' : 'build/site',
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'index.html'),
          ...(mode === 'e2e'
            ? {
                harness: resolve(root, 'test/browser/harness.html'),
                player: resolve(root, 'test/browser/player.html'),
                streaming: resolve(root, 'test/browser/streaming.html'),
                bench: resolve(root, 'bench/page.html'),
              }
            : {}),
        },
      },
    },
  };
});
