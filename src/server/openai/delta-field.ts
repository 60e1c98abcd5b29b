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
  for (let index = start + 1; index < json.length; index++) {
    const code = json.charCodeAt(index);
    if (code === BACKSLASH) index++;
    else if (code === QUOTE) return json.slice(start, index + 1);
  }
  return undefined;
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
