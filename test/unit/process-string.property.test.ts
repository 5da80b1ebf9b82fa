import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpriteError } from '../../src/core/errors.js';
import { OPTION_KEYS, OPTION_RULES, type SpriteOptions } from '../../src/core/options.js';
import { formatProcess, parseProcess, type ParsedProcess } from '../../src/core/process-string.js';

/** Parses or returns the SpriteError; anything else thrown fails the property, and so does a syntax error without
 *  the offending token or an option error without the parameter. */
function outcome(s: string): ParsedProcess | SpriteError {
  try {
    return parseProcess(s);
  } catch (e) {
    if (!(e instanceof SpriteError)) throw e;
    expect(['INVALID_PROCESS_STRING', 'INVALID_OPTION']).toContain(e.code);
    if (e.code === 'INVALID_PROCESS_STRING') expect(typeof e.details?.token).toBe('string');
    else expect(e.param).toBeTypeOf('string');
    return e;
  }
}

// Fragments of the grammar, so that generated strings are often nearly valid and reach deep into the parser.
const fragment = fc.oneof(
  fc.constantFrom('video/sprite', 'x-oss-async-process=', ',', '_', '|', '/', 'sys/saveas', 'notify', '=', ' ', '\n'),
  fc.constantFrom(...OPTION_KEYS, 'b', 'o', 'topic', 'xx'),
  fc.constantFrom('jpg', 'png', 'avg', 'key', 'fit', 'crop', '0', '1', '100', '4096', '-1', '1.5', '1e3'),
  fc.stringMatching(/^[A-Za-z0-9+/_-]{0,12}={0,2}$/),
  fc.string({ maxLength: 4 }),
);
const nearlyValid = fc.array(fragment, { maxLength: 24 }).map((parts) => parts.join(''));

const validOptions: fc.Arbitrary<SpriteOptions> = fc
  .record(
    Object.fromEntries(
      OPTION_KEYS.map((key) => {
        const rule = OPTION_RULES[key];
        const value =
          rule.kind === 'enum'
            ? fc.constantFrom(...rule.values)
            : rule.max !== undefined
              ? fc.integer({ min: rule.min, max: rule.max })
              : fc.oneof(fc.integer({ min: rule.min, max: 100_000 }), fc.maxSafeNat());
        return [key, value];
      }),
    ) as Record<string, fc.Arbitrary<string | number>>,
    { requiredKeys: ['f'] },
  )
  // avg with num 0 and key with skip are the cross-parameter errors; keep the generator to valid jobs.
  .filter(
    (o) => !(o.m === 'avg' && o.num === 0) && !(o.m === 'key' && o.skip !== undefined && o.skip !== 'none'),
  ) as unknown as fc.Arbitrary<SpriteOptions>;

// Any well-formed text, in two kinds of units; formatProcess must carry it unchanged (trailing newlines included).
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 20 })
    .filter((s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)),
);
const anyExtra = fc.record(
  { saveas: fc.record({ bucket: anyText, object: anyText }), notify: fc.record({ topic: anyText }) },
  { requiredKeys: [] },
);
// Hand-encoded names must not end in the newline the parser drops on purpose, nor in a "\r" that an appended "\n"
// would turn into a dropped "\r\n".
const passText = anyText.filter((s) => !/[\r\n]$/.test(s));
const extra = fc.record(
  { saveas: fc.record({ bucket: passText, object: passText }), notify: fc.record({ topic: passText }) },
  { requiredKeys: [] },
);

/** Valid process strings in the many surface forms users send: prefix or not, any key order, either base64
 *  alphabet, padded or not, a trailing newline inside decoded values, whitespace around. */
const validVariant = fc
  .record({
    options: validOptions,
    extra,
    order: fc.array(fc.nat(), { maxLength: OPTION_KEYS.length }),
    prefix: fc.boolean(),
    standard: fc.boolean(),
    padded: fc.boolean(),
    newline: fc.boolean(),
    around: fc.constantFrom('', ' ', '\n', '\t '),
  })
  .map(({ options, extra: x, order, prefix, standard, padded, newline, around }) => {
    const tokens = Object.entries(options).map(([k, v]) => `${k}_${v}`);
    order.forEach((j, i) => {
      const a = i % tokens.length;
      const b = j % tokens.length;
      [tokens[a], tokens[b]] = [tokens[b]!, tokens[a]!];
    });
    const enc = (text: string) => {
      let b64 = Buffer.from(newline ? `${text}\n` : text).toString(standard ? 'base64' : 'base64url');
      if (!padded) b64 = b64.replace(/=+$/, '');
      else if (!standard) b64 += '='.repeat((4 - (b64.length % 4)) % 4);
      return b64;
    };
    const actions: string[] = [];
    if (x.saveas) actions.push(`sys/saveas,b_${enc(x.saveas.bucket)},o_${enc(x.saveas.object)}`);
    if (x.notify) actions.push(`notify,topic_${enc(x.notify.topic)}`);
    const body = ['video/sprite', ...tokens].join(',') + (actions.length ? `|${actions.join('/')}` : '');
    return { text: `${around}${prefix ? 'x-oss-async-process=' : ''}${body}${around}`, options, extra: x };
  });

describe('parseProcess never fails with anything but a SpriteError', () => {
  it('on arbitrary strings (UTF-16 units, graphemes, any code point)', () => {
    const anyString = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
    );
    fc.assert(
      fc.property(anyString, (s) => void outcome(s)),
      { numRuns: 500 },
    );
  });

  it("on strings built from the grammar's own fragments", () => {
    fc.assert(
      fc.property(nearlyValid, (s) => void outcome(s)),
      { numRuns: 1500 },
    );
  });

  it('on valid strings with a few characters replaced, inserted or removed', () => {
    fc.assert(
      fc.property(
        validOptions,
        extra,
        fc.nat(),
        fc.string({ unit: 'binary', maxLength: 2 }),
        fc.nat({ max: 2 }),
        (o, x, at, ch, drop) => {
          const s = formatProcess(o, x);
          const i = at % s.length;
          void outcome(s.slice(0, i) + ch + s.slice(i + drop));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('formatProcess and parseProcess round-trip', () => {
  it('parse(format(options, extra)) gives back exactly the options and pass-through values', () => {
    fc.assert(
      fc.property(validOptions, anyExtra, (o, x) => {
        expect(parseProcess(formatProcess(o, x))).toEqual({ options: o, ...x });
      }),
      { numRuns: 500 },
    );
  });

  it('every surface form of a valid string parses to its options and pass-through values', () => {
    fc.assert(
      fc.property(validVariant, (v) => {
        expect(parseProcess(v.text)).toEqual({ options: v.options, ...v.extra });
      }),
      { numRuns: 500 },
    );
  });

  it('format(parse(s)) is a fixed point: parsing it again gives the same result', () => {
    fc.assert(
      fc.property(validVariant, (v) => {
        const first = parseProcess(v.text);
        expect(parseProcess(formatProcess(first.options, first))).toEqual(first);
      }),
      { numRuns: 500 },
    );
  });
});
