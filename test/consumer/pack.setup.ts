// Runs before the consumer tests: builds the library and packs it once, for every consumer app to install.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test as setup } from '@playwright/test';
import { checkPublicDocs, createPublicProgram, type PublicEntry } from '../../tools/public-docs.js';
import { PACK_DIR } from './pack.js';
import { pack, ROOT } from './setup.js';

setup('build and pack the package', () => {
  setup.setTimeout(300_000);
  // CONSUMER_PACK=keep reuses the last tarball (while working on the tests themselves); CI always packs afresh.
  if (process.env.CONSUMER_PACK === 'keep' && !process.env.CI && existsSync(join(PACK_DIR, 'report.json'))) return;
  pack(PACK_DIR);
});

setup('the shipped type declarations document every public export and member', () => {
  // What an app's editor shows comes from dist/*.d.ts, not from src: checked there too (test/unit/public-docs.test.ts
  // checks the sources).
  const entries: PublicEntry[] = [
    { file: 'dist/core/index.d.ts', allowInternal: true },
    { file: 'dist/index.d.ts', allowInternal: false },
    { file: 'dist/server.d.ts', allowInternal: false },
  ];
  const report = checkPublicDocs(createPublicProgram(ROOT, entries), ROOT, entries);
  expect(report.failures).toEqual([]);
  // The same surface as the sources: nothing lost or added on the way to the .d.ts files.
  expect(report.exportNames.get('dist/index.d.ts')?.length).toBeGreaterThan(40);
  const names = (file: string) => [...(report.exportNames.get(file) ?? [])].sort();
  expect(names('dist/server.d.ts')).toEqual(names('dist/index.d.ts'));
});
