// The part of Playwright's Page that the cross-browser specs use, over a driver that is not Playwright's: the specs
// stay written once, against Playwright's API. Anything else a spec reaches for fails at once, saying so.

import type { Page } from '@playwright/test';
import { callScript, listenerScript, pollScript, readReply, startScript, type PageEvent } from './wire.js';

/** How long one driver command may take: each is a short script, never a whole job. */
const COMMAND_TIMEOUT_MS = 30_000;
/** Pauses between looks at a running call: quick calls answer at the first, long jobs are asked every 200 ms. */
const POLL_DELAYS_MS = [0, 5, 10, 20, 50, 100, 200];

/** What a driver gives for one page: evaluation of an expression to a string, navigation, its own events if any. */
export interface PageTransport {
  /** Evaluates `expression`, whose value is a promise of a string, and returns that string. */
  evaluate(expression: string): Promise<string>;
  goto(url: string): Promise<void>;
  /** Subscribes to the driver's own page errors and console messages; absent where the driver has none. */
  listen?(onEvent: (event: PageEvent) => void): void;
  close(): Promise<void>;
}

type Listener = (payload: unknown) => void;

/** A console message as Playwright's ConsoleMessage shows it to the specs. */
class ConsoleMessage {
  constructor(private readonly event: PageEvent) {}
  type(): string {
    return this.event.type;
  }
  text(): string {
    return this.event.text;
  }
}

export class CorePage {
  private readonly listeners = new Map<string, Set<Listener>>();
  private calls = 0;

  constructor(
    private readonly transport: PageTransport,
    private readonly baseURL: string,
  ) {
    transport.listen?.((event) => this.emit(event));
  }

  async goto(url: string): Promise<null> {
    await this.transport.goto(new URL(url, this.baseURL).href);
    if (!this.transport.listen) await this.call(listenerScript, undefined, false);
    return null;
  }

  async evaluate<R, Arg>(fn: string | ((arg: Arg) => R | Promise<R>), arg?: Arg): Promise<R> {
    const source = typeof fn === 'string' ? `() => (${fn})` : fn.toString();
    return (await this.call(source, arg, !this.transport.listen)) as R;
  }

  /** Polls `fn` until it returns a truthy value, which it resolves to (not a handle, unlike Playwright). */
  async waitForFunction<R, Arg>(
    fn: string | ((arg: Arg) => R | Promise<R>),
    arg?: Arg,
    options: { timeout?: number; polling?: number } = {},
  ): Promise<R> {
    const timeout = options.timeout ?? 30_000;
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await this.evaluate(fn, arg);
      if (value) return value;
      if (timeout > 0 && Date.now() > deadline) throw new Error(`page.waitForFunction: timeout ${timeout} ms exceeded`);
      await new Promise((r) => setTimeout(r, options.polling ?? 100));
    }
  }

  on(event: string, listener: Listener): this {
    if (event !== 'pageerror' && event !== 'console')
      throw new Error(`page.on('${event}') is not available here: only 'pageerror' and 'console' are`);
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }

  off(event: string, listener: Listener): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private async call(source: string, arg: unknown, events: boolean): Promise<unknown> {
    const id = `call-${++this.calls}`;
    const start = startScript(id, callScript(source, arg, events));
    try {
      await this.command(start);
    } catch (e) {
      // A start whose answer was lost but that ran has its slot, and is polled on; one the driver dropped never ran,
      // and is sent again.
      if (
        (JSON.parse(await this.command(pollScript(id))) as { state: 'running' | 'missing' | 'done' }).state ===
        'missing'
      ) {
        console.log(`${String(e)}: the call had not started; sending it again`);
        await this.command(start);
      }
    }
    const started = Date.now();
    let told = started;
    for (let i = 0; ; i++) {
      await new Promise((r) => setTimeout(r, POLL_DELAYS_MS[Math.min(i, POLL_DELAYS_MS.length - 1)]));
      // A job that does not end is the page's, not the driver's: say so while the test waits for its timeout.
      if (Date.now() - told > 60_000) {
        told = Date.now();
        console.log(
          `page.evaluate: the call is still running in the page after ${Math.round((told - started) / 1000)} s`,
        );
      }
      const poll = JSON.parse(await this.command(pollScript(id), 3)) as {
        state: 'running' | 'missing' | 'done';
        reply?: string;
      };
      if (poll.state === 'missing') throw new Error('page.evaluate: the page was left or reloaded while the call ran');
      if (poll.state === 'done') {
        await this.command(pollScript(id, true)).catch(() => {});
        return readReply(poll.reply!, (event) => this.emit(event));
      }
    }
  }

  /**
   * One short driver command, given up on (with an error saying so) rather than waited for without end; sent up to
   * `tries` times where sending it again is harmless.
   */
  private async command(expression: string, tries = 1): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`the browser's driver did not answer a short script within ${COMMAND_TIMEOUT_MS / 1000} s`),
            ),
          COMMAND_TIMEOUT_MS,
        );
      });
      try {
        return await Promise.race([this.transport.evaluate(expression), timeout]);
      } catch (e) {
        if (attempt >= tries || !/did not answer/.test(String(e))) throw e;
        console.log(`${String(e)}; asking again`);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private emit(event: PageEvent): void {
    const payload =
      event.kind === 'pageerror'
        ? Object.assign(new Error(event.text), { stack: event.stack ?? '' })
        : new ConsoleMessage(event);
    for (const listener of this.listeners.get(event.kind) ?? []) listener(payload);
  }
}

/**
 * The page as the specs' type sees it. A member CorePage lacks throws, naming the project, instead of being undefined:
 * such a test needs Playwright's own driver and belongs to Chromium only.
 */
export function asPlaywrightPage(page: CorePage, project: string): Page {
  return new Proxy(page, {
    get(target, property, receiver) {
      if (typeof property === 'symbol' || property === 'then' || property === 'toJSON' || property in target)
        return Reflect.get(target, property, receiver) as unknown;
      throw new Error(
        `page.${property} is not available in the ${project} project (a driver other than Playwright's): keep this test Chromium-only, without the @all-browsers tag`,
      );
    },
  }) as unknown as Page;
}
