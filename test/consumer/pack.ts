// The package packed once per test run, as `npm publish` would ship it, for every consumer test to install.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './setup.js';

/** Where the pack setup project leaves the tarball. */
export const PACK_DIR = join(ROOT, '.cache', 'consumer', 'pack');

/** The tarball made by pack.setup.ts in this run. */
export function packedTarball(): string {
  const name = existsSync(PACK_DIR) ? readdirSync(PACK_DIR).find((f) => f.endsWith('.tgz')) : undefined;
  if (!name) throw new Error(`no packed tarball in ${PACK_DIR}: the 'pack' setup project runs first`);
  return join(PACK_DIR, name);
}
