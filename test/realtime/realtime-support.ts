import { Packr, Unpackr } from 'msgpackr';
import { WebSocket, type ClientOptions } from 'ws';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const packr = new Packr({ useRecords: false });

/** Doubles `x`, after `delay_ms`; emits a progress and an output on the way. */
export const doubleApp = defineApp({
  id: 'rt/double',
  input: z.object({
    x: z.number(),
    delay_ms: z.number().int().min(0).max(10_000).default(0),
  }),
  async run({ x, delay_ms }, ctx) {
    ctx.progress(1, 2);
    ctx.emit({ half: x / 2 });
    if (delay_ms > 0) await sleep(delay_ms);
    ctx.signal.throwIfAborted();
    ctx.progress(2, 2);
    return { doubled: x * 2 };
  },
  realtime: { idleTimeoutMs: 60_000 },
});

/** What a realtime test client saw: every message in order, decoded. */
export interface RealtimeProbe extends AsyncDisposable {
  readonly socket: WebSocket;
  readonly messages: Record<string, unknown>[];
  /** Resolves with the first message (from `from` on) that `match` accepts. */
  next(
    match?: (message: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  sendJson(value: unknown): void;
  sendMsgpack(value: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

/**
 * Opens a WebSocket to a realtime URL (`http…` is turned into `ws…`) and records what
 * arrives; rejects with the HTTP status when the upgrade is refused.
 *
 * @example
 * await using probe = await openProbe(`${gateway.url}/rt/double/realtime`);
 */
export async function openProbe(url: string, options: ClientOptions = {}): Promise<RealtimeProbe> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), options);
  const messages: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data, isBinary) => {
    const buffer = data as Buffer;
    messages.push(
      (isBinary ? unpackr.unpack(buffer) : JSON.parse(buffer.toString('utf8'))) as Record<
        string,
        unknown
      >,
    );
    for (const waiter of waiters) waiter();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${response.statusCode}`), {
            status: response.statusCode,
            body,
            headers: response.headers,
          }),
        ),
      );
    });
    socket.once('error', reject);
  });
  let cursor = 0;
  const next: RealtimeProbe['next'] = (match = () => true, timeoutMs = 5_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        while (cursor < messages.length) {
          const message = messages[cursor++]!;
          if (match(message)) {
            waiters.delete(check);
            clearTimeout(timer);
            return resolve(message);
          }
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(`no matching message within ${timeoutMs} ms; saw ${JSON.stringify(messages)}`),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    socket,
    messages,
    next,
    closed,
    sendJson: (value) => socket.send(JSON.stringify(value)),
    sendMsgpack: (value) => socket.send(packr.pack(value)),
    [Symbol.asyncDispose]: async () => {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
        socket.terminate();
      await closed;
    },
  };
}

/** Whether a message is a result (not a control frame). */
export const isResult = (message: Record<string, unknown>) =>
  message.type !== 'x-fal-message' && message.type !== 'x-fal-error';

/** An upgrade the server refused: its HTTP status, headers and body. */
export interface Refusal {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * The HTTP answer to an upgrade that is expected to be refused; throws if it connects.
 *
 * @example
 * expect((await refusalOf(url)).status).toBe(401);
 */
export async function refusalOf(url: string, options: ClientOptions = {}): Promise<Refusal> {
  const probe = await openProbe(url, options).catch((error: unknown) => error as Refusal);
  if ('socket' in probe) {
    await probe[Symbol.asyncDispose]();
    throw new Error('the upgrade was accepted');
  }
  return probe;
}

/** A `ws` WebSocket class for `client.realtime` that records every frame, per connection. */
export interface RecordingWebSocket {
  readonly webSocket: new (url: string) => WebSocket;
  /** One entry per connection opened: the JSON frames it sent and received, parsed. */
  readonly connections: { sent: Record<string, unknown>[]; received: Record<string, unknown>[] }[];
}

/**
 * Records what `client.realtime` sends and receives on each of its connections.
 *
 * @example
 * const recording = recordingWebSocket();
 * client.realtime('rt/double', { webSocket: recording.webSocket as never, onResult });
 */
export function recordingWebSocket(): RecordingWebSocket {
  const connections: RecordingWebSocket['connections'] = [];
  class Recording extends WebSocket {
    constructor(url: string) {
      super(url);
      const connection = {
        sent: [] as Record<string, unknown>[],
        received: [] as Record<string, unknown>[],
      };
      connections.push(connection);
      this.on('message', (data) =>
        connection.received.push(
          JSON.parse((data as Buffer).toString()) as Record<string, unknown>,
        ),
      );
      const send = this.send.bind(this);
      this.send = ((data: string) => {
        connection.sent.push(JSON.parse(data) as Record<string, unknown>);
        send(data);
      }) as typeof this.send;
    }
  }
  return { webSocket: Recording, connections };
}
