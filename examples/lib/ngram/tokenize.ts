/** Words (with inner apostrophes and hyphens), numbers, and sentence punctuation. */
const TOKEN_PATTERN = /[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*|[.,;:!?]/g;
const PUNCTUATION = /^[.,;:!?]$/;

/**
 * Splits text into the tokens the n-gram model counts.
 *
 * @example
 * tokenize("The gate's open, at last."); // ["The", "gate's", "open", ",", "at", "last", "."]
 */
export function tokenize(text: string): string[] {
  return text.match(TOKEN_PATTERN) ?? [];
}

/**
 * A token as it is appended to `textSoFar`: words get a leading space, punctuation does
 * not, and nothing does at the very start or after whitespace.
 *
 * @example
 * spaceToken('river', 'The'); // ' river'
 * spaceToken('.', 'The river'); // '.'
 */
export function spaceToken(token: string, textSoFar: string): string {
  const atStart = textSoFar.length === 0 || /\s$/.test(textSoFar);
  return atStart || PUNCTUATION.test(token) ? token : ` ${token}`;
}
