// Lighthouse's accessibility audit of the built page, as it first loads and after a job (sheets, player, downloads,
// snippets): 100 both times. Lighthouse drives its own Chromium (Debian's, through puppeteer-core), beside
// Playwright's, on the same harness server.

import { startFlow } from 'lighthouse';
import puppeteer from 'puppeteer-core';
import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../../tools/chromium.mjs';

test('Lighthouse accessibility: 100 on the built page, before and after one click on the sample', async ({
  baseURL,
}) => {
  test.setTimeout(180_000);
  const executablePath = chromiumPath() ?? chromium.executablePath();
  const browser = await puppeteer.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 900 });
    const flow = await startFlow(page, {
      config: { extends: 'lighthouse:default', settings: { onlyCategories: ['accessibility'] } },
    });
    await flow.navigate(`${baseURL}/`);
    await page.click('#sample');
    await page.waitForFunction(() => /^Done in/.test(document.querySelector('#status')?.textContent ?? ''), {
      timeout: 90_000,
    });
    await flow.snapshot();
    const { steps } = await flow.createFlowResult();
    expect(steps).toHaveLength(2);
    for (const step of steps) {
      const { categories, audits } = step.lhr;
      // The audits that failed, by name and the elements at fault: what to fix when the score drops.
      const failed = Object.values(audits)
        .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
        .map((a) => ({ id: a.id, items: (a.details as { items?: unknown[] } | undefined)?.items?.length ?? 0 }));
      expect(failed, step.name).toEqual([]);
      expect(categories.accessibility?.score, step.name).toBe(1);
    }
  } finally {
    await browser.close();
  }
});
