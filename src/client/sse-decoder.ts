import { createParser, type EventSourceParser } from 'eventsource-parser';

/** One SSE message as parsed: its fields as text. */
export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * Bytes in, SSE messages out, however the bytes were split: UTF-8 is decoded as a stream (a
 * character split across chunks stays whole) and eventsource-parser handles CR, LF and CRLF
 * line ends, multi-line data, comments and a BOM. Pure: no I/O.
 *
 * @example
 * const decoder = new SseDecoder();
 * for (const message of decoder.feed(chunk)) console.log(message.event, message.data);
 */
export class SseDecoder {
  readonly #text = new TextDecoder('utf-8');
  readonly #parser: EventSourceParser;
  #parsed: SseMessage[] = [];

  constructor() {
    this.#parser = createParser({
      onEvent: (message) =>
        this.#parsed.push({ id: message.id, event: message.event, data: message.data }),
    });
  }

  /** Feeds one chunk; returns the messages it completed. */
  feed(chunk: Uint8Array): SseMessage[] {
    this.#parser.feed(this.#text.decode(chunk, { stream: true }));
    return this.#take();
  }

  /** Ends the input; an unfinished message is dropped, as the SSE spec says. */
  end(): SseMessage[] {
    this.#parser.feed(this.#text.decode());
    return this.#take();
  }

  #take(): SseMessage[] {
    const parsed = this.#parsed;
    this.#parsed = [];
    return parsed;
  }
}
