// Debian's WebKitGTK, driven by selenium-webdriver through WebKitWebDriver, which starts MiniBrowser in automation
// mode. Playwright drives only its own WebKit builds, which a machine without network access cannot download.
// WebKitGTK has no headless mode: MiniBrowser gets a private Xvfb display, started and stopped with it.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Builder } from 'selenium-webdriver';
import type { DrivenBrowser } from './driven.js';
import { miniBrowserPath, webkitWebDriverPath, xvfbPath } from './paths.js';

/** Each script is short: CorePage starts a long call in the page and polls for its reply. */
const SCRIPT_TIMEOUT_MS = 60_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts Xvfb on a display it picks itself (`-displayfd`), so that two runs never fight over one. */
async function startXvfb(): Promise<{ process: ChildProcess; display: string }> {
  const xvfb = spawn(xvfbPath(), ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  xvfb.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it had a display: ${stderr.trim()}`)));
    setTimeout(() => reject(new Error(`Xvfb gave no display within 20 s: ${stderr.trim()}`)), 20_000);
  });
  return { process: xvfb, display };
}

/** Waits until WebKitWebDriver answers on `port`, or fails with what it said. */
async function waitForDriver(driver: ChildProcess, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited (${driver.exitCode}): ${log()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/status`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`WebKitWebDriver did not answer on port ${port} within 20 s: ${log()}`);
}

export async function launchWebKit(): Promise<DrivenBrowser> {
  const binary = miniBrowserPath();
  const driverPath = webkitWebDriverPath();
  const children: ChildProcess[] = [];
  // Children die with the worker even when it is killed mid-test.
  const killAll = () => children.forEach((child) => child.exitCode === null && child.kill());
  process.once('exit', killAll);
  try {
    const xvfb = await startXvfb();
    children.push(xvfb.process);
    const port = await freePort();
    let log = '';
    const wd = spawn(driverPath, [`--port=${port}`, '--host=127.0.0.1'], {
      env: { ...process.env, DISPLAY: xvfb.display },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(wd);
    wd.stdout.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    wd.stderr.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    await waitForDriver(wd, port, () => log.trim());
    const driver = await new Builder()
      .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary, args: ['--automation'] } })
      .usingServer(`http://127.0.0.1:${port}/`)
      .build();
    await driver.manage().setTimeouts({ script: SCRIPT_TIMEOUT_MS, pageLoad: 60_000 });
    const version = String((await driver.getCapabilities()).get('browserVersion'));
    return {
      name: 'webkit',
      version: `WebKitGTK ${version}`,
      newPage() {
        return Promise.resolve({
          evaluate: (expression) =>
            driver.executeAsyncScript<string>(`const done = arguments[arguments.length - 1];
              (${expression}).then(done, (e) => done(JSON.stringify({ error: { name: 'Error', message: String(e), stack: '' } })));`),
          async goto(url) {
            await driver.get(url);
          },
          // One window per session: emptying it ends the test's page, its workers and their jobs.
          async close() {
            await driver.get('about:blank');
          },
        });
      },
      async close() {
        try {
          await driver.quit();
        } finally {
          killAll();
          process.off('exit', killAll);
        }
      },
    };
  } catch (e) {
    killAll();
    process.off('exit', killAll);
    throw e;
  }
}
