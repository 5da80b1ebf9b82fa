// Runs before the consumer tests: builds the library and packs it once, for every consumer app to install.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test as setup } from '@playwright/test';
import { PACK_DIR } from './pack.js';
import { pack } from './setup.js';

setup('build and pack the package', () => {
  setup.setTimeout(300_000);
  // CONSUMER_PACK=keep reuses the last tarball (while working on the tests themselves); CI always packs afresh.
  if (process.env.CONSUMER_PACK === 'keep' && !process.env.CI && existsSync(join(PACK_DIR, 'report.json'))) return;
  pack(PACK_DIR);
});
