import { formatProcess, parseProcess } from '../../src/core/process-string.js';
import { describe, expect, it } from 'vitest';
import { SpriteError } from '../../src/core/errors.js';
import {
  checkRule,
  OPTION_KEYS,
  OPTION_RULES,
  resolveOptions,
  type OptionKey,
  type SpriteOptions,
} from '../../src/core/options.js';
import { errorOf } from './support.js';

// Every integer row of SPEC §1 with its bounds; `undefined` max = no upper bound.
const INT_ROWS: [OptionKey, number, number | undefined][] = [
  ['ss', 0, undefined],
  ['thr', 0, 100],
  ['num', 0, undefined],
  ['inter', 0, undefined],
  ['sw', 32, 4096],
  ['sh', 32, 4096],
  ['psw', 1, 200],
  ['psh', 1, 200],
  ['tw', 1, 100],
  ['th', 1, 100],
  ['pad', 0, 100],
  ['margin', 0, 100],
  ['q', 1, 100],
];

describe('resolveOptions defaults', () => {
  it('fills every documented default when only f is given', () => {
    expect(resolveOptions({ f: 'jpg' })).toEqual({
      ss: 0,
      f: 'jpg',
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
    });
  });

  it('refuses skip with key mode, naming skip and what to use instead', () => {
    const error = (() => {
      try {
        resolveOptions({ f: 'jpg', m: 'key', skip: 'black' });
      } catch (e) {
        return e as { code: string; param: string; message: string };
      }
      return null;
    })();
    expect(error).toMatchObject({ code: 'INVALID_OPTION', param: 'skip' });
    expect(error!.message).toMatch(/m key.*Use m inter or avg/);
    expect(resolveOptions({ f: 'jpg', m: 'key', skip: 'none' }).skip).toBe('none');
    expect(() => resolveOptions({ f: 'jpg', skip: 'grey' as never })).toThrow(
      /skip must be one of none, black, blank, all/,
    );
  });

  it('reads skip in a process string and writes it back', () => {
    const parsed = parseProcess('video/sprite,f_jpg,inter_10000,skip_all');
    expect(parsed.options).toEqual({ f: 'jpg', inter: 10000, skip: 'all' });
    expect(formatProcess(parsed.options)).toBe('video/sprite,f_jpg,inter_10000,skip_all');
    expect(() => parseProcess('video/sprite,f_jpg,m_key,skip_black')).toThrow(/cannot be used with m key/);
  });

  it('leaves sw and sh absent unless given, so the box comes from psw/psh', () => {
    const r = resolveOptions({ f: 'png', sw: 200 });
    expect(r.sw).toBe(200);
    expect('sh' in r).toBe(false);
  });

  it('treats an undefined value as absent', () => {
    expect(resolveOptions({ f: 'jpg', tw: undefined }).tw).toBe(6);
  });

  it("defaults num to tw·th in avg mode (the original document's avg example gives no num)", () => {
    expect(resolveOptions({ f: 'jpg', m: 'avg', tw: 10, th: 10 }).num).toBe(100);
    expect(resolveOptions({ f: 'jpg', m: 'avg' }).num).toBe(36);
    expect(resolveOptions({ f: 'jpg', m: 'avg', num: 7 }).num).toBe(7);
  });

  it('keeps num 0 (no limit) outside avg mode', () => {
    for (const m of ['inter', 'key', 'dhash'] as const) expect(resolveOptions({ f: 'jpg', m, num: 0 }).num).toBe(0);
  });
});

describe('resolveOptions bounds: every integer row of SPEC §1 at and just past each bound', () => {
  for (const [key, min, max] of INT_ROWS) {
    it(`${key}: accepts ${min}${max === undefined ? '' : ` and ${max}`}, rejects ${min - 1}${max === undefined ? '' : ` and ${max + 1}`}`, () => {
      const ok = (v: number) => resolveOptions({ f: 'jpg', [key]: v });
      expect(ok(min)[key]).toBe(min);
      if (max !== undefined) expect(ok(max)[key]).toBe(max);
      else expect(ok(Number.MAX_SAFE_INTEGER)[key]).toBe(Number.MAX_SAFE_INTEGER);

      const below = errorOf(() => ok(min - 1));
      expect(below.code).toBe('INVALID_OPTION');
      expect(below.param).toBe(key);
      expect(below.message).toContain(key);
      expect(below.message).toContain(String(min - 1));
      expect(below.message).toContain(String(min));
      if (max !== undefined) {
        const above = errorOf(() => ok(max + 1));
        expect(above.param).toBe(key);
        expect(above.message).toContain(String(max + 1));
        expect(above.message).toMatch(new RegExp(`from ${min} to ${max}`));
      }
    });
  }

  it('the table above covers every integer option of OPTION_RULES', () => {
    const ints = OPTION_KEYS.filter((k) => OPTION_RULES[k].kind === 'int');
    expect(INT_ROWS.map(([k]) => k).sort()).toEqual([...ints].sort());
  });
});

describe('resolveOptions type and value errors', () => {
  it.each([
    ['sw', 200.5],
    ['tw', '3'],
    ['pad', Number.NaN],
    ['margin', Infinity],
    ['ss', 2 ** 53],
    ['num', true],
    ['inter', null],
  ])('rejects %s = %p as not an integer in range', (key, value) => {
    const e = errorOf(() => resolveOptions({ f: 'jpg', [key]: value } as unknown as SpriteOptions));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.param).toBe(key);
    expect(e.message).toMatch(/integer/);
  });

  it.each([
    ['f', 'gif', 'jpg, png, webp'],
    ['m', 'fast', 'inter, key, avg, dhash'],
    ['scaletype', 'zoom', 'crop, stretch, fill, fit'],
    ['f', 'JPG', 'jpg, png, webp'],
  ])('rejects %s = %p and lists the valid values', (key, value, valid) => {
    const e = errorOf(() => resolveOptions({ f: 'jpg', [key]: value } as unknown as SpriteOptions));
    expect(e.param).toBe(key);
    expect(e.message).toContain(JSON.stringify(value));
    expect(e.message).toContain(valid);
  });

  it('requires f', () => {
    const e = errorOf(() => resolveOptions({} as SpriteOptions));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.param).toBe('f');
    expect(e.message).toMatch(/required/);
  });

  it('rejects an unknown option and names it', () => {
    const e = errorOf(() => resolveOptions({ f: 'jpg', sww: 200 } as unknown as SpriteOptions));
    expect(e.param).toBe('sww');
    expect(e.message).toContain('"sww"');
  });

  it('rejects num 0 given explicitly in avg mode', () => {
    const e = errorOf(() => resolveOptions({ f: 'jpg', m: 'avg', num: 0 }));
    expect(e.param).toBe('num');
    expect(e.message).toMatch(/avg/);
  });

  it('rejects a non-object', () => {
    expect(errorOf(() => resolveOptions(null as unknown as SpriteOptions)).code).toBe('INVALID_OPTION');
    expect(errorOf(() => resolveOptions('f_jpg' as unknown as SpriteOptions)).code).toBe('INVALID_OPTION');
  });
});

describe('SpriteError across a worker boundary', () => {
  it('survives structured cloning through toData/fromData with code, param and details', () => {
    const original = errorOf(() => resolveOptions({ f: 'jpg', tw: 0 }));
    const copy = SpriteError.fromData(structuredClone(original.toData()));
    expect(copy).toBeInstanceOf(SpriteError);
    expect(copy).toBeInstanceOf(Error);
    expect(copy.name).toBe('SpriteError');
    expect(copy.code).toBe(original.code);
    expect(copy.param).toBe('tw');
    expect(copy.message).toBe(original.message);
    expect(copy.details).toEqual(original.details);
  });

  it('maps an unknown code from the other side to INTERNAL rather than trusting it', () => {
    const e = SpriteError.fromData({ name: 'SpriteError', code: 'NOPE' as 'INTERNAL', message: 'm' });
    expect(e.code).toBe('INTERNAL');
  });
});

describe('checkRule', () => {
  it('checks a setting outside the option set by the same rules, naming it, the value and the range', () => {
    expect(() => checkRule('decoders', { kind: 'int', min: 1, max: 8 }, 4)).not.toThrow();
    const high = errorOf(() => checkRule('decoders', { kind: 'int', min: 1, max: 8 }, 9));
    expect(high.code).toBe('INVALID_OPTION');
    expect(high.param).toBe('decoders');
    expect(high.message).toBe('decoders must be an integer from 1 to 8; got 9.');
    const negative = errorOf(() => checkRule('memfsLimit', { kind: 'int', min: 0, unit: 'bytes' }, -1));
    expect(negative.message).toBe('memfsLimit must be an integer ≥ 0 (bytes); got -1.');
    expect(errorOf(() => checkRule('memfsLimit', { kind: 'int', min: 0, unit: 'bytes' }, 1.5)).param).toBe(
      'memfsLimit',
    );
  });
});
