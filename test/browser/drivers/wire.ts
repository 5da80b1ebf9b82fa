// How values cross between Node and a page driven by puppeteer-core or selenium-webdriver. WebDriver classic sends
// JSON only (undefined and NaN arrive as null, -0 as 0), and BiDi has its own rules: both drivers get the same plain
// JSON string, tagged where JSON has no word for a value, so a spec sees in Firefox and WebKit what Playwright gives
// it in Chromium. Both functions run in the page too, from their source: they must not refer to anything outside.

/** A JSON-safe copy of `value`: undefined, NaN, ±Infinity, -0, bigint, Date, RegExp and Error are tagged. */
export function encodeWire(value: unknown): unknown {
  const TAG = '__wire';
  const path = new Set<object>();
  const walk = (v: unknown): unknown => {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return { [TAG]: 'undefined' };
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return { [TAG]: 'NaN' };
      if (v === Infinity) return { [TAG]: 'Infinity' };
      if (v === -Infinity) return { [TAG]: '-Infinity' };
      if (Object.is(v, -0)) return { [TAG]: '-0' };
      return v;
    }
    if (typeof v === 'bigint') return { [TAG]: 'bigint', v: String(v) };
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Date) return { [TAG]: 'Date', v: v.getTime() };
    if (v instanceof RegExp) return { [TAG]: 'RegExp', source: v.source, flags: v.flags };
    if (v instanceof Error) return { [TAG]: 'Error', name: v.name, message: v.message, stack: v.stack ?? '' };
    if (path.has(v)) throw new Error('the value refers to itself: it cannot leave the page');
    path.add(v);
    let out: unknown;
    if (Array.isArray(v)) out = Array.from(v, walk);
    else if (ArrayBuffer.isView(v)) out = Array.from(v as unknown as ArrayLike<number>, walk);
    else {
      const fields: Record<string, unknown> = {};
      for (const key of Object.keys(v)) fields[key] = walk((v as Record<string, unknown>)[key]);
      out = TAG in fields ? { [TAG]: 'object', v: fields } : fields;
    }
    path.delete(v);
    return out;
  };
  return walk(value);
}

/** The value {@link encodeWire} was given. */
export function decodeWire(value: unknown): unknown {
  const TAG = '__wire';
  const fields = (v: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) out[key] = walk(v[key]);
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    const o = v as Record<string, unknown>;
    switch (o[TAG]) {
      case undefined:
        return fields(o);
      case 'undefined':
        return undefined;
      case 'NaN':
        return NaN;
      case 'Infinity':
        return Infinity;
      case '-Infinity':
        return -Infinity;
      case '-0':
        return -0;
      case 'bigint':
        return BigInt(o.v as string);
      case 'Date':
        return new Date(o.v as number);
      case 'RegExp':
        return new RegExp(o.source as string, o.flags as string);
      case 'Error':
        return Object.assign(new Error(o.message as string), { name: o.name, stack: o.stack });
      case 'object':
        return fields(o.v as Record<string, unknown>);
      default:
        throw new Error(`unknown wire tag ${String(o[TAG])}`);
    }
  };
  return walk(value);
}

/** What a page script reports back: the value or the error it threw, and what the page logged meanwhile. */
export interface WireReply {
  value?: unknown;
  error?: { name: string; message: string; stack: string };
  events?: PageEvent[];
}

/** A page error or console message noticed in the page (for drivers without events of their own). */
export interface PageEvent {
  kind: 'pageerror' | 'console';
  type: string;
  text: string;
  stack?: string;
}

/**
 * An expression that evaluates to a promise of the JSON {@link WireReply} of `fnSource` called with the encoded
 * argument. `events` drains what the page listener installed by {@link listenerScript} has collected.
 */
export function callScript(fnSource: string, arg: unknown, events: boolean): string {
  return `(async () => {
    const encodeWire = ${encodeWire.toString()};
    const decodeWire = ${decodeWire.toString()};
    const reply = {};
    try {
      const fn = (${fnSource});
      const arg = decodeWire(JSON.parse(${JSON.stringify(JSON.stringify(encodeWire(arg)))}));
      reply.value = encodeWire(typeof fn === 'function' ? await fn(arg) : await fn);
    } catch (e) {
      reply.error = { name: String(e && e.name || 'Error'), message: String(e && e.message !== undefined ? e.message : e), stack: String(e && e.stack || '') };
    }
    ${events ? 'reply.events = (window.__wireEvents || []).splice(0);' : ''}
    return JSON.stringify(reply);
  })()`;
}

/**
 * Starts {@link callScript}'s call in the page under `id` and answers at once: the reply is fetched by
 * {@link pollScript}. No driver command then waits on a job for minutes, and a command the driver drops shows as a
 * call that never started, which can be told from a job that does not end.
 */
export function startScript(id: string, call: string): string {
  return `(() => {
    const calls = window.__wireCalls || (window.__wireCalls = {});
    if (!calls[${JSON.stringify(id)}]) {
      const slot = (calls[${JSON.stringify(id)}] = { reply: null });
      (${call}).then((json) => { slot.reply = json; });
    }
    return Promise.resolve('started');
  })()`;
}

/**
 * `{"state":"running"}`, `{"state":"missing"}` (never started, or the page was left), or the call's reply, which
 * `forget` then drops from the page (asking again without it is harmless, so a dropped poll can be repeated).
 */
export function pollScript(id: string, forget = false): string {
  return `(() => {
    const calls = window.__wireCalls || {};
    const slot = calls[${JSON.stringify(id)}];
    if (!slot) return Promise.resolve('{"state":"missing"}');
    if (slot.reply === null) return Promise.resolve('{"state":"running"}');
    ${forget ? `delete calls[${JSON.stringify(id)}];` : ''}
    return Promise.resolve(${forget ? `'{"state":"forgotten"}'` : `JSON.stringify({ state: 'done', reply: slot.reply })`});
  })()`;
}

/** A function that keeps page errors and console messages for {@link callScript} to collect (run after each navigation). */
export const listenerScript = `() => {
  if (window.__wireEvents) return;
  const events = (window.__wireEvents = []);
  window.addEventListener('error', (e) => events.push({ kind: 'pageerror', type: 'error', text: String(e.message), stack: String(e.error && e.error.stack || '') }));
  window.addEventListener('unhandledrejection', (e) => events.push({ kind: 'pageerror', type: 'error', text: String(e.reason && e.reason.message || e.reason), stack: String(e.reason && e.reason.stack || '') }));
  for (const [method, type] of [['log', 'log'], ['info', 'info'], ['warn', 'warning'], ['error', 'error'], ['debug', 'debug']]) {
    const original = console[method].bind(console);
    console[method] = (...args) => {
      events.push({ kind: 'console', type, text: args.map((a) => typeof a === 'string' ? a : (() => { try { return JSON.stringify(a); } catch { return String(a); } })()).join(' ') });
      original(...args);
    };
  }
}`;

/** The value of a reply, after handing on the events that came with it; the page's error is thrown here, as Playwright throws it. */
export function readReply(json: string, onEvent: (event: PageEvent) => void): unknown {
  const reply = JSON.parse(json) as WireReply;
  for (const event of reply.events ?? []) onEvent(event);
  if (reply.error)
    throw Object.assign(new Error(`page.evaluate: ${reply.error.name}: ${reply.error.message}\n${reply.error.stack}`), {
      name: reply.error.name,
    });
  return decodeWire(reply.value);
}
