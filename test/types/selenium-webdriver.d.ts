// Minimal types for the npm package selenium-webdriver (4.x ships none), as test/browser/drivers/webkit.ts uses it.
declare module 'selenium-webdriver' {
  export interface Capabilities {
    get(key: string): unknown;
  }
  export interface WebDriver {
    get(url: string): Promise<void>;
    executeScript<T = unknown>(script: string, ...args: unknown[]): Promise<T>;
    executeAsyncScript<T = unknown>(script: string, ...args: unknown[]): Promise<T>;
    getCapabilities(): Promise<Capabilities>;
    manage(): { setTimeouts(timeouts: { script?: number; pageLoad?: number; implicit?: number }): Promise<void> };
    quit(): Promise<void>;
  }
  export class Builder {
    withCapabilities(capabilities: Record<string, unknown>): this;
    usingServer(url: string): this;
    build(): WebDriver & Promise<WebDriver>;
  }
}
