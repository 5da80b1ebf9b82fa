// The original API's process strings (SPEC §5): `video/sprite,k_v,…|sys/saveas,b_…,o_…/notify,topic_…`, both ways.

import { decodeBase64Flexible, encodeBase64Url } from './base64.js';
import { SpriteError } from './errors.js';
import { checkOptionValue, OPTION_KEYS, OPTION_RULES, resolveOptions, type OptionKey, type SpriteOptions } from './options.js';

/** `sys/saveas`: where the original API stores the output. Values are decoded; the object is the name template. */
export interface SaveAs {
  bucket: string;
  object: string;
}

/** `notify`: the message topic the original API reports to. */
export interface Notify {
  topic: string;
}

/** A parsed process string: the options as given (defaults not applied) and the pass-through parts. */
export interface ParsedProcess {
  options: SpriteOptions;
  saveas?: SaveAs;
  notify?: Notify;
}

const PREFIX = 'x-oss-async-process=';
const ACTION = 'video/sprite';

function syntax(message: string, token: string, param?: string): SpriteError {
  return new SpriteError('INVALID_PROCESS_STRING', message, param === undefined ? { details: { token } } : { param, details: { token } });
}

function isOptionKey(key: string): key is OptionKey {
  return (OPTION_KEYS as readonly string[]).includes(key);
}

/** Splits `key_value` at its first underscore (values may hold more). */
function splitToken(token: string): [string, string] {
  const at = token.indexOf('_');
  if (token === '') throw syntax('Empty parameter: two commas in a row, or a trailing comma.', token);
  if (at <= 0 || at === token.length - 1) {
    throw syntax(`Malformed token ${JSON.stringify(token)}: expected key_value, e.g. "tw_3".`, token);
  }
  return [token.slice(0, at), token.slice(at + 1)];
}

function parseOptionValue(key: OptionKey, raw: string, token: string): number | string {
  const rule = OPTION_RULES[key];
  const value = rule.kind === 'enum' ? raw : /^\d+$/.test(raw) ? Number(raw) : raw;
  try {
    checkOptionValue(key, value);
  } catch (e) {
    if (e instanceof SpriteError) {
      throw new SpriteError(e.code, `${e.message.replace(/\.$/, '')} (in ${JSON.stringify(token)}).`, { param: key, details: { ...e.details, token } });
    }
    throw e;
  }
  return value;
}

function decodeValue(raw: string, token: string, param: string): string {
  const bytes = decodeBase64Flexible(raw);
  if (!bytes) throw syntax(`The value of ${JSON.stringify(token)} is not base64 (base64url or standard, padding optional).`, token, param);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw syntax(`The value of ${JSON.stringify(token)} does not decode to UTF-8 text.`, token, param);
  }
  // The original document's own examples end their values in a newline: it is not part of the name.
  text = text.replace(/\r?\n$/, '');
  if (text === '') throw syntax(`The value of ${JSON.stringify(token)} is empty once decoded.`, token, param);
  return text;
}

/** Reads `,k_v,…` pairs of a saveas/notify action, allowing only `allowed` keys, each once. */
function actionParams(body: string, action: string, allowed: readonly string[]): Map<string, { raw: string; token: string }> {
  const params = new Map<string, { raw: string; token: string }>();
  if (!body.startsWith(',')) throw syntax(`Expected parameters after ${JSON.stringify(action)}, e.g. "${action},${allowed[0]}_…".`, action + body);
  for (const token of body.slice(1).split(',')) {
    const [key, raw] = splitToken(token);
    if (!allowed.includes(key)) {
      throw syntax(`Unknown parameter ${JSON.stringify(key)} in ${JSON.stringify(token)} of ${action}; valid parameters are ${allowed.join(', ')}.`, token, key);
    }
    if (params.has(key)) {
      throw syntax(`Parameter ${JSON.stringify(key)} of ${action} is given twice (${JSON.stringify(params.get(key)!.token)} and ${JSON.stringify(token)}).`, token, key);
    }
    params.set(key, { raw, token });
  }
  for (const key of allowed) {
    if (!params.has(key)) throw syntax(`${action} needs ${key}_… (missing).`, action + body, key);
  }
  return params;
}

/** Parses the part after `|`: `sys/saveas,…` and/or `notify,…`, each at most once, joined by `/`. */
function parseTail(tail: string, out: ParsedProcess): void {
  let rest = tail;
  while (rest !== '') {
    const action = rest.startsWith('sys/saveas') ? 'sys/saveas' : rest.startsWith('notify') ? 'notify' : null;
    if (!action) throw syntax(`Unknown action ${JSON.stringify(rest.split(',')[0])} after "|": expected sys/saveas or notify.`, rest.split(',')[0] ?? rest);
    rest = rest.slice(action.length);
    // Standard base64 values may hold "/": an action ends only where the next known action begins.
    const next = /\/(sys\/saveas|notify),/.exec(rest);
    const body = next ? rest.slice(0, next.index) : rest;
    rest = next ? rest.slice(next.index + 1) : '';
    if (action === 'sys/saveas') {
      if (out.saveas) throw syntax('sys/saveas is given twice.', action);
      const p = actionParams(body, action, ['b', 'o']);
      out.saveas = { bucket: decodeValue(p.get('b')!.raw, p.get('b')!.token, 'b'), object: decodeValue(p.get('o')!.raw, p.get('o')!.token, 'o') };
    } else {
      if (out.notify) throw syntax('notify is given twice.', action);
      const p = actionParams(body, action, ['topic']);
      out.notify = { topic: decodeValue(p.get('topic')!.raw, p.get('topic')!.token, 'topic') };
    }
  }
}

/**
 * Parses a process string. Surrounding whitespace and a leading `x-oss-async-process=` are dropped.
 * Throws {@link SpriteError}: `INVALID_PROCESS_STRING` for syntax (details.token holds the offending part; an
 * unknown or duplicate parameter also sets `param`), `INVALID_OPTION` for a known parameter with a bad value or a
 * rule across parameters (missing `f`, `m_avg` with `num_0`).
 */
export function parseProcess(input: string): ParsedProcess {
  if (typeof input !== 'string') throw syntax(`A process string must be a string; got ${typeof input}.`, String(input));
  let text = input.trim();
  if (text.startsWith(PREFIX)) text = text.slice(PREFIX.length);
  const ws = /\s/.exec(text);
  if (ws) {
    const near = text.slice(Math.max(0, ws.index - 10), ws.index + 10);
    throw syntax(`Whitespace inside the process string at position ${ws.index}, near ${JSON.stringify(near)}: remove it.`, near);
  }
  const bar = text.indexOf('|');
  const main = bar < 0 ? text : text.slice(0, bar);
  const tail = bar < 0 ? '' : text.slice(bar + 1);
  if (bar >= 0 && tail === '') throw syntax('Nothing after "|": expected sys/saveas,b_…,o_… or notify,topic_….', '|');
  if (!main.startsWith(ACTION) || (main.length > ACTION.length && main[ACTION.length] !== ',')) {
    throw syntax(`Expected the string to start with "${ACTION}"; got ${JSON.stringify(main.slice(0, 24))}.`, main.split(',')[0] ?? main);
  }
  const options: Record<string, number | string> = {};
  const tokens = main.length > ACTION.length ? main.slice(ACTION.length + 1).split(',') : [];
  const seen = new Map<string, string>();
  for (const token of tokens) {
    const [key, raw] = splitToken(token);
    if (!isOptionKey(key)) {
      throw syntax(`Unknown parameter ${JSON.stringify(key)} in ${JSON.stringify(token)}; valid parameters are ${OPTION_KEYS.join(', ')}.`, token, key);
    }
    if (seen.has(key)) throw syntax(`Parameter ${JSON.stringify(key)} is given twice (${JSON.stringify(seen.get(key))} and ${JSON.stringify(token)}).`, token, key);
    seen.set(key, token);
    options[key] = parseOptionValue(key, raw, token);
  }
  const out: ParsedProcess = { options: options as unknown as SpriteOptions };
  if (tail) parseTail(tail, out);
  resolveOptions(out.options);
  return out;
}

/**
 * Writes options (those present, in the original API's key order) and the optional saveas/notify parts as a
 * process string, values base64url without padding. Throws INVALID_OPTION for a bad value.
 * `parseProcess(formatProcess(p.options, p))` equals `p` for any parsed `p`.
 */
export function formatProcess(options: SpriteOptions, extra: { saveas?: SaveAs; notify?: Notify } = {}): string {
  let text = ACTION;
  for (const key of OPTION_KEYS) {
    const value = options[key];
    if (value === undefined) continue;
    checkOptionValue(key, value);
    text += `,${key}_${value}`;
  }
  const enc = (s: string) => encodeBase64Url(new TextEncoder().encode(s));
  const actions: string[] = [];
  if (extra.saveas) actions.push(`sys/saveas,b_${enc(extra.saveas.bucket)},o_${enc(extra.saveas.object)}`);
  if (extra.notify) actions.push(`notify,topic_${enc(extra.notify.topic)}`);
  return actions.length ? `${text}|${actions.join('/')}` : text;
}
