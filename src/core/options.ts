// The sprite parameters: their public type, the rules table every boundary validates against, and resolveOptions().

import { invalidOption, showValue } from './errors.js';
import type { SkipRule } from './frame-quality.js';

/** Sheet image format. `webp` is our addition to the original API. */
export type SpriteFormat = 'jpg' | 'png' | 'webp';

/** The MIME type a sheet of each format must have: a file is always what its name says. */
export const FORMAT_MIME: Readonly<Record<SpriteFormat, string>> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/**
 * Which encoder made a sheet's file: `canvas` is the browser's own (OffscreenCanvas.convertToBlob). A format the
 * browser's canvas cannot encode is refused (INVALID_OPTION on `f`), never written by it under another type.
 */
export type SheetEncoder = 'canvas';

/**
 * INVALID_OPTION on `f` when the browser encodes `format` as `madeType` instead (WebKit's canvas, asked for WebP, quietly
 * gives PNG); null when it is the right type.
 */
export function formatRefused(format: SpriteFormat, madeType: string): ReturnType<typeof invalidOption> | null {
  if (madeType === FORMAT_MIME[format]) return null;
  const others = (Object.keys(FORMAT_MIME) as SpriteFormat[]).filter((f) => f !== format);
  return invalidOption(
    'f',
    `This browser cannot encode f ${JSON.stringify(format)}: its canvas gives ${madeType || 'nothing'} instead of ${FORMAT_MIME[format]} (WebKit and Safari cannot encode WebP). Use f ${others.map((f) => JSON.stringify(f)).join(' or ')}.`,
    { value: format, made: madeType || null },
  );
}
/** Frame selection mode (SPEC §3). */
export type SpriteMode = 'inter' | 'key' | 'avg' | 'dhash';
/** How a frame fits its cell box (SPEC §2). */
export type ScaleType = 'crop' | 'stretch' | 'fill' | 'fit';

/**
 * The parameters of a sprite job, with the original API's short keys.
 * Every field but `f` is optional; absent (or `undefined`) means the default.
 */
export interface SpriteOptions {
  /** Start time on the presentation timeline, in ms from the first frame. Default 0; integer ≥ 0. */
  ss?: number | undefined;
  /** Sheet image format: `jpg`, `png` or `webp`. Required. */
  f: SpriteFormat;
  /** Frame selection mode: `inter` (fixed interval), `key` (key frames), `avg` (`num` evenly spaced), `dhash` (scene changes). Default `inter`. */
  m?: SpriteMode | undefined;
  /** dhash threshold: a candidate is kept when more than `thr` percent of its 64 hash bits changed. Default 0; integer 0..100. Ignored outside `dhash`. */
  thr?: number | undefined;
  /** Most frames to capture; 0 = no limit. Default 0, except `avg` where the default is `tw·th` and 0 is an error. Integer ≥ 0. */
  num?: number | undefined;
  /** Sampling interval for `inter` and `dhash`, in ms; 0 (or less than the frame interval) = every frame. Default 0; integer ≥ 0. */
  inter?: number | undefined;
  /** Cell box width in px. Default: from `psw`. Integer 32..4096; wins over `psw`. */
  sw?: number | undefined;
  /** Cell box height in px. Default: from `psh`. Integer 32..4096; wins over `psh`. */
  sh?: number | undefined;
  /** Cell box width as a percent of the source display width. Default 100; integer 1..200. */
  psw?: number | undefined;
  /** Cell box height as a percent of the source display height. Default 100; integer 1..200. */
  psh?: number | undefined;
  /** How a frame fits its cell box: `crop`, `stretch`, `fill` or `fit`. Default `stretch`. */
  scaletype?: ScaleType | undefined;
  /** Columns per sheet. Default 6; integer 1..100. */
  tw?: number | undefined;
  /** Rows per sheet. Default 6; integer 1..100. */
  th?: number | undefined;
  /** Gap between cells, in px. Default 2; integer 0..100. */
  pad?: number | undefined;
  /** Border around the grid, in px. Default 2; integer 0..100. */
  margin?: number | undefined;
  /** Encoder quality for `jpg` and `webp` (our addition). Default 90; integer 1..100. Ignored for `png`. */
  q?: number | undefined;
  /**
   * Frames to avoid (our addition): `none`; `black` (near-black: fades, black slugs); `blank` (also near-uniform of
   * any colour: a plain title card, a flash); `all` (also blurred). A chosen frame that is one of them gives way to
   * the nearest frame of its tile's interval that is none of them (the tile keeps its own frame if none is); the tile
   * records that frame's own time. In `dhash` such frames are not candidates. Not with `key`. Default `none`.
   */
  skip?: SkipRule | undefined;
}

/** The option names, in the order the original API's examples write them (used by formatProcess). */
export const OPTION_KEYS = [
  'f',
  'm',
  'ss',
  'thr',
  'num',
  'inter',
  'sw',
  'sh',
  'psw',
  'psh',
  'scaletype',
  'tw',
  'th',
  'pad',
  'margin',
  'q',
  'skip',
] as const satisfies readonly (keyof SpriteOptions)[];

/** One option name. */
export type OptionKey = (typeof OPTION_KEYS)[number];

/** An integer option's rule. `max` absent means no upper bound below Number.MAX_SAFE_INTEGER. */
export interface IntRule {
  /** Discriminant: an integer. */
  kind: 'int';
  /** Smallest valid value. */
  min: number;
  /** Largest valid value; absent = no bound. */
  max?: number;
  /** Unit shown in messages and labels. */
  unit?: 'ms' | 'px' | '%' | 'bytes';
}
/** A string option's rule: one of a fixed list. */
export interface EnumRule {
  /** Discriminant: one of a list. */
  kind: 'enum';
  /** The valid values. */
  values: readonly string[];
}
/** The rule for one option. */
export type OptionRule = IntRule | EnumRule;

/** Type and range of every option (SPEC §1): the single source the validator, the parser and the page read. */
export const OPTION_RULES: { readonly [K in OptionKey]: OptionRule } = {
  ss: { kind: 'int', min: 0, unit: 'ms' },
  f: { kind: 'enum', values: ['jpg', 'png', 'webp'] },
  m: { kind: 'enum', values: ['inter', 'key', 'avg', 'dhash'] },
  thr: { kind: 'int', min: 0, max: 100 },
  num: { kind: 'int', min: 0 },
  inter: { kind: 'int', min: 0, unit: 'ms' },
  sw: { kind: 'int', min: 32, max: 4096, unit: 'px' },
  sh: { kind: 'int', min: 32, max: 4096, unit: 'px' },
  psw: { kind: 'int', min: 1, max: 200, unit: '%' },
  psh: { kind: 'int', min: 1, max: 200, unit: '%' },
  scaletype: { kind: 'enum', values: ['crop', 'stretch', 'fill', 'fit'] },
  tw: { kind: 'int', min: 1, max: 100 },
  th: { kind: 'int', min: 1, max: 100 },
  pad: { kind: 'int', min: 0, max: 100, unit: 'px' },
  margin: { kind: 'int', min: 0, max: 100, unit: 'px' },
  q: { kind: 'int', min: 1, max: 100 },
  skip: { kind: 'enum', values: ['none', 'black', 'blank', 'all'] },
};

/** Defaults of the optional parameters (`num`'s depends on the mode; `sw`/`sh` have none). */
export const OPTION_DEFAULTS = {
  ss: 0,
  m: 'inter',
  thr: 0,
  num: 0,
  inter: 0,
  psw: 100,
  psh: 100,
  scaletype: 'stretch',
  tw: 6,
  th: 6,
  pad: 2,
  margin: 2,
  q: 90,
  skip: 'none',
} as const satisfies Partial<Record<OptionKey, number | string>>;

/** Options after defaults: every field set except `sw`/`sh`, which stay absent when the box comes from `psw`/`psh`. */
export interface ResolvedOptions {
  /** Start time, in ms from the first frame. */
  ss: number;
  /** Sheet image format. */
  f: SpriteFormat;
  /** Frame selection mode. */
  m: SpriteMode;
  /** dhash threshold, percent of hash bits. */
  thr: number;
  /** Resolved frame limit: 0 = none; for `avg` always ≥ 1. */
  num: number;
  /** Sampling interval, in ms; 0 = every frame. */
  inter: number;
  /** Cell box width in px, when given. */
  sw?: number;
  /** Cell box height in px, when given. */
  sh?: number;
  /** Cell box width, percent of the display width. */
  psw: number;
  /** Cell box height, percent of the display height. */
  psh: number;
  /** How a frame fits its cell box. */
  scaletype: ScaleType;
  /** Columns per sheet. */
  tw: number;
  /** Rows per sheet. */
  th: number;
  /** Gap between cells, in px. */
  pad: number;
  /** Border around the grid, in px. */
  margin: number;
  /** Encoder quality, 1..100. */
  q: number;
  /** Frames to avoid. */
  skip: SkipRule;
}

/** Human wording of a rule's valid values, e.g. `an integer from 32 to 4096 (px)` or `one of jpg, png, webp`. */
export function describeRule(rule: OptionRule): string {
  if (rule.kind === 'enum') return `one of ${rule.values.join(', ')}`;
  const unit = rule.unit ? ` (${rule.unit})` : '';
  return rule.max === undefined
    ? `an integer ≥ ${rule.min}${unit}`
    : `an integer from ${rule.min} to ${rule.max}${unit}`;
}

/** Throws INVALID_OPTION unless `value` satisfies the rule of `key`. */
export function checkOptionValue(key: OptionKey, value: unknown): void {
  checkRule(key, OPTION_RULES[key], value);
}

/**
 * Throws INVALID_OPTION, naming `name`, the value and the valid range, unless `value` satisfies `rule`. For settings
 * outside the option set (the call's own settings) that follow the same kinds of rule.
 */
export function checkRule(name: string, rule: OptionRule, value: unknown): void {
  const ok =
    rule.kind === 'enum'
      ? typeof value === 'string' && rule.values.includes(value)
      : typeof value === 'number' &&
        Number.isSafeInteger(value) &&
        value >= rule.min &&
        (rule.max === undefined || value <= rule.max);
  if (!ok) {
    throw invalidOption(name, `${name} must be ${describeRule(rule)}; got ${showValue(value)}.`, {
      value,
      ...(rule.kind === 'enum' ? { valid: rule.values } : { min: rule.min, max: rule.max ?? null }),
    });
  }
}

/** True when `key` is one of {@link OPTION_KEYS}. */
export function isOptionKey(key: string): key is OptionKey {
  return (OPTION_KEYS as readonly string[]).includes(key);
}

/**
 * Applies the defaults to `options` and validates every rule of SPEC §1, before any decoding.
 * Throws {@link SpriteError} `INVALID_OPTION` (with `param`) for an unknown key, a missing `f`, a value of the wrong
 * type or out of range, or `num` 0 given with `m_avg`. Nothing is clamped.
 */
export function resolveOptions(options: SpriteOptions): ResolvedOptions {
  // Typed for TypeScript callers; plain JavaScript can pass anything.
  const raw: unknown = options;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidOption('options', `options must be an object with at least f; got ${showValue(raw)}.`);
  }
  const given: Partial<Record<OptionKey, unknown>> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!isOptionKey(key)) {
      throw invalidOption(key, `Unknown option ${JSON.stringify(key)}; valid options are ${OPTION_KEYS.join(', ')}.`, {
        value,
      });
    }
    if (value === undefined) continue;
    checkOptionValue(key, value);
    given[key] = value;
  }
  if (given.f === undefined) {
    throw invalidOption('f', `f (the sheet format) is required: ${describeRule(OPTION_RULES.f)}.`);
  }
  const resolved = { ...OPTION_DEFAULTS, ...given } as ResolvedOptions;
  if (resolved.m === 'avg') {
    if (given.num === 0) {
      throw invalidOption(
        'num',
        'num must be at least 1 in avg mode (it is how many frames to spread over the video); got 0. Leave num out to get one full sheet (tw·th).',
        { value: 0, min: 1 },
      );
    }
    if (given.num === undefined) resolved.num = resolved.tw * resolved.th;
  }
  if (resolved.m === 'key' && resolved.skip !== 'none') {
    throw invalidOption(
      'skip',
      `skip ${JSON.stringify(resolved.skip)} cannot be used with m key: key mode shows the key frames themselves, and the frames between them are not decoded. Use m inter or avg to avoid ${resolved.skip === 'black' ? 'black' : 'black, blank or blurred'} frames, or leave skip out.`,
      { value: resolved.skip, mode: 'key' },
    );
  }
  return resolved;
}
