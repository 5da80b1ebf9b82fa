// The original API's process strings (SPEC §5): `video/sprite,k_v,…|sys/saveas,b_…,o_…/notify,topic_…`, both ways.

import { decodeBase64Flexible, encodeBase64Url } from './base64.js';
import { invalidOption, showValue, SpriteError } from './errors.js';
import {
  checkOptionValue,
  describeRule,
  isOptionKey,
  OPTION_KEYS,
  OPTION_RULES,
  resolveOptions,
  type OptionKey,
  type SpriteOptions,
} from './options.js';

/** `sys/saveas`: where the original API stores the output. Values are decoded text; `object` is the name template. */
export interface SaveAs {
  /** Bucket name, returned to the caller unchanged. Non-empty. */
  bucket: string;
  /** Sheet file-name template (`{index}`, `{autoext}`, `%d`; see SPEC §5). Non-empty. */
  object: string;
}

/** `notify`: the message topic the original API reports to, returned to the caller unchanged. */
export interface Notify {
  /** Topic name. Non-empty. */
  topic: string;
}

/** A parsed process string: the options exactly as given (defaults not applied) and the pass-through parts. */
export interface ParsedProcess {
  /** The sprite options exactly as written (defaults not applied). */
  options: SpriteOptions;
  /** `sys/saveas`, when the string has it. */
  saveas?: SaveAs;
  /** `notify`, when the string has it. */
  notify?: Notify;
}

const PREFIX = 'x-oss-async-process=';
const ACTION = 'video/sprite';
const SAVEAS = 'sys/saveas';
const NOTIFY = 'notify';
const SAVEAS_KEYS = ['b', 'o'] as const;
const NOTIFY_KEYS = ['topic'] as const;

/** Standard base64 values may hold "/", so an action only ends where another known action's name starts. */
const NEXT_ACTION = /\/(?=(?:sys\/saveas|notify)(?:,|$))/;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A piece of the input and where it starts in the string the caller passed (0-based UTF-16 index). */
interface Token {
  text: string;
  at: number;
}

function syntax(message: string, token: string, position?: number, param?: string): SpriteError {
  const details: Record<string, unknown> = position === undefined ? { token } : { token, position };
  return new SpriteError('INVALID_PROCESS_STRING', message, param === undefined ? { details } : { param, details });
}

/** Splits `text` (which starts at `at`) on commas, keeping each piece's position. */
function splitCommas(text: string, at: number): Token[] {
  const tokens: Token[] = [];
  let start = 0;
  for (const piece of text.split(',')) {
    tokens.push({ text: piece, at: at + start });
    start += piece.length + 1;
  }
  return tokens;
}

/**
 * Splits a `key_value` token at its first underscore and checks the key against `allowed` and `seen`.
 * `where` names the action for messages (`''` for the sprite parameters themselves).
 */
function keyValue(
  token: Token,
  allowed: readonly string[],
  seen: Map<string, Token>,
  where: string,
): { key: string; raw: string } {
  const { text, at } = token;
  const of = where === '' ? '' : ` of ${where}`;
  const example = where === '' ? 'tw_3' : `${allowed[0]}_<base64>`;
  if (text === '') {
    throw syntax(
      `Empty parameter${of} at position ${at} (two commas in a row, or a trailing comma): expected key_value, e.g. "${example}".`,
      text,
      at,
    );
  }
  const cut = text.indexOf('_');
  if (cut <= 0) {
    // A forgotten underscore ("tw3") is the usual slip: name the likely intent.
    const guess =
      cut < 0
        ? [...allowed].sort((a, b) => b.length - a.length).find((k) => text.length > k.length && text.startsWith(k))
        : undefined;
    const hint = guess === undefined ? '' : ` (did you mean "${guess}_${text.slice(guess.length)}"?)`;
    throw syntax(
      `Malformed token ${JSON.stringify(text)}${of} at position ${at}: expected key_value, e.g. "${example}"${hint}.`,
      text,
      at,
    );
  }
  const key = text.slice(0, cut);
  const raw = text.slice(cut + 1);
  if (!allowed.includes(key)) {
    throw syntax(
      `Unknown parameter ${JSON.stringify(key)} in ${JSON.stringify(text)}${of}; valid parameters are ${allowed.join(', ')}.`,
      text,
      at,
      key,
    );
  }
  const earlier = seen.get(key);
  if (earlier !== undefined) {
    throw syntax(
      `Parameter ${JSON.stringify(key)}${of} is given twice (${JSON.stringify(earlier.text)} and ${JSON.stringify(text)}); give it once.`,
      text,
      at,
      key,
    );
  }
  if (raw === '') {
    const what = isOptionKey(key) ? describeRule(OPTION_RULES[key]) : 'base64 text';
    throw syntax(
      `Empty value in ${JSON.stringify(text)}${of}: expected ${key}_<value> where the value is ${what}.`,
      text,
      at,
      key,
    );
  }
  seen.set(key, token);
  return { key, raw };
}

/** Converts the text of a sprite parameter to its value and range-checks it (INVALID_OPTION, with the token). */
function optionValue(key: OptionKey, raw: string, token: Token): number | string {
  const rule = OPTION_RULES[key];
  const where = { token: token.text, position: token.at };
  if (rule.kind === 'int') {
    const range = { min: rule.min, max: rule.max ?? null };
    // Only plain digits: Number() would also take "1e2", "0x10", " 3" or "-0", which the original API does not.
    if (!/^[0-9]+$/.test(raw)) {
      throw invalidOption(
        key,
        `${key} must be ${describeRule(rule)}, written in plain decimal digits; got ${showValue(raw)} in ${JSON.stringify(token.text)}.`,
        { value: raw, ...range, ...where },
      );
    }
    const value = Number(raw);
    if (!Number.isSafeInteger(value)) {
      throw invalidOption(
        key,
        `${key} must be ${describeRule(rule)}; got ${raw} in ${JSON.stringify(token.text)}, beyond the largest exact integer ${Number.MAX_SAFE_INTEGER}.`,
        { value: raw, ...range, ...where },
      );
    }
    return check(key, value, token);
  }
  return check(key, raw, token);
}

/** checkOptionValue, with the offending token added to the message and details. */
function check<T extends number | string>(key: OptionKey, value: T, token: Token): T {
  try {
    checkOptionValue(key, value);
  } catch (e) {
    if (!(e instanceof SpriteError)) throw e;
    throw new SpriteError(e.code, `${e.message.replace(/\.$/, '')} (in ${JSON.stringify(token.text)}).`, {
      param: e.param ?? key,
      details: { ...e.details, token: token.text, position: token.at },
      cause: e,
    });
  }
  return value;
}

/** Decodes one saveas/notify value: base64 (either alphabet, padding optional) of UTF-8 text. */
function decodeValue(raw: string, token: Token, param: string): string {
  const bytes = decodeBase64Flexible(raw);
  if (bytes === null) {
    throw syntax(
      `The value of ${JSON.stringify(token.text)} is not base64 (base64url or standard, padding optional).`,
      token.text,
      token.at,
      param,
    );
  }
  let text: string;
  try {
    // ignoreBOM: a leading U+FEFF is part of the name, not a marker to strip.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw syntax(
      `The value of ${JSON.stringify(token.text)} is not UTF-8 text once decoded from base64.`,
      token.text,
      token.at,
      param,
    );
  }
  // The original document's own examples end their values in a newline: it is not part of the name.
  text = text.replace(/\r?\n$/, '');
  if (text === '')
    throw syntax(`The value of ${JSON.stringify(token.text)} is empty once decoded.`, token.text, token.at, param);
  return text;
}

/** Reads the `,k_v,…` parameters of a saveas/notify action (`body` starts at `at`), each allowed key exactly once. */
function actionParams(
  action: Token,
  body: string,
  at: number,
  allowed: readonly string[],
): Map<string, { raw: string; token: Token }> {
  const seen = new Map<string, Token>();
  const params = new Map<string, { raw: string; token: Token }>();
  // body starts with the comma after the action name
  for (const token of splitCommas(body.slice(1), at + 1)) {
    const { key, raw } = keyValue(token, allowed, seen, action.text);
    params.set(key, { raw, token });
  }
  for (const key of allowed) {
    if (!params.has(key)) {
      const whole = action.text + body;
      throw syntax(
        `${action.text} needs ${allowed.map((k) => `${k}_…`).join(' and ')}; ${key}_… is missing in ${JSON.stringify(whole)}.`,
        whole,
        action.at,
        key,
      );
    }
  }
  return params;
}

/** Parses what follows `|`: `sys/saveas,…` and/or `notify,…`, each at most once, joined by `/`. */
function parseTail(tail: string, at: number, out: ParsedProcess): void {
  const bar = tail.indexOf('|');
  if (bar >= 0) {
    throw syntax(
      `Unexpected second "|" at position ${at + bar}: join the actions with "/", e.g. "|${SAVEAS},b_…,o_…/${NOTIFY},topic_…".`,
      '|',
      at + bar,
    );
  }
  const seenActions = new Map<string, number>();
  let pos = 0;
  while (pos < tail.length) {
    const rest = tail.slice(pos);
    const known = [SAVEAS, NOTIFY].find((a) => rest.startsWith(a) && /^(?:[,/]|$)/.test(rest.slice(a.length)));
    const nameText = known ?? rest.split(',')[0] ?? rest;
    const name: Token = { text: nameText, at: at + pos };
    if (known === undefined) {
      throw syntax(
        `Unknown action ${JSON.stringify(nameText)} after "|" at position ${name.at}: expected "${SAVEAS},b_…,o_…" or "${NOTIFY},topic_…".`,
        nameText,
        name.at,
      );
    }
    const earlier = seenActions.get(nameText);
    if (earlier !== undefined) {
      throw syntax(
        `Action "${nameText}" is given twice (at positions ${earlier} and ${name.at}); give it at most once.`,
        nameText,
        name.at,
      );
    }
    seenActions.set(nameText, name.at);
    if (rest[nameText.length] !== ',') {
      const keys = nameText === SAVEAS ? 'b_…,o_…' : 'topic_…';
      throw syntax(
        `Action "${nameText}" at position ${name.at} has no parameters: expected "${nameText},${keys}".`,
        nameText,
        name.at,
      );
    }
    const afterName = rest.slice(nameText.length);
    const next = NEXT_ACTION.exec(afterName);
    const body = next ? afterName.slice(0, next.index) : afterName;
    const bodyAt = name.at + nameText.length;
    if (nameText === SAVEAS) {
      const p = actionParams(name, body, bodyAt, SAVEAS_KEYS);
      const b = p.get('b')!;
      const o = p.get('o')!;
      out.saveas = { bucket: decodeValue(b.raw, b.token, 'b'), object: decodeValue(o.raw, o.token, 'o') };
    } else {
      const p = actionParams(name, body, bodyAt, NOTIFY_KEYS);
      const topic = p.get('topic')!;
      out.notify = { topic: decodeValue(topic.raw, topic.token, 'topic') };
    }
    pos += nameText.length + body.length + (next ? 1 : 0);
  }
}

/**
 * Parses a process string of the original API, e.g.
 * `video/sprite,f_jpg,tw_3,th_3|sys/saveas,b_<base64>,o_<base64>/notify,topic_<base64>`.
 *
 * Surrounding whitespace and a leading `x-oss-async-process=` are dropped; whitespace inside is an error.
 * Integer values are plain decimal digits; saveas/notify values are base64url or standard base64, padding optional,
 * of UTF-8 text, one trailing newline of which is dropped.
 *
 * Throws {@link SpriteError}:
 * - `INVALID_PROCESS_STRING` for syntax: `details.token` holds the offending part and `details.position` its 0-based
 *   index in `input`; an unknown, duplicate or empty-valued parameter, a bad saveas/notify value or a missing one
 *   also sets `param`.
 * - `INVALID_OPTION` (with `param`) for a known parameter whose value is of the wrong type or out of range (the token
 *   is in the message and details), or for a rule across parameters (missing `f`, `m_avg` with `num_0`).
 *
 * @returns the options exactly as written (defaults are not applied) and the decoded saveas/notify parts.
 */
export function parseProcess(input: string): ParsedProcess {
  if (typeof input !== 'string') throw syntax(`A process string must be a string; got ${typeof input}.`, typeof input);
  let text = input.trim();
  let base = input.length - input.trimStart().length;
  if (text.startsWith(PREFIX)) {
    text = text.slice(PREFIX.length);
    base += PREFIX.length;
  }
  const ws = /\s/.exec(text);
  if (ws) {
    const near = text.slice(Math.max(0, ws.index - 10), ws.index + 10);
    throw syntax(
      `Whitespace inside the process string at position ${base + ws.index}, near ${JSON.stringify(near)}: remove it.`,
      near,
      base + ws.index,
    );
  }
  const bar = text.indexOf('|');
  const main = bar < 0 ? text : text.slice(0, bar);
  if (main !== ACTION && !main.startsWith(`${ACTION},`)) {
    const first = main.split(',')[0] ?? main;
    const hint = first.includes(ACTION) ? ` (only "${PREFIX}" may precede it)` : '';
    throw syntax(`Expected the string to start with "${ACTION}"${hint}; got ${JSON.stringify(first)}.`, first, base);
  }
  const options: Partial<Record<OptionKey, number | string>> = {};
  const seen = new Map<string, Token>();
  const tokens = main === ACTION ? [] : splitCommas(main.slice(ACTION.length + 1), base + ACTION.length + 1);
  for (const token of tokens) {
    const { key, raw } = keyValue(token, OPTION_KEYS, seen, '');
    if (isOptionKey(key)) options[key] = optionValue(key, raw, token);
  }
  const out: ParsedProcess = { options: options as SpriteOptions };
  if (bar >= 0) {
    if (bar === text.length - 1) {
      throw syntax(
        `Nothing after "|" at position ${base + bar}: expected "${SAVEAS},b_…,o_…" or "${NOTIFY},topic_…".`,
        '|',
        base + bar,
      );
    }
    parseTail(text.slice(bar + 1), base + bar + 1, out);
  }
  resolveOptions(out.options);
  return out;
}

/** Base64url (no padding) of a saveas/notify value, refusing what would not come back unchanged from parseProcess. */
function encodeValue(value: unknown, param: string, label: string): string {
  if (typeof value !== 'string' || value === '') {
    throw invalidOption(param, `${label} must be a non-empty string; got ${showValue(value)}.`, { value });
  }
  if (UNPAIRED_SURROGATE.test(value)) {
    throw invalidOption(
      param,
      `${label} ${showValue(value)} holds an unpaired UTF-16 surrogate, which UTF-8 cannot carry.`,
      { value },
    );
  }
  // parseProcess drops one trailing newline; a value that really ends in one gets a spare so it survives the trip.
  const text = value.endsWith('\n') ? `${value}\n` : value;
  return encodeBase64Url(new TextEncoder().encode(text));
}

/**
 * Writes a process string: `video/sprite`, then the options that are present (`undefined` is skipped) in
 * {@link OPTION_KEYS} order, then `|sys/saveas,b_…,o_…` and/or `/notify,topic_…` with the values as base64url
 * without padding. No prefix (`x-oss-async-process=`) is written.
 *
 * Throws {@link SpriteError} `INVALID_OPTION` for options {@link resolveOptions} rejects (unknown key, missing `f`,
 * bad value, `m_avg` with `num_0`), and for an empty, non-string or ill-formed (unpaired surrogate) bucket, object or
 * topic (`param` `b`, `o` or `topic`), so that the result always parses:
 * `parseProcess(formatProcess(p.options, p))` deep-equals `p` for any `p` returned by {@link parseProcess}.
 */
export function formatProcess(
  options: SpriteOptions,
  extra: { saveas?: SaveAs | undefined; notify?: Notify | undefined } = {},
): string {
  resolveOptions(options);
  let text = ACTION;
  for (const key of OPTION_KEYS) {
    const value = options[key];
    if (value === undefined) continue;
    checkOptionValue(key, value);
    text += `,${key}_${value}`;
  }
  const actions: string[] = [];
  if (extra.saveas !== undefined) {
    const b = encodeValue(extra.saveas.bucket, 'b', 'The saveas bucket');
    const o = encodeValue(extra.saveas.object, 'o', 'The saveas object name');
    actions.push(`${SAVEAS},b_${b},o_${o}`);
  }
  if (extra.notify !== undefined)
    actions.push(`${NOTIFY},topic_${encodeValue(extra.notify.topic, 'topic', 'The notify topic')}`);
  return actions.length > 0 ? `${text}|${actions.join('/')}` : text;
}
