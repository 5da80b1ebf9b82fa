/// <reference types="vitest/config" />
// One config for the page (dev, build, preview), the library build (`--mode lib`), the browser-test build
// (`--mode e2e`: the page plus the test harness, fixtures served) and the unit tests.

import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { ffmpegCore } from './tools/vite-ffmpeg-core.ts';
import { staticDir } from './tools/vite-static-dir.ts';

const root = import.meta.dirname;

// Cross-origin isolation lets the page use SharedArrayBuffer, which the multi-thread ffmpeg core needs.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig(({ mode }) => {
  const plugins: Plugin[] = [];
  if (mode !== 'lib') plugins.push(ffmpegCore());
  if (mode === 'e2e' || mode === 'development') {
    plugins.push(staticDir('/fixtures/', resolve(root, 'test/fixtures')), staticDir('/bench-inputs/', resolve(root, 'bench/.cache')));
  }
  return {
    // Pages are real files (index.html, the test harness): unknown paths are 404s, not the index page.
    appType: 'mpa',
    plugins,
    server: { headers: isolation },
    preview: { headers: isolation },
    // Without this the dev server pre-bundles @ffmpeg/ffmpeg, breaking its worker URL: load() never resolves.
    optimizeDeps: { exclude: ['@ffmpeg/ffmpeg', '@ffmpeg/util'] },
    worker: { format: 'es' },
    build:
      mode === 'lib'
        ? {
            outDir: 'dist/lib',
            copyPublicDir: false,
            emptyOutDir: true,
            sourcemap: true,
            target: 'es2022',
            lib: {
              entry: { index: resolve(root, 'src/index.ts'), 'core/index': resolve(root, 'src/core/index.ts') },
              formats: ['es'],
            },
            rollupOptions: { external: [/^@ffmpeg\//] },
          }
        : {
            outDir: mode === 'e2e' ? 'dist/e2e' : 'dist/site',
            emptyOutDir: true,
            target: 'es2022',
            sourcemap: true,
            rollupOptions: {
              input: {
                index: resolve(root, 'index.html'),
                ...(mode === 'e2e' ? { harness: resolve(root, 'test/browser/harness.html'), bench: resolve(root, 'bench/page.html') } : {}),
              } as Record<string, string>,
            },
          },
    test: {
      include: ['test/unit/**/*.test.ts'],
      environment: 'node',
    },
  };
});
