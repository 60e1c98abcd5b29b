/**
 * Where a string field's JSON literal sits in an event's JSON, when the field comes first:
 * `{"token":" the","seq":3}` gives `" the"` for `token`. The logged JSON is what
 * `JSON.stringify` wrote, in printable ASCII (no duplicate keys, no raw control characters),
 * so the literal can be spliced into a chunk as it is. `undefined` when the field is not
 * first, or not a string: the caller then parses the event.
 *
 * @example
 * stringFieldLiteral('{"token":" the"}', '{"token":'); // '" the"'
 */
export function stringFieldLiteral(json: string, opening: string): string | undefined {
  if (!json.startsWith(opening) || json.charCodeAt(opening.length) !== QUOTE) return undefined;
  const start = opening.length;
  let quote = json.indexOf('"', start + 1);
  while (quote !== -1 && isEscaped(json, quote)) quote = json.indexOf('"', quote + 1);
  return quote === -1 ? undefined : json.slice(start, quote + 1);
}

/** Whether the character at `index` follows an odd number of backslashes. */
function isEscaped(json: string, index: number): boolean {
  let backslashes = 0;
  while (json.charCodeAt(index - 1 - backslashes) === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The opening of an event whose first field is `field`: `{"token":`.
 *
 * @example
 * fieldOpening('token'); // '{"token":'
 */
export function fieldOpening(field: string): string {
  return `{${JSON.stringify(field)}:`;
}
