import { describe, expect, it } from 'vitest';
import { toAsciiJson } from '../../src/events/ascii-json.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Values whose JSON must stay pure ASCII and parse back to themselves. */
const ROUND_TRIP_VALUES: readonly unknown[] = [
  'plain ascii',
  'h\u00e9llo w\u00f6rld',
  '\u65e5\u672c\u8a9e',
  '\u{1f30a}\u{1f389} \u{1f469}\u200d\u{1f469}\u200d\u{1f467}',
  'line\u2028separator\u2029paragraph',
  'control \u0000\u0001\u001f \t\n\r and \u007f delete',
  'lone surrogates \ud800 \udfff',
  'quotes " and \\ backslashes',
  { nested: { list: [1, 2.5, -3e-7, true, false, null, '\u00e9'] }, '\u00e9key': 'value' },
  [],
  {},
  0,
  null,
];

describe('toAsciiJson', () => {
  it('leaves ASCII JSON as JSON.stringify writes it', () => {
    const value = { text: 'hi', list: [1, 'two', null], flag: true };
    expect(toAsciiJson(value)).toBe(JSON.stringify(value));
  });

  it('escapes non-ASCII characters as lowercase \\uXXXX', () => {
    expect(toAsciiJson('\u00e9')).toBe('"\\u00e9"');
    expect(toAsciiJson('\u65e5')).toBe('"\\u65e5"');
    expect(toAsciiJson('\u007f')).toBe('"\\u007f"');
    expect(toAsciiJson({ text: 'h\u00e9llo' })).toBe('{"text":"h\\u00e9llo"}');
  });

  it('escapes astral characters as surrogate pairs', () => {
    expect(toAsciiJson('\u{1f30a}')).toBe('"\\ud83c\\udf0a"');
    expect(toAsciiJson('a\u{10ffff}b')).toBe('"a\\udbff\\udfffb"');
  });

  it('escapes the line and paragraph separators', () => {
    expect(toAsciiJson('\u2028\u2029')).toBe('"\\u2028\\u2029"');
  });

  it('escapes non-ASCII object keys too', () => {
    expect(toAsciiJson({ '\u00e9': 1 })).toBe('{"\\u00e9":1}');
  });

  it('writes pure printable ASCII that parses back to the value', () => {
    for (const value of ROUND_TRIP_VALUES) {
      const json = toAsciiJson(value);
      expect(json).toMatch(PRINTABLE_ASCII);
      expect(JSON.parse(json)).toEqual(value);
    }
  });

  it('writes null for what JSON cannot represent', () => {
    expect(toAsciiJson(undefined)).toBe('null');
    expect(toAsciiJson(() => 1)).toBe('null');
    expect(toAsciiJson(Symbol('s'))).toBe('null');
    expect(toAsciiJson({ kept: 1, dropped: undefined })).toBe('{"kept":1}');
  });
});
