// Browser specs in Debian's Chromium (or CHROMIUM_PATH, or Playwright's own browser where installed):
// - browser: the library and the upload page, built from source with the test harness (`vite build --mode e2e`);
// - consumer: the packed package installed into fresh apps (test/consumer), as other people's apps use it.

import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './tools/chromium.mjs';

const PORT = 4174;
const executablePath = chromiumPath();

export default defineConfig({
  outputDir: 'test-results/playwright',
  // ffmpeg.wasm is CPU-bound: two jobs at once on a 2-core machine only slow each other down.
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  forbidOnly: !!process.env.CI,
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    launchOptions: { ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'browser', testDir: 'test/browser', testMatch: '**/*.spec.ts' },
    { name: 'consumer', testDir: 'test/consumer', testMatch: '**/*.spec.ts' },
  ],
  webServer: {
    command: `npx vite build --mode e2e --logLevel warn && npx vite preview --mode e2e --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}/test/browser/harness.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
