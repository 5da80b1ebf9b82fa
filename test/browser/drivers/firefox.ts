// Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi. Playwright drives only its own patched Firefox
// builds, which a machine without network access cannot download; puppeteer-core downloads nothing.

import puppeteer from 'puppeteer-core';
import type { DrivenBrowser } from './driven.js';
import { firefoxPath } from './paths.js';

export async function launchFirefox(): Promise<DrivenBrowser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    protocol: 'webDriverBiDi',
    // Nothing in the tests needs Mozilla's services; on a closed network each attempt would only wait for a timeout.
    extraPrefsFirefox: {
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
  return {
    name: 'firefox',
    version: (await browser.version()).replace(/^firefox\//, 'Firefox '),
    async newPage() {
      const page = await browser.newPage();
      return {
        evaluate: (expression) => page.evaluate(expression) as Promise<string>,
        async goto(url) {
          await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
        },
        listen(onEvent) {
          // Typed `unknown` by puppeteer: whatever the page threw, not necessarily an Error.
          page.on('pageerror', (error) => {
            if (error instanceof Error)
              onEvent({ kind: 'pageerror', type: 'error', text: error.message, stack: error.stack ?? '' });
            else onEvent({ kind: 'pageerror', type: 'error', text: String(error), stack: '' });
          });
          page.on('console', (message) => {
            const type = message.type();
            onEvent({ kind: 'console', type: type === 'warn' ? 'warning' : type, text: message.text() });
          });
        },
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}
