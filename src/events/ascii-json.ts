const NOT_PRINTABLE_ASCII = /[\u007f-\uffff]/g;

function escapeCodeUnit(character: string): string {
  return '\\u' + character.charCodeAt(0).toString(16).padStart(4, '0');
}

/** UTF-8 length equals string length exactly when every code unit is ASCII (native, fast). */
function isPrintableAscii(text: string): boolean {
  return isAscii(text) && !text.includes('\u007f');
}

function isAscii(text: string): boolean {
  return typeof Buffer === 'function'
    ? Buffer.byteLength(text, 'utf8') === text.length
    : !/[^\0-\x7f]/.test(text);
}

/**
 * `JSON.stringify` whose output is printable ASCII: every code unit from 0x7f up is written as
 * `\uXXXX`, so clients that decode chunks without a streaming UTF-8 decoder cannot corrupt
 * it. JSON never holds a raw line break either, so the result is one SSE `data:` line.
 * `undefined` (or a value JSON cannot represent) becomes `null`.
 *
 * @example
 * toAsciiJson({ text: 'héllo' }); // '{"text":"h\\u00e9llo"}'
 */
export function toAsciiJson(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) return 'null';
  return isPrintableAscii(json) ? json : json.replace(NOT_PRINTABLE_ASCII, escapeCodeUnit);
}
