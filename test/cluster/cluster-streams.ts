import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createParser } from 'eventsource-parser';
import { readText, send } from '../support/sse-client.js';

/** One SSE event as a cluster test checks it. */
export interface StreamEvent {
  readonly seq: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

const TERMINAL = new Set(['result', 'error']);

/** Whether the last event read is a terminal one. */
export function endsWithTerminal(events: readonly StreamEvent[]): boolean {
  const last = events.at(-1);
  return last !== undefined && TERMINAL.has(last.type);
}

/**
 * Reads a response's events as they come; the stream may end, be cut or fail at any
 * time (a killed gateway), and whatever arrived stays in `events`.
 */
export class EventReader {
  readonly events: StreamEvent[] = [];
  /** Resolves when the response ended, was cut or failed. */
  readonly ended: Promise<void>;
  private readonly wakers = new Set<() => void>();
  private over = false;

  constructor(private readonly response: IncomingMessage) {
    const decoder = new TextDecoder();
    const parser = createParser({
      onEvent: ({ id, event, data }) => {
        this.events.push({
          seq: Number(id),
          type: event ?? 'message',
          data: JSON.parse(data) as Record<string, unknown>,
        });
        this.wake();
      },
    });
    response.on('data', (chunk: Buffer) => parser.feed(decoder.decode(chunk, { stream: true })));
    this.ended = new Promise((resolve) => {
      const finish = () => {
        this.over = true;
        this.wake();
        resolve();
      };
      response.once('end', finish);
      response.once('close', finish);
      response.on('error', finish);
    });
  }

  /** Resolves once `check` holds for the events read; rejects if the stream ends first. */
  async waitFor(check: (events: readonly StreamEvent[]) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (!check(this.events)) {
      if (this.over) throw new Error(`The stream ended first:\n${describeEvents(this.events)}`);
      if (Date.now() > deadline) throw new Error(`Not seen within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now() + 1);
        this.wakers.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Drops the connection. */
  close(): void {
    this.response.destroy();
  }

  private wake(): void {
    const wakers = [...this.wakers];
    this.wakers.clear();
    for (const waker of wakers) waker();
  }
}

/**
 * POSTs an input to `{gateway}/{appId}/stream` and starts reading its events.
 *
 * @example
 * const { requestId, reader } = await startStream(gatewayUrl, 'cluster/count', { count: 5 });
 */
export async function startStream(gatewayUrl: string, appId: string, input: unknown) {
  const { response } = await send(`${gatewayUrl}/${appId}/stream`, {
    method: 'POST',
    body: JSON.stringify(input),
  });
  if (response.statusCode !== 200)
    throw new Error(`stream answered ${response.statusCode}: ${await readText(response)}`);
  return { requestId: String(response.headers['x-request-id']), reader: new EventReader(response) };
}

/** Where and after what a resuming client attaches. */
export interface ResumeTarget {
  readonly appId: string;
  readonly requestId: string;
  /** The gateways to try in turn (read anew before each attempt: they may restart). */
  readonly gatewayUrls: () => readonly string[];
  /** The gateway tried first (default the first one). */
  readonly firstGateway?: number;
}

const RESUME_DEADLINE_MS = 20_000;
const RESUME_PAUSE_MS = 100;

async function attach(url: string, lastEventId: number): Promise<EventReader | undefined> {
  try {
    const { response } = await send(url, { headers: { 'last-event-id': String(lastEventId) } });
    if (response.statusCode === 200) return new EventReader(response);
    response.resume();
  } catch {
    // A gateway that is down (or a Redis that is): try the next one.
  }
  return undefined;
}

/**
 * Follows a request to its terminal event as a resuming client does: after `seen`, it
 * attaches with `Last-Event-ID` to each gateway in turn until the events end in a
 * terminal one. Returns `seen` and every event read after it.
 *
 * @example
 * const events = await resumeToEnd(target, reader.events);
 */
export async function resumeToEnd(
  target: ResumeTarget,
  seen: readonly StreamEvent[] = [],
): Promise<StreamEvent[]> {
  const events = [...seen];
  const deadline = Date.now() + RESUME_DEADLINE_MS;
  for (let attempt = target.firstGateway ?? 0; !endsWithTerminal(events); attempt++) {
    if (Date.now() > deadline)
      throw new Error(`No terminal within ${RESUME_DEADLINE_MS} ms:\n${describeEvents(events)}`);
    const urls = target.gatewayUrls();
    const base = urls[attempt % urls.length];
    const path = `/${target.appId}/requests/${target.requestId}/stream`;
    const reader = await attach(`${base}${path}`, events.at(-1)?.seq ?? 0);
    if (reader) {
      const timer = new AbortController();
      const late = sleep(deadline - Date.now(), undefined, { signal: timer.signal });
      await Promise.race([reader.ended, late.catch(() => undefined)]);
      timer.abort();
      reader.close(); // a stream still open at the deadline fails the loop's check
      events.push(...reader.events);
    } else await sleep(RESUME_PAUSE_MS);
  }
  return events;
}

/** A short line per event (`7 log: The worker…`), for failure messages. */
export function describeEvents(events: readonly StreamEvent[]): string {
  return events
    .map(({ seq, type, data }) => `${seq} ${type}: ${JSON.stringify(data).slice(0, 80)}`)
    .join('\n');
}

/** The seqs of events, for comparing with an expected run of numbers. */
export function seqsOf(events: readonly StreamEvent[]): number[] {
  return events.map((event) => event.seq);
}

/** `from`, `from + 1`, … `to`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);
}
