import { describe, expect, it } from 'vitest';
import { decodeBase64Flexible, encodeBase64Url } from '../../src/core/base64.js';
import { formatProcess, parseProcess } from '../../src/core/process-string.js';
import { errorOf } from './support.js';

const TAIL =
  '|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqcHJlZml4LXtpbmRleH0ue2F1dG9leHR9Cg/notify,topic_ZXhhbXBsZS1tbnMtdG9waWMK';
const EXAMPLE_1 = `x-oss-async-process=video/sprite,f_jpg,sw_200,sh_150,inter_2000,tw_3,th_3,pad_0,margin_0${TAIL}`;
const EXAMPLE_2 = `x-oss-async-process=video/sprite,f_jpg,m_avg,psw_10,psh_10,scaletype_fit,tw_10,th_10,pad_4,margin_5${TAIL}`;
const PASS_THROUGH = {
  saveas: { bucket: 'outbucket', object: 'outobjprefix-{index}.{autoext}' },
  notify: { topic: 'example-mns-topic' },
};

describe("the original document's examples", () => {
  it('example 1 (every 2 s, 3 × 3 of 200 × 150) parses to exactly its parameters', () => {
    expect(parseProcess(EXAMPLE_1)).toEqual({
      options: { f: 'jpg', sw: 200, sh: 150, inter: 2000, tw: 3, th: 3, pad: 0, margin: 0 },
      ...PASS_THROUGH,
    });
  });

  it('example 2 (avg, 10 × 10, 10 % fit) parses to exactly its parameters', () => {
    expect(parseProcess(EXAMPLE_2)).toEqual({
      options: { f: 'jpg', m: 'avg', psw: 10, psh: 10, scaletype: 'fit', tw: 10, th: 10, pad: 4, margin: 5 },
      ...PASS_THROUGH,
    });
  });

  it('parses the same without the x-oss-async-process= prefix and with surrounding whitespace', () => {
    expect(parseProcess(`  ${EXAMPLE_1.slice('x-oss-async-process='.length)}\n`)).toEqual(parseProcess(EXAMPLE_1));
  });

  it('parses the SDK examples (Java/Python unpadded base64url, Go padded)', () => {
    const style = 'video/sprite,f_jpg,sw_100,sh_100,inter_10000,tw_10,th_10,pad_0,margin_0';
    const bucket = encodeBase64Url(new TextEncoder().encode('examplebucket'));
    const target = encodeBase64Url(new TextEncoder().encode('example.jpg'));
    const padded = Buffer.from('example.jpg').toString('base64url') + '=';
    for (const s of [
      `${style}|sys/saveas,b_${bucket},o_${target}/notify,topic_QXVkaW9Db252ZXJ0`,
      `${style}|sys/saveas,b_${Buffer.from('examplebucket').toString('base64')},o_${padded}/notify,topic_QXVkaW9Db252ZXJ0`,
    ]) {
      const p = parseProcess(s);
      expect(p.options).toEqual({ f: 'jpg', sw: 100, sh: 100, inter: 10000, tw: 10, th: 10, pad: 0, margin: 0 });
      expect(p.saveas).toEqual({ bucket: 'examplebucket', object: 'example.jpg' });
      expect(p.notify).toEqual({ topic: 'AudioConvert' });
    }
  });
});

describe('saveas and notify values', () => {
  it('accept padded, unpadded and standard-alphabet base64', () => {
    const raw = 'a/b?c>d~'; // standard base64 of this has "/" and "+", base64url has "_" and "-"
    const std = Buffer.from(raw).toString('base64');
    const url = Buffer.from(raw).toString('base64url');
    expect(std).toMatch(/[+/]/);
    for (const v of [std, url, url.replace(/=+$/, '')]) {
      expect(parseProcess(`video/sprite,f_png|notify,topic_${v}`).notify).toEqual({ topic: raw });
    }
  });

  it('a "/" inside a standard base64 value does not end the action', () => {
    const bucket = Buffer.from('??>').toString('base64'); // "Pz8+"
    const object = Buffer.from('o??~').toString('base64'); // contains "/"
    expect(object).toContain('/');
    const p = parseProcess(`video/sprite,f_png|sys/saveas,b_${bucket},o_${object}/notify,topic_dA`);
    expect(p.saveas).toEqual({ bucket: '??>', object: 'o??~' });
    expect(p.notify).toEqual({ topic: 't' });
  });

  it('drop one trailing newline (\\n or \\r\\n) of a decoded value, no more', () => {
    const enc = (s: string) => Buffer.from(s).toString('base64url');
    expect(parseProcess(`video/sprite,f_png|notify,topic_${enc('t\r\n')}`).notify!.topic).toBe('t');
    expect(parseProcess(`video/sprite,f_png|notify,topic_${enc('t\n\n')}`).notify!.topic).toBe('t\n');
  });

  it('allow saveas alone and notify alone', () => {
    expect(parseProcess('video/sprite,f_jpg|sys/saveas,b_Yg,o_bw').saveas).toEqual({ bucket: 'b', object: 'o' });
    expect(parseProcess('video/sprite,f_jpg|notify,topic_dA').saveas).toBeUndefined();
  });
});

describe('errors carry the code, the parameter and the offending token', () => {
  const badUtf8 = Buffer.from([0xff, 0xfe]).toString('base64url');
  it.each([
    ['unknown parameter', 'video/sprite,f_jpg,sww_200', 'INVALID_PROCESS_STRING', 'sww', 'sww_200'],
    ['duplicate parameter', 'video/sprite,f_jpg,tw_3,tw_4', 'INVALID_PROCESS_STRING', 'tw', 'tw_4'],
    ['malformed token', 'video/sprite,f_jpg,tw3', 'INVALID_PROCESS_STRING', undefined, 'tw3'],
    ['token without a key', 'video/sprite,f_jpg,_3', 'INVALID_PROCESS_STRING', undefined, '_3'],
    ['empty value', 'video/sprite,f_jpg,tw_', 'INVALID_PROCESS_STRING', 'tw', 'tw_'],
    ['empty token', 'video/sprite,f_jpg,,tw_3', 'INVALID_PROCESS_STRING', undefined, ''],
    ['trailing comma', 'video/sprite,f_jpg,', 'INVALID_PROCESS_STRING', undefined, ''],
    ['negative int', 'video/sprite,f_jpg,tw_-1', 'INVALID_OPTION', 'tw', 'tw_-1'],
    ['fractional int', 'video/sprite,f_jpg,tw_1.5', 'INVALID_OPTION', 'tw', 'tw_1.5'],
    ['exponent int', 'video/sprite,f_jpg,tw_1e2', 'INVALID_OPTION', 'tw', 'tw_1e2'],
    ['hexadecimal int', 'video/sprite,f_jpg,tw_0x10', 'INVALID_OPTION', 'tw', 'tw_0x10'],
    ['letters for an int', 'video/sprite,f_jpg,tw_abc', 'INVALID_OPTION', 'tw', 'tw_abc'],
    ['int beyond safe range', 'video/sprite,f_jpg,ss_9007199254740992', 'INVALID_OPTION', 'ss', 'ss_9007199254740992'],
    ['out of range', 'video/sprite,f_jpg,tw_101', 'INVALID_OPTION', 'tw', 'tw_101'],
    ['below range', 'video/sprite,f_jpg,sw_31', 'INVALID_OPTION', 'sw', 'sw_31'],
    ['unknown format', 'video/sprite,f_gif', 'INVALID_OPTION', 'f', 'f_gif'],
    ['enum in the wrong case', 'video/sprite,f_jpg,m_AVG', 'INVALID_OPTION', 'm', 'm_AVG'],
    ['missing video/sprite', 'video/snapshot,f_jpg', 'INVALID_PROCESS_STRING', undefined, 'video/snapshot'],
    ['video/sprite glued to more', 'video/spritex,f_jpg', 'INVALID_PROCESS_STRING', undefined, 'video/spritex'],
    ['empty string', '   ', 'INVALID_PROCESS_STRING', undefined, ''],
    ['bad base64 character', 'video/sprite,f_jpg|notify,topic_a*b', 'INVALID_PROCESS_STRING', 'topic', 'topic_a*b'],
    ['impossible base64 length', 'video/sprite,f_jpg|sys/saveas,b_Y,o_bw', 'INVALID_PROCESS_STRING', 'b', 'b_Y'],
    ['wrong base64 padding', 'video/sprite,f_jpg|sys/saveas,b_Yg=,o_bw', 'INVALID_PROCESS_STRING', 'b', 'b_Yg='],
    ['bad utf-8', `video/sprite,f_jpg|notify,topic_${badUtf8}`, 'INVALID_PROCESS_STRING', 'topic', `topic_${badUtf8}`],
    ['value empty once decoded', 'video/sprite,f_jpg|sys/saveas,b_Yg,o_Cg', 'INVALID_PROCESS_STRING', 'o', 'o_Cg'],
    ['empty saveas value', 'video/sprite,f_jpg|sys/saveas,b_,o_bw', 'INVALID_PROCESS_STRING', 'b', 'b_'],
    ['unknown saveas key', 'video/sprite,f_jpg|sys/saveas,b_Yg,o_bw,x_eA', 'INVALID_PROCESS_STRING', 'x', 'x_eA'],
    ['unknown notify key', 'video/sprite,f_jpg|notify,b_Yg', 'INVALID_PROCESS_STRING', 'b', 'b_Yg'],
    ['duplicate saveas key', 'video/sprite,f_jpg|sys/saveas,b_Yg,b_Yw,o_bw', 'INVALID_PROCESS_STRING', 'b', 'b_Yw'],
    ['saveas missing o', 'video/sprite,f_jpg|sys/saveas,b_Yg', 'INVALID_PROCESS_STRING', 'o', 'sys/saveas,b_Yg'],
    ['saveas missing b', 'video/sprite,f_jpg|sys/saveas,o_bw', 'INVALID_PROCESS_STRING', 'b', 'sys/saveas,o_bw'],
    [
      'saveas without parameters',
      'video/sprite,f_jpg|sys/saveas/notify,topic_dA',
      'INVALID_PROCESS_STRING',
      undefined,
      'sys/saveas',
    ],
    [
      'notify without parameters',
      'video/sprite,f_jpg|sys/saveas,b_Yg,o_bw/notify',
      'INVALID_PROCESS_STRING',
      undefined,
      'notify',
    ],
    [
      'duplicate saveas',
      'video/sprite,f_jpg|sys/saveas,b_Yg,o_bw/sys/saveas,b_Yg,o_bw',
      'INVALID_PROCESS_STRING',
      undefined,
      'sys/saveas',
    ],
    [
      'duplicate notify',
      'video/sprite,f_jpg|notify,topic_dA/notify,topic_dA',
      'INVALID_PROCESS_STRING',
      undefined,
      'notify',
    ],
    ['unknown action', 'video/sprite,f_jpg|sys/copy,b_Yg', 'INVALID_PROCESS_STRING', undefined, 'sys/copy'],
    ['second |', 'video/sprite,f_jpg|sys/saveas,b_Yg,o_bw|notify,topic_dA', 'INVALID_PROCESS_STRING', undefined, '|'],
    ['nothing after |', 'video/sprite,f_jpg|', 'INVALID_PROCESS_STRING', undefined, '|'],
    ['whitespace inside', 'video/sprite,f_jpg, tw_3', 'INVALID_PROCESS_STRING', undefined, 'tw_3'],
  ])('%s: %s', (_label, input, code, param, token) => {
    const e = errorOf(() => parseProcess(input));
    expect(e.code).toBe(code);
    expect(e.param).toBe(param);
    expect(e.message).toContain(token === '' ? '"' : token);
    expect(String(e.details?.token)).toContain(token);
  });

  it('says what was expected', () => {
    expect(errorOf(() => parseProcess('video/sprite,f_jpg,sww_200')).message).toBe(
      'Unknown parameter "sww" in "sww_200"; valid parameters are f, m, ss, thr, num, inter, sw, sh, psw, psh, scaletype, tw, th, pad, margin, q, skip.',
    );
    expect(errorOf(() => parseProcess('video/sprite,f_jpg,tw_3,tw_4')).message).toContain(
      'Parameter "tw" is given twice ("tw_3" and "tw_4")',
    );
    expect(errorOf(() => parseProcess('video/sprite,f_jpg,tw3')).message).toMatch(
      /Malformed token "tw3".*expected key_value.*did you mean "tw_3"/,
    );
    expect(errorOf(() => parseProcess('image/resize,w_100')).message).toContain(
      'Expected the string to start with "video/sprite"',
    );
    expect(errorOf(() => parseProcess('video/sprite,f_jpg,tw_101')).message).toMatch(
      /tw must be an integer from 1 to 100.*101.*"tw_101"/,
    );
    expect(errorOf(() => parseProcess('video/sprite,f_jpg,tw_1e2')).message).toContain('plain decimal digits');
  });

  it('gives the position of the offending token in the string as passed, prefix and leading spaces included', () => {
    const input = '  x-oss-async-process=video/sprite,f_jpg,tw_3,sww_200';
    expect(errorOf(() => parseProcess(input)).details).toMatchObject({
      token: 'sww_200',
      position: input.indexOf('sww_200'),
    });
    const tail = 'video/sprite,f_jpg|sys/saveas,b_Yg,o_bw/notify,topic_a*b';
    expect(errorOf(() => parseProcess(tail)).details).toMatchObject({
      token: 'topic_a*b',
      position: tail.indexOf('topic_a*b'),
    });
    const range = 'video/sprite,f_jpg,tw_101';
    expect(errorOf(() => parseProcess(range)).details).toMatchObject({
      token: 'tw_101',
      position: 19,
      value: 101,
      min: 1,
      max: 100,
    });
    const ws = 'video/sprite,f_jpg,\ttw_3';
    expect(errorOf(() => parseProcess(ws)).details).toMatchObject({ position: 19 });
  });

  it('reports a missing f as INVALID_OPTION on f', () => {
    for (const s of ['video/sprite,tw_3', 'video/sprite', 'video/sprite|notify,topic_dA']) {
      const e = errorOf(() => parseProcess(s));
      expect([e.code, e.param]).toEqual(['INVALID_OPTION', 'f']);
    }
  });

  it('applies the cross-parameter rules (m_avg with num_0)', () => {
    const e = errorOf(() => parseProcess('video/sprite,f_jpg,m_avg,num_0'));
    expect([e.code, e.param]).toEqual(['INVALID_OPTION', 'num']);
  });
});

describe('integer values', () => {
  it('accept the largest safe integer, and leading zeros as plain decimal', () => {
    expect(parseProcess(`video/sprite,f_png,ss_${Number.MAX_SAFE_INTEGER}`).options.ss).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseProcess('video/sprite,f_png,tw_007').options.tw).toBe(7);
  });

  it('return the options as given, without defaults', () => {
    expect(parseProcess('video/sprite,f_webp,m_avg').options).toEqual({ f: 'webp', m: 'avg' });
  });
});

describe('formatProcess', () => {
  it('writes options in the original key order and values as unpadded base64url', () => {
    expect(
      formatProcess(
        { th: 3, tw: 3, f: 'jpg', sw: 200 },
        { saveas: { bucket: 'outbucket', object: 'o?' }, notify: { topic: 't' } },
      ),
    ).toBe('video/sprite,f_jpg,sw_200,tw_3,th_3|sys/saveas,b_b3V0YnVja2V0,o_bz8/notify,topic_dA');
  });

  it('skips options that are undefined', () => {
    expect(formatProcess({ f: 'png', tw: undefined, m: 'key' })).toBe('video/sprite,f_png,m_key');
  });

  it('rejects what it cannot write faithfully instead of writing it', () => {
    const cases: [() => string, string][] = [
      [() => formatProcess({ f: 'jpg', tw: 0 }), 'tw'],
      [() => formatProcess({ f: 'jpg', tw: 2.5 }), 'tw'],
      [() => formatProcess({ f: 'jpg', m: 'avg', num: 0 }), 'num'],
      [() => formatProcess({ tw: 3 } as never), 'f'],
      [() => formatProcess({ f: 'jpg', sww: 200 } as never), 'sww'],
      [() => formatProcess({ f: 'jpg' }, { saveas: { bucket: '', object: 'o' } }), 'b'],
      [() => formatProcess({ f: 'jpg' }, { saveas: { bucket: 'b', object: 'a\uD800b' } }), 'o'],
      [() => formatProcess({ f: 'jpg' }, { notify: { topic: 42 as never } }), 'topic'],
    ];
    for (const [fn, param] of cases) {
      const e = errorOf(fn);
      expect([e.code, e.param]).toEqual(['INVALID_OPTION', param]);
    }
  });

  it('keeps a value that really ends in a newline, or starts with a byte-order mark, through the round trip', () => {
    for (const topic of ['t\n', '\n', 't\r\n', 'a\r', '\uFEFFt']) {
      expect(parseProcess(formatProcess({ f: 'jpg' }, { notify: { topic } })).notify).toEqual({ topic });
    }
  });

  it('round-trips the original examples', () => {
    for (const s of [EXAMPLE_1, EXAMPLE_2]) {
      const p = parseProcess(s);
      expect(parseProcess(formatProcess(p.options, p))).toEqual(p);
    }
  });
});

describe('base64', () => {
  it('rejects impossible lengths, stray characters and non-zero leftover bits', () => {
    expect(decodeBase64Flexible('A')).toBeNull();
    expect(decodeBase64Flexible('QQ=')).toBeNull();
    expect(decodeBase64Flexible('Q!==')).toBeNull();
    expect(decodeBase64Flexible('QR')).toBeNull(); // "QQ" is "A"; "QR" has a stray low bit
    expect(Array.from(decodeBase64Flexible('QQ')!)).toEqual([65]);
    expect(Array.from(decodeBase64Flexible('')!)).toEqual([]);
  });

  it("encodes like Node's base64url for every length mod 3", () => {
    for (const s of ['', 'a', 'ab', 'abc', 'abcd', '\u00ff\u0100']) {
      expect(encodeBase64Url(new TextEncoder().encode(s))).toBe(Buffer.from(s).toString('base64url'));
    }
  });
});
