// Types of chromium.mjs.

/** Chromium flags for headless runs on a closed network, as root. */
export const CHROMIUM_ARGS: string[];
/** CHROMIUM_PATH, else /usr/bin/chromium, else undefined (Playwright's own browser). */
export function chromiumPath(): string | undefined;
