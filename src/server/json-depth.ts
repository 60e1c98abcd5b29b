/** How deeply a JSON body may nest arrays and objects; deeper answers 422 `invalid_input`. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/**
 * Tracks how deeply a JSON text nests, byte by byte as it arrives, so a body nested too
 * deeply is refused before it is parsed, without walking it a second time. It does not
 * validate: the parser still does. UTF-8 continuation bytes never equal the bytes it counts.
 *
 * @example
 * const depth = new JsonDepth(64);
 * depth.feed(Buffer.from('[[1]]'));
 * depth.exceeded; // false
 */
export class JsonDepth {
  private depth = 0;
  private inString = false;
  private escaped = false;
  exceeded = false;

  constructor(private readonly limit: number = MAX_JSON_DEPTH) {}

  feed(chunk: Uint8Array): void {
    for (let index = 0; index < chunk.length && !this.exceeded; index++) this.step(chunk[index]!);
  }

  private step(byte: number): void {
    if (this.inString) return this.stepInString(byte);
    if (byte === QUOTE) this.inString = true;
    else if (byte === OPEN_BRACKET || byte === OPEN_BRACE)
      this.exceeded = ++this.depth > this.limit;
    else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) this.depth--;
  }

  private stepInString(byte: number): void {
    if (this.escaped) this.escaped = false;
    else if (byte === BACKSLASH) this.escaped = true;
    else if (byte === QUOTE) this.inString = false;
  }
}
