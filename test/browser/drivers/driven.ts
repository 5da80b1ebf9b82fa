// A browser started by a driver other than Playwright's, for one test worker.

import type { PageTransport } from './core-page.js';

export interface DrivenBrowser {
  name: 'firefox' | 'webkit';
  /** Product and version, as the browser reports them. */
  version: string;
  /** A page for one test: a fresh one, or the same one emptied, whatever the driver can. */
  newPage(): Promise<PageTransport>;
  close(): Promise<void>;
}
