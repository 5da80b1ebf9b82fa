// Which Chromium the browser tests and the benchmark launch, and with which flags: one place for both.

import { existsSync } from 'node:fs';

/**
 * Flags for a headless Chromium on a machine with a closed network: without the background-networking ones, Chromium
 * keeps trying to reach Google's services; --no-sandbox because CI runs as root.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** CHROMIUM_PATH, else Debian's /usr/bin/chromium, else undefined (Playwright's own browser, where installed). */
export function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
}
