import { describe, expect, it } from 'vitest';
import { toAsciiJson } from '../../src/events/ascii-json.js';
import { fieldOpening, stringFieldLiteral } from '../../src/server/openai/delta-field.js';

const opening = fieldOpening('token');

describe('the chat stream’s fast path: a delta field’s JSON literal, unparsed', () => {
  it.each([' the', '', 'say "hi"', 'back\\slash', 'line\nbreak', 'héllo ✓', '\u2028', 'end\\'])(
    'copies %j as JSON.parse would read it',
    (token) => {
      const json = toAsciiJson({ token, seq: 3 });
      const literal = stringFieldLiteral(json, opening);
      expect(literal).toBeDefined();
      expect(JSON.parse(literal!)).toBe(token);
      expect(/^[\x20-\x7e]*$/.test(literal!)).toBe(true);
    },
  );

  it('leaves to parsing an event whose field is not first, not a string, or absent', () => {
    expect(stringFieldLiteral('{"seq":1,"token":"a"}', opening)).toBeUndefined();
    expect(stringFieldLiteral('{"token":7}', opening)).toBeUndefined();
    expect(stringFieldLiteral('{"token":null}', opening)).toBeUndefined();
    expect(stringFieldLiteral('{"tokens":"a"}', opening)).toBeUndefined();
    expect(stringFieldLiteral('"token"', opening)).toBeUndefined();
    expect(stringFieldLiteral('{"token":"unterminated', opening)).toBeUndefined();
  });
});
