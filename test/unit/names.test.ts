import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpriteError } from '../../src/core/errors.js';
import { checkNameTemplate, DEFAULT_NAME_TEMPLATE, jobBaseName, sheetFileName } from '../../src/core/names.js';

const refused: unknown = expect.objectContaining({ code: 'INVALID_OPTION', param: 'o' });

// Written from the OS rules (Microsoft's "Naming Files, Paths, and Namespaces", the 255-byte limit of ext4/APFS),
// not from the implementation, so that the property below checks one against the other.
const DEVICE_NAMES = new Set([
  'CON',
  'PRN',
  'AUX',
  'NUL',
  'CONIN$',
  'CONOUT$',
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- one code point (and one UTF-16 unit) per digit
  ...['COM', 'LPT'].flatMap((p) => [...'0123456789\u00b9\u00b2\u00b3'].map((d) => p + d)),
]);

/** Why `name` is not a safe single file name on Windows, macOS and Linux, or null when it is. */
function unsafe(name: string): string | null {
  if (name === '') return 'empty';
  if (/[/\\:*?"<>|]/.test(name)) return 'reserved character';
  for (const ch of name) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return 'control character';
    if (cp >= 0xd800 && cp <= 0xdfff) return 'unpaired surrogate';
  }
  if (/^[.\s]/.test(name)) return 'leading dot or space';
  if (/[.\s]$/.test(name)) return 'trailing dot or space';
  if (name.includes('..')) return '..';
  // Windows reads the part before the first dot, trailing spaces ignored, as the device name.
  if (DEVICE_NAMES.has(name.split('.')[0]!.trimEnd().toUpperCase())) return 'device name';
  if (new TextEncoder().encode(name).length > 255) return 'longer than 255 bytes';
  return null;
}

/** The sheet name, or the error: anything but INVALID_OPTION for `o` fails the test. */
function sheetOutcome(template: string, index: number): string | SpriteError {
  try {
    return sheetFileName(template, index, 'jpg');
  } catch (e) {
    if (!(e instanceof SpriteError)) throw e;
    expect(e).toMatchObject({ code: 'INVALID_OPTION', param: 'o' });
    return e;
  }
}

describe('sheet file names (SPEC §5)', () => {
  it('fills the default template', () => {
    expect([0, 1, 10].map((i) => sheetFileName(DEFAULT_NAME_TEMPLATE, i, 'jpg'))).toEqual([
      'sprite-0.jpg',
      'sprite-1.jpg',
      'sprite-10.jpg',
    ]);
    expect(sheetFileName(DEFAULT_NAME_TEMPLATE, 2, 'png')).toBe('sprite-2.png');
  });

  it("fills the original document's templates: {index}.{autoext} and %d", () => {
    expect(sheetFileName('outobjprefix-{index}.{autoext}', 3, 'jpg')).toBe('outobjprefix-3.jpg');
    expect(sheetFileName('outobjprefix-%d.jpg', 3, 'jpg')).toBe('outobjprefix-3.jpg');
    expect(sheetFileName('a{index}-{index}.{autoext}', 4, 'webp')).toBe('a4-4.webp');
  });

  it('adds _index when the template has no index placeholder, so sheets never overwrite each other', () => {
    expect(sheetFileName('example.jpg', 0, 'jpg')).toBe('example_0.jpg');
    expect(sheetFileName('example.{autoext}', 1, 'png')).toBe('example_1.png');
    expect(sheetFileName('example', 2, 'jpg')).toBe('example_2.jpg');
  });

  it('keeps a fixed extension as written and unknown placeholders literally', () => {
    expect(sheetFileName('x-{index}.png', 0, 'jpg')).toBe('x-0.png');
    expect(sheetFileName('{name}-{index}.{autoext}', 0, 'jpg')).toBe('{name}-0.jpg');
  });

  it('sanitises: no path separators, no .., no control characters, no leading dots', () => {
    expect(sheetFileName('../../etc/passwd', 0, 'jpg')).toBe('_._etc_passwd_0.jpg');
    expect(sheetFileName('a/b\\c-{index}.{autoext}', 0, 'jpg')).toBe('a_b_c-0.jpg');
    expect(sheetFileName('a\u0000b\u001f\u007f-{index}.{autoext}', 0, 'jpg')).toBe('ab-0.jpg');
    expect(sheetFileName('..hidden-{index}.{autoext}', 0, 'jpg')).toBe('hidden-0.jpg');
    for (const name of ['../../etc/passwd', 'a/../b', '..\\..\\x']) {
      const out = sheetFileName(name, 0, 'jpg');
      expect(out).not.toMatch(/[\\/]|\.\./);
    }
  });

  it('replaces the characters Windows refuses with _, so a drive prefix X: becomes X_', () => {
    expect(sheetFileName('C:name', 0, 'jpg')).toBe('C_name_0.jpg');
    expect(sheetFileName('X:{index}.{autoext}', 3, 'png')).toBe('X_3.png');
    expect(sheetFileName('C:\\Users\\me\\thumbs-{index}.{autoext}', 0, 'jpg')).toBe('C__Users_me_thumbs-0.jpg');
    expect(sheetFileName('a*b?c"d<e>f|g', 0, 'jpg')).toBe('a_b_c_d_e_f_g_0.jpg');
    expect(sheetFileName('clip 12:30:00-{index}.{autoext}', 1, 'webp')).toBe('clip 12_30_00-1.webp');
    // Replaced, not refused: a name of only such characters is still a name.
    expect(sheetFileName('*.jpg', 0, 'jpg')).toBe('__0.jpg');
  });

  it('removes C0 and C1 control characters, and makes unpaired surrogates U+FFFD', () => {
    expect(sheetFileName('a\u0001b\u0080c\u0085d\u009f-{index}.{autoext}', 0, 'jpg')).toBe('abcd-0.jpg');
    expect(sheetFileName('\t\r\n{index}.{autoext}', 0, 'jpg')).toBe('0.jpg');
    // Visible neighbours of the control ranges stay.
    expect(sheetFileName('~\u00a0\u00a9-{index}.{autoext}', 0, 'jpg')).toBe('~\u00a0\u00a9-0.jpg');
    expect(sheetFileName('\ud800x\udc00-{index}.{autoext}', 0, 'jpg')).toBe('\ufffdx\ufffd-0.jpg');
    expect(sheetFileName('\ud83d\ude00-{index}.{autoext}', 0, 'jpg')).toBe('\ud83d\ude00-0.jpg');
  });

  it('never ends in a dot or a space, and keeps those inside the name', () => {
    expect(sheetFileName('{index}.', 0, 'jpg')).toBe('0.jpg');
    expect(sheetFileName('{index} . ', 0, 'jpg')).toBe('0 . .jpg');
    expect(sheetFileName('  a b{index}.{autoext}', 0, 'jpg')).toBe('a b0.jpg');
    expect(sheetFileName('a.', 0, 'jpg')).toBe('a._0.jpg');
  });

  it('puts _ before Windows device names, in any case, with or without an extension', () => {
    // A template without an index gets _{index}, which already makes it an ordinary name.
    expect(sheetFileName('CON', 0, 'jpg')).toBe('CON_0.jpg');
    expect(sheetFileName('con.{autoext}', 0, 'jpg')).toBe('con_0.jpg');
    expect(sheetFileName('LPT1_{index}', 0, 'jpg')).toBe('LPT1_0.jpg');
    // The index can complete a device name, for some sheets only.
    expect([0, 1, 9, 10].map((i) => sheetFileName('COM{index}.{autoext}', i, 'png'))).toEqual([
      '_COM0.png',
      '_COM1.png',
      '_COM9.png',
      'COM10.png',
    ]);
    expect(sheetFileName('lpt{index}.jpg', 3, 'jpg')).toBe('_lpt3.jpg');
    expect(sheetFileName('nul.{index}', 0, 'jpg')).toBe('_nul.0.jpg');
    expect(sheetFileName('Aux.{index}.{autoext}', 2, 'webp')).toBe('_Aux.2.webp');
    expect(sheetFileName('PRN .{index}.{autoext}', 0, 'jpg')).toBe('_PRN .0.jpg');
    expect(sheetFileName('COM\u00b9.{index}', 0, 'jpg')).toBe('_COM\u00b9.0.jpg');
    expect(sheetFileName('conout$.{index}', 0, 'jpg')).toBe('_conout$.0.jpg');
    // Only the whole part before the first dot counts.
    expect(sheetFileName('CONSOLE.{index}', 0, 'jpg')).toBe('CONSOLE.0.jpg');
    expect(sheetFileName('con{index}.jpg', 0, 'jpg')).toBe('con0.jpg');
  });

  it('refuses a name over 255 UTF-8 bytes rather than cutting it, counting the index digits as written', () => {
    const at254 = `${'a'.repeat(249)}{index}.jpg`; // 249 + 1 digit + 4 = 254 bytes
    expect(sheetFileName(at254, 9, 'jpg')).toHaveLength(254);
    expect(sheetFileName(at254, 99, 'jpg')).toHaveLength(255);
    expect(() => sheetFileName(at254, 100, 'jpg')).toThrow(refused);
    expect(() => sheetFileName(`${'a'.repeat(300)}-{index}.{autoext}`, 0, 'jpg')).toThrow(
      /file name 306 long.*at most 255/,
    );
    try {
      sheetFileName(`${'a'.repeat(300)}-{index}.{autoext}`, 0, 'jpg');
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVALID_OPTION', param: 'o', details: { index: 0, length: 306, max: 255 } });
    }
    // Bytes, not characters: é is two bytes, 😀 four.
    expect(() => sheetFileName(`${'\u00e9'.repeat(126)}{index}.jpg`, 0, 'jpg')).toThrow(refused); // 252 + 5 bytes
    expect(sheetFileName(`${'\u00e9'.repeat(125)}{index}.jpg`, 0, 'jpg')).toHaveLength(130); // 250 + 5 bytes
    expect(() => sheetFileName(`${'\ud83d\ude00'.repeat(63)}{index}.jpg`, 0, 'jpg')).toThrow(refused); // 252 + 5
    // HFS+ stores names decomposed: ΐ is 2 bytes in UTF-8 but 3 UTF-16 units once decomposed.
    expect(() => sheetFileName(`${'\u0390'.repeat(84)}{index}.jpg`, 0, 'jpg')).toThrow(refused); // 252 + 5 units
    // Characters that are removed do not count.
    expect(sheetFileName(`${'\u0000'.repeat(1000)}a{index}.jpg`, 0, 'jpg')).toBe('a0.jpg');
    expect(() => checkNameTemplate(`${'a'.repeat(251)}.jpg`)).toThrow(refused); // 251 + _0 + .jpg
    expect(() => checkNameTemplate(`${'a'.repeat(249)}.jpg`)).not.toThrow();
  });

  it('rejects a template that leaves no name', () => {
    for (const bad of ['', '.jpg', '...', '\u0000', '.{autoext}', ' . ', '\u0085\u009f', '. .{autoext}']) {
      expect(() => checkNameTemplate(bad)).toThrow(refused);
    }
    expect(() => checkNameTemplate('{index}.{autoext}')).not.toThrow();
    expect(() => checkNameTemplate(42 as unknown as string)).toThrow(refused);
  });
});

describe('job base name', () => {
  it('derives the base name of the other outputs', () => {
    expect(jobBaseName(DEFAULT_NAME_TEMPLATE)).toBe('sprite');
    expect(jobBaseName('outobjprefix-{index}.{autoext}')).toBe('outobjprefix');
    expect(jobBaseName('outobjprefix-%d.jpg')).toBe('outobjprefix');
    expect(jobBaseName('{index}.{autoext}')).toBe('sprite');
    expect(jobBaseName('dir/thumbs')).toBe('dir_thumbs');
  });

  it('replaces, removes and trims as sheet names do, and never throws', () => {
    expect(jobBaseName('C:name')).toBe('C_name');
    expect(jobBaseName('X:{index}.{autoext}')).toBe('X');
    expect(jobBaseName('a*b?c"d<e>f|g')).toBe('a_b_c_d_e_f_g');
    expect(jobBaseName('a\u0000b\u001f\u007f\u0080c\u009f')).toBe('abc');
    expect(jobBaseName('thumbs. . ')).toBe('thumbs');
    expect(jobBaseName(' .thumbs')).toBe('thumbs');
    for (const empty of ['', '...', ':', '\u0000', '. .{autoext}']) expect(jobBaseName(empty)).toBe('sprite');
  });

  it('puts _ before Windows device names (con.vtt is the console)', () => {
    expect(jobBaseName('CON')).toBe('_CON');
    expect(jobBaseName('con.{autoext}')).toBe('_con');
    expect(jobBaseName('LPT1_{index}')).toBe('_LPT1');
    expect(jobBaseName('nul-%d.jpg')).toBe('_nul');
    expect(jobBaseName('aux.x')).toBe('_aux');
    expect(jobBaseName('COM\u00b2')).toBe('_COM\u00b2');
    expect(jobBaseName('COM10')).toBe('COM10');
  });

  it('cuts a long base at a whole character, leaving room for .storyboard.json', () => {
    expect(jobBaseName('a'.repeat(1000))).toBe('a'.repeat(238));
    expect(jobBaseName('\u00e9'.repeat(1000))).toBe('\u00e9'.repeat(119));
    expect(jobBaseName('\ud83d\ude00'.repeat(100))).toBe('\ud83d\ude00'.repeat(59));
    // Cut where only spaces follow a device name: trimmed, then guarded.
    expect(jobBaseName(`con${' '.repeat(300)}x`)).toBe('_con');
  });
});

// Templates as users and fuzzers write them: placeholders, extensions, device names, the characters Windows refuses,
// controls of both ranges, lone surrogates, any code point, and runs long enough to reach the 255-byte limit.
const nasty = fc.constantFrom(
  ...Array.from(':*?"<>|\\/. '),
  '\u0000',
  '\u0009',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u0085',
  '\u009f',
  '\ud800',
  '\udfff',
);
const fragment = fc.oneof(
  { weight: 4, arbitrary: nasty },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '{index}',
      '%d',
      '{autoext}',
      '.{autoext}',
      '.jpg',
      '.png',
      '.',
      '..',
      '_',
      '-',
      '{',
      '}',
      '%',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'CON',
      'con',
      'nul',
      'Aux',
      'PRN',
      'COM',
      'LPT',
      'COM1',
      'lpt\u00b3',
      'CONIN$',
      'X:',
      'C:\\',
      'a',
      'sprite',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', '\u00e9', '\u0390', '\u20ac', '\ud83d\ude00'), fc.integer({ min: 40, max: 260 }))
      .map(([c, n]) => c.repeat(n)),
  },
);
const template = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(''));
const index = fc.oneof(fc.nat({ max: 120 }), fc.nat());

describe('every name is safe on every OS (property)', () => {
  it('sheetFileName refuses with INVALID_OPTION for `o`, or gives a safe name with an extension', () => {
    let named = 0;
    fc.assert(
      fc.property(template, index, (t, i) => {
        const out = sheetOutcome(t, i);
        if (out instanceof SpriteError) return;
        named++;
        expect(unsafe(out), out).toBeNull();
        expect(out).toMatch(/\.[A-Za-z0-9]+$/);
      }),
      { numRuns: 3000 },
    );
    // The generator must mostly reach names, not only errors.
    expect(named).toBeGreaterThan(1500);
  });

  it('two sheets of one template never share a name', () => {
    fc.assert(
      fc.property(template, index, index, (t, i, j) => {
        fc.pre(i !== j);
        const a = sheetOutcome(t, i);
        const b = sheetOutcome(t, j);
        if (typeof a === 'string' && typeof b === 'string') expect(a).not.toBe(b);
      }),
      { numRuns: 2000 },
    );
  });

  it('jobBaseName never throws and gives a safe base, also with the longest suffix', () => {
    fc.assert(
      fc.property(template, (t) => {
        const base = jobBaseName(t);
        expect(unsafe(base), base).toBeNull();
        for (const suffix of ['.vtt', '.json', '.storyboard.json', '.zip'])
          expect(unsafe(base + suffix), base + suffix).toBeNull();
      }),
      { numRuns: 3000 },
    );
  });
});
