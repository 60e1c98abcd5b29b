const NON_ASCII = /[\u007f-\uffff]/g;

function escapeCodeUnit(character: string): string {
  return '\\u' + character.charCodeAt(0).toString(16).padStart(4, '0');
}

/**
 * `JSON.stringify` whose output is pure ASCII: every code unit above 0x7e is written as
 * `\uXXXX`. Clients that decode chunks without a streaming UTF-8 decoder cannot corrupt it.
 * `undefined` (or a value JSON cannot represent) becomes `null`.
 *
 * @example
 * toAsciiJson({ text: 'héllo' }); // '{"text":"h\\u00e9llo"}'
 */
export function toAsciiJson(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) return 'null';
  return json.replace(NON_ASCII, escapeCodeUnit);
}
