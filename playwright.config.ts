// Browser specs in Debian's Chromium (or CHROMIUM_PATH, or Playwright's own browser where installed):
// - browser: the library and the upload page, built from source with the test harness (`vite build --mode e2e`);
// - firefox, webkit: the tests tagged @all-browsers of CROSS_BROWSER, in Debian's Firefox ESR and WebKitGTK, driven
//   by puppeteer-core and selenium-webdriver (test/browser/fixtures.ts; FIREFOX_PATH, MINIBROWSER_PATH and
//   WEBKIT_WEBDRIVER_PATH select other builds);
// - consumer: the packed package installed into fresh apps (test/consumer), as other people's apps use it.

import { defineConfig } from '@playwright/test';
import type { Driver } from './test/browser/fixtures.ts';
import { CHROMIUM_ARGS, chromiumPath } from './tools/chromium.mjs';

/** The harness server's port: another one lets a second checkout run its browser tests beside this one's. */
const PORT = Number(process.env.HARNESS_PORT || 4174);
const executablePath = chromiumPath();
/** The spec files with tests for every browser: one per decoder path, the formats, the errors and cancel, URL input. */
const CROSS_BROWSER = [
  'engines.spec.ts',
  'formats.spec.ts',
  'errors.spec.ts',
  'generator.spec.ts',
  'url-input.spec.ts',
  'watchdog.spec.ts',
  'seek-windows.spec.ts',
  'matroska-targets.spec.ts',
  'picture.spec.ts',
];

/** The projects named on the command line (`--project=x` or `--project x`); none = all. */
const argv = process.argv;
const named = argv.flatMap((a, i) =>
  a.startsWith('--project=') ? [a.slice(10)] : a === '--project' && argv[i + 1] ? [argv[i + 1]!] : [],
);
/** Only the browser specs need the harness server; the consumer apps serve themselves (and may run alongside). */
const needsHarness = named.length === 0 || named.some((name) => ['browser', 'firefox', 'webkit'].includes(name));

export default defineConfig<object, { driver: Driver }>({
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
    // Firefox 153 sometimes never returns from `new Worker(…, { type: 'module' })` inside a worker (3 pages in 150 with
    // two plain scripts, no library code): a job whose engine starts a decoder worker then blocks, and the main
    // thread's heartbeat watch ends it with ENGINE_FAILED after stallTimeoutMs (shared/heartbeat.ts). A test caught
    // by it fails and runs again, and the report lists it as flaky.
    {
      name: 'firefox',
      testDir: 'test/browser',
      testMatch: CROSS_BROWSER,
      grep: /@all-browsers/,
      use: { driver: 'firefox' },
      timeout: 90_000,
      retries: 2,
    },
    {
      name: 'webkit',
      testDir: 'test/browser',
      testMatch: CROSS_BROWSER,
      grep: /@all-browsers/,
      use: { driver: 'webkit' },
    },
    // The package is built and packed once, before any consumer app installs it.
    { name: 'pack', testDir: 'test/consumer', testMatch: 'pack.setup.ts' },
    { name: 'consumer', testDir: 'test/consumer', testMatch: '**/*.spec.ts', dependencies: ['pack'] },
  ],
  webServer: needsHarness
    ? {
        command: `npx vite build --mode e2e --logLevel warn && npx vite preview --mode e2e --port ${PORT} --strictPort`,
        url: `http://localhost:${PORT}/test/browser/harness.html`,
        reuseExistingServer: !process.env.CI,
        timeout: 180_000,
      }
    : [],
});
