// The values the Firefox and WebKit drivers carry between Node and the page (test/browser/drivers/wire.ts) come back
// as Playwright would give them: what JSON alone loses (undefined, NaN, -0) included.

import { describe, expect, it } from 'vitest';
import {
  callScript,
  decodeWire,
  encodeWire,
  pollScript,
  readReply,
  startScript,
  type PageEvent,
} from '../browser/drivers/wire.js';

const roundTrip = (value: unknown) => decodeWire(JSON.parse(JSON.stringify(encodeWire(value))));

describe('wire', () => {
  it('keeps what JSON loses: undefined fields and elements, NaN, ±Infinity, -0, bigint, Date', () => {
    const value = {
      a: undefined,
      b: NaN,
      c: [1, undefined, [2, [Infinity, -Infinity]]],
      d: -0,
      e: 12n,
      f: new Date(86_400_000),
      g: null,
      h: 'text',
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toStrictEqual(value);
    expect(Object.keys(back)).toContain('a');
    expect(Object.is(back.d, -0)).toBe(true);
  });

  it('keeps holes as undefined, typed arrays as arrays, errors as errors, an object with the tag key as it was', () => {
    // eslint-disable-next-line no-sparse-arrays -- the hole is what this test sends over the wire
    expect(roundTrip([1, , 3])).toStrictEqual([1, undefined, 3]);
    expect(roundTrip(new Uint8Array([1, 2, 255]))).toStrictEqual([1, 2, 255]);
    const error = roundTrip(new RangeError('out')) as Error;
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.message]).toEqual(['RangeError', 'out']);
    expect(roundTrip({ __wire: 'NaN', x: [undefined] })).toStrictEqual({ __wire: 'NaN', x: [undefined] });
  });

  it('shares a value met twice, and refuses a cycle', () => {
    const shared = { n: 1 };
    expect(roundTrip([shared, shared])).toStrictEqual([{ n: 1 }, { n: 1 }]);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encodeWire(cycle)).toThrow(/refers to itself/);
  });

  it('runs a function with its argument as the page would, and hands back its value, its error and the page events', async () => {
    const evaluate = (source: string, arg: unknown) => (0, eval)(callScript(source, arg, false)) as Promise<string>;
    const events: PageEvent[] = [];
    const value = readReply(
      await evaluate('async ([a, b]) => ({ sum: a + b.n, none: undefined, nan: NaN })', [1, { n: 2 }]),
      (e) => events.push(e),
    );
    expect(value).toStrictEqual({ sum: 3, none: undefined, nan: NaN });
    await expect(
      evaluate('() => { throw new TypeError("no") }', undefined).then((json) => readReply(json, () => {})),
    ).rejects.toThrow(/TypeError: no/);
    readReply(JSON.stringify({ value: 1, events: [{ kind: 'console', type: 'log', text: 'hi' }] }), (e) =>
      events.push(e),
    );
    expect(events).toEqual([{ kind: 'console', type: 'log', text: 'hi' }]);
  });

  it('starts a call under an id once, answers running until it is done, then its reply, then forgets it', async () => {
    const page = globalThis as unknown as { window?: unknown };
    page.window = globalThis;
    try {
      const run = (script: string) => (0, eval)(script) as Promise<string>;
      const poll = async (forget = false) =>
        JSON.parse(await run(pollScript('c1', forget))) as { state: string; reply?: string };
      expect(await poll()).toEqual({ state: 'missing' });
      const start = startScript(
        'c1',
        callScript('() => new Promise((r) => setTimeout(() => r(42), 50))', undefined, false),
      );
      expect(await run(start)).toBe('started');
      expect(await run(start)).toBe('started'); // sent twice, run once
      expect(await poll()).toEqual({ state: 'running' });
      await new Promise((r) => setTimeout(r, 80));
      const done = await poll();
      expect(done.state).toBe('done');
      expect(readReply(done.reply!, () => {})).toBe(42);
      expect(await poll(true)).toEqual({ state: 'forgotten' });
      expect(await poll()).toEqual({ state: 'missing' });
    } finally {
      delete page.window;
      delete (globalThis as { __wireCalls?: unknown }).__wireCalls;
    }
  });
});
