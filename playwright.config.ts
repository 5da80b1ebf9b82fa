// Browser specs: Debian's Chromium (or CHROMIUM_PATH, or Playwright's own browser where installed) against the built
// site plus test harness, served by `vite preview` with the COOP/COEP headers.

import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

const PORT = 4174;
const chromium = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'test/browser',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/playwright',
  // ffmpeg.wasm is CPU-bound: two jobs at once on a 2-core machine only slow each other down.
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  forbidOnly: !!process.env.CI,
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    launchOptions: {
      ...(chromium ? { executablePath: chromium } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: `npx vite build --mode e2e --logLevel warn && npx vite preview --mode e2e --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}/test/browser/harness.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
