// The upload page: dev server, build and preview. `--mode e2e` adds the browser-test harness and benchmark pages and
// serves the test fixtures and benchmark inputs. The library has its own build (tools/build-lib.mjs); unit tests
// have vitest.config.ts.

import { dirname, relative, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { linkFfmpegCore } from './tools/link-ffmpeg-core.mjs';
import { staticDir } from './tools/vite-static-dir.ts';

const root = import.meta.dirname;
// The engine finds the core beside its own module; in this source tree that is a link into node_modules.
linkFfmpegCore();

/**
 * @ffmpeg/ffmpeg starts its worker from `./worker.js` beside its class: point it at ours, which is that worker with the
 * ffmpeg core repaired (src/engine/ffmpeg/ffmpeg.worker.ts). tools/build-lib.mjs does the same for the package.
 */
function ffmpegWorker(): Plugin {
  const needle = 'new URL("./worker.js", import.meta.url)';
  const ours = resolve(root, 'src/engine/ffmpeg/ffmpeg.worker.ts');
  return {
    name: 'video-sprite:ffmpeg-worker',
    // Before Vite's own worker plugin reads the `new Worker(new URL(…))` it rewrites.
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0]!.replaceAll('\\', '/');
      if (!file.endsWith('/@ffmpeg/ffmpeg/dist/esm/classes.js')) return null;
      if (!code.includes(needle)) this.error(`${needle} is gone from @ffmpeg/ffmpeg: its worker would run without the core repair`);
      return { code: code.replace(needle, `new URL(${JSON.stringify(relative(dirname(file), ours).replaceAll('\\', '/'))}, import.meta.url)`), map: null };
    },
  };
}

export default defineConfig(({ mode }) => {
  const tests = mode === 'e2e' || mode === 'development';
  const plugins: Plugin[] = [ffmpegWorker()];
  if (tests) plugins.push(staticDir('/fixtures/', resolve(root, 'test/fixtures')), staticDir('/bench-inputs/', resolve(root, 'bench/.cache')));
  return {
    // Pages are real files (index.html, the test harness): unknown paths are 404s, not the index page.
    appType: 'mpa',
    plugins,
    // Our own source imports @ffmpeg/ffmpeg; pre-bundled, its worker URL would point into .vite/deps.
    optimizeDeps: { exclude: ['@ffmpeg/ffmpeg'] },
    // Worker bundles have their own plugins: the engine worker creates FFmpeg too.
    worker: { format: 'es', plugins: () => [ffmpegWorker()] },
    build: {
      outDir: mode === 'e2e' ? 'build/e2e' : 'build/site',
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      rollupOptions: {
        input: {
          index: resolve(root, 'index.html'),
          ...(mode === 'e2e' ? { harness: resolve(root, 'test/browser/harness.html'), player: resolve(root, 'test/browser/player.html'), bench: resolve(root, 'bench/page.html') } : {}),
        },
      },
    },
  };
});
