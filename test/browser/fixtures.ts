// `test` and `expect` for the specs that run in Chromium, Firefox and WebKit. The project's `driver` option picks the
// browser: Chromium through Playwright itself; Firefox (puppeteer-core, WebDriver BiDi) and WebKitGTK
// (selenium-webdriver, WebKitWebDriver) through the small Page of drivers/core-page.ts, the part of Playwright's Page
// that those tests use. Only tests tagged ALL_BROWSERS run in the firefox and webkit projects (playwright.config.ts).
//
// `page` is defined here without Playwright's `browser` and `context` fixtures, so that the firefox and webkit
// projects never ask Playwright for a browser of its own (it would try to launch its patched builds). Chromium is
// launched here from the project's launchOptions, as Playwright's `browser` fixture would.

import { test as base, expect, type Browser } from '@playwright/test';
import { asPlaywrightPage, CorePage } from './drivers/core-page.js';
import type { DrivenBrowser } from './drivers/driven.js';
import { launchFirefox } from './drivers/firefox.js';
import { launchWebKit } from './drivers/webkit.js';

export type Driver = 'chromium' | 'firefox' | 'webkit';

/** The tag of the tests that run in every browser: `test('…', ALL_BROWSERS, async ({ page }) => …)`. */
export const ALL_BROWSERS = { tag: '@all-browsers' };

interface WorkerFixtures {
  /** Which browser this project's tests run in (a project option). */
  driver: Driver;
  /** The browser of this worker, started at its first test and closed with the worker. */
  workerBrowser: { chromium: Browser } | { driven: DrivenBrowser };
}

export const test = base.extend<object, WorkerFixtures>({
  driver: ['chromium', { scope: 'worker', option: true }],
  workerBrowser: [
    async ({ driver, playwright, launchOptions }, use) => {
      if (driver === 'chromium') {
        const chromium = await playwright.chromium.launch(launchOptions);
        await use({ chromium });
        await chromium.close();
        return;
      }
      const driven = driver === 'firefox' ? await launchFirefox() : await launchWebKit();
      console.log(`${driver}: ${driven.version}`);
      try {
        await use({ driven });
      } finally {
        await driven.close();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  page: async ({ workerBrowser, baseURL, driver }, use) => {
    if ('chromium' in workerBrowser) {
      const context = await workerBrowser.chromium.newContext(baseURL ? { baseURL } : {});
      await use(await context.newPage());
      await context.close();
      return;
    }
    const page = new CorePage(await workerBrowser.driven.newPage(), baseURL ?? '');
    await use(asPlaywrightPage(page, driver));
    await page.close();
  },
});

export { expect };
