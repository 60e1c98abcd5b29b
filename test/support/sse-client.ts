import { request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';
import { createParser } from 'eventsource-parser';

/** One parsed SSE event. */
export interface ParsedEvent {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/** An HTTP exchange over a real socket. */
export interface Exchange {
  readonly request: ClientRequest;
  readonly response: IncomingMessage;
}

/** Options of {@link send}. */
export interface SendOptions {
  readonly method?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/**
 * Sends a request and resolves when the response head arrives.
 *
 * @example
 * const { response } = await send(`${url}/demo/count/stream`, { method: 'POST', body: '{}' });
 */
export function send(url: string, options: SendOptions = {}): Promise<Exchange> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers, agent: false });
    request.on('response', (response) => resolve({ request, response }));
    request.on('error', reject);
    request.end(options.body);
  });
}

/**
 * Reads a whole response body as text.
 *
 * @example
 * const text = await readText(response);
 */
export async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Parses SSE text into events (comments dropped), as a spec-following client would.
 *
 * @example
 * parseEvents('id: 1\nevent: output\ndata: 1\n\n');
 */
export function parseEvents(text: string): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  const parser = createParser({
    onEvent: (event) => events.push({ id: event.id, event: event.event, data: event.data }),
  });
  parser.feed(text);
  return events;
}

/**
 * Reads events as they arrive, calling `onEvent` for each; resolves with all of them when
 * the response ends or `onEvent` returns `'stop'` (which destroys the connection).
 *
 * @example
 * const events = await readEvents(exchange, (event, all) => (all.length === 3 ? 'stop' : undefined));
 */
export function readEvents(
  exchange: Exchange,
  onEvent: (event: ParsedEvent, all: readonly ParsedEvent[]) => 'stop' | void = () => undefined,
): Promise<ParsedEvent[]> {
  const events: ParsedEvent[] = [];
  const decoder = new TextDecoder();
  return new Promise((resolve, reject) => {
    let stopped = false;
    const parser = createParser({
      onEvent: (event) => {
        if (stopped) return;
        const parsed = { id: event.id, event: event.event, data: event.data };
        events.push(parsed);
        if (onEvent(parsed, events) === 'stop') {
          stopped = true;
          exchange.request.destroy();
          resolve(events);
        }
      },
    });
    exchange.response.on('data', (chunk: Buffer) =>
      parser.feed(decoder.decode(chunk, { stream: true })),
    );
    exchange.response.on('end', () => resolve(events));
    exchange.response.on('error', (error) => (stopped ? resolve(events) : reject(error)));
    exchange.response.on('close', () => resolve(events));
    exchange.response.resume();
  });
}

/**
 * POSTs an input to a stream route and reads every event until the response ends.
 *
 * @example
 * const events = await streamAll(`${url}/test/count/stream`, { n: 3 });
 */
export async function streamAll(
  url: string,
  input: unknown,
  headers?: Record<string, string>,
): Promise<ParsedEvent[]> {
  const exchange = await send(url, { method: 'POST', body: JSON.stringify(input), headers });
  return readEvents(exchange);
}

/**
 * Polls until `check` is true, failing after `timeoutMs`.
 *
 * @example
 * await until(() => gateway.dispatcher.activeRuns === 0);
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * POSTs to a stream route, reads the stream to its end, and returns the request's id.
 *
 * @example
 * const requestId = await runToEnd(`${url}/test/count/stream`, '{"n":1}');
 */
export async function runToEnd(
  url: string,
  body: string,
  headers?: Record<string, string>,
): Promise<string> {
  const { response } = await send(url, { method: 'POST', body, headers });
  await readText(response);
  return String(response.headers['x-request-id']);
}
