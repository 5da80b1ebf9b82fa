// Where the Firefox and WebKit of the cross-browser projects live: Debian's packages by default, any other build by
// environment variable. A missing one fails the run with the package to install: never a silent skip.

import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

function required(variable: string, fallback: string, what: string, aptPackage: string): string {
  const path = process.env[variable] || fallback;
  if (existsSync(path)) return path;
  const given = process.env[variable] ? ` (${variable})` : '';
  throw new Error(
    `${what} not found at ${path}${given}: install it with \`apt-get install ${aptPackage}\` (Debian), or set ${variable} to its path`,
  );
}

/** Debian's multiarch folder for this machine, where the WebKitGTK library keeps MiniBrowser. */
function multiarch(): string {
  return process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
}

export const firefoxPath = () => required('FIREFOX_PATH', '/usr/bin/firefox-esr', 'Firefox', 'firefox-esr');
export const webkitWebDriverPath = () =>
  required('WEBKIT_WEBDRIVER_PATH', '/usr/bin/WebKitWebDriver', 'WebKitWebDriver', 'webkit2gtk-driver');
export const miniBrowserPath = () =>
  required(
    'MINIBROWSER_PATH',
    `/usr/lib/${multiarch()}/webkit2gtk-4.1/MiniBrowser`,
    'WebKitGTK MiniBrowser',
    'webkit2gtk-driver',
  );

/** Xvfb on the PATH: WebKitGTK has no headless mode, so MiniBrowser gets a virtual display. */
export function xvfbPath(): string {
  const found = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'Xvfb'))
    .find((path) => existsSync(path));
  if (!found)
    throw new Error(
      'Xvfb not found on the PATH: WebKitGTK needs a display; install it with `apt-get install xvfb` (Debian)',
    );
  return found;
}
