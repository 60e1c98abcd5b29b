import { SseDecoder, type SseMessage } from './sse-decoder.js';

/**
 * The SSE messages of a response body, as they arrive. Ends when the body ends; rejects when
 * reading fails (a dropped connection, an abort). Returning early cancels the body.
 * `onChunk` is called for every chunk read, comments and heartbeats included.
 *
 * @example
 * for await (const message of readSseMessages(response.body)) handle(message);
 */
export async function* readSseMessages(
  body: ReadableStream<Uint8Array>,
  onChunk: () => void = () => undefined,
): AsyncGenerator<SseMessage, void, undefined> {
  const decoder = new SseDecoder();
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onChunk();
      yield* decoder.feed(value);
    }
    finished = true;
    yield* decoder.end();
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
