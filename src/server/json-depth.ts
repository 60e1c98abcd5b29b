import { SluiceError } from '../errors/sluice-error.js';

/** How deeply a JSON body may nest arrays and objects; deeper answers 422 `invalid_input`. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/**
 * Whether a JSON text nests arrays and objects deeper than `limit`, found in one pass over
 * its characters before it is parsed, so that no recursive walk of the parsed value (the
 * schema's, the cache key's) can run out of stack. It does not validate: the parser still
 * does. The characters it counts are ASCII, so no other character is ever taken for one.
 *
 * @example
 * nestsDeeperThan('[[1]]', 1); // true
 */
export function nestsDeeperThan(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) inString = true;
    else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) depth--;
  }
  return false;
}

/**
 * The answer to a body that {@link nestsDeeperThan} the limit: 422 `invalid_input`.
 *
 * @example
 * if (nestsDeeperThan(body)) throw tooDeepError();
 */
export function tooDeepError(): SluiceError {
  const msg = `nests deeper than ${MAX_JSON_DEPTH} levels`;
  return new SluiceError('invalid_input', `The body ${msg}`, {
    fields: [{ loc: ['body'], msg, type: 'too_deep' }],
  });
}
