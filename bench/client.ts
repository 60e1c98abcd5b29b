import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { wallClockMs } from './clock.js';
import type { FirehoseInput } from './payload.js';
import {
  parseDialectFrame,
  parseSseFrame,
  SseFrameReader,
  type BenchDialect,
} from './sse-frame-reader.js';

/** One event stream to open. */
export interface StreamRequest {
  readonly url: string;
  readonly input: FirehoseInput;
  readonly agent: Agent;
  /** The stream fails if it has not ended (or been closed) after this long. */
  readonly timeoutMs: number;
  /** When set, records `now - t` per output event, `t` moved onto our clock by this offset. */
  readonly clockOffsetMs?: number;
  /** Asks for this wire dialect (`?dialect=`) and reads its frames; sluice's own by default. */
  readonly dialect?: BenchDialect;
}

/** What one stream delivered. */
export interface StreamReport {
  readonly outputEvents: number;
  readonly bodyBytes: number;
  /** `result` or `error` if the stream sent a terminal event (the baseline sends none). */
  readonly terminalType: string | undefined;
  readonly latenciesMs: number[];
}

/** A stream in flight. */
export interface OpenStream {
  /** Resolves when the response headers arrive. */
  readonly firstByte: Promise<void>;
  /** Resolves when the response ends, or after {@link OpenStream.close}. */
  readonly finished: Promise<StreamReport>;
  /** Leaves: destroys the socket. */
  close(): void;
}

/**
 * An HTTP agent for benchmarks: keep-alive, no socket cap.
 *
 * @example
 * const agent = createBenchAgent();
 * try { ... } finally { agent.destroy(); }
 */
export function createBenchAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: Infinity });
}

function readError(response: IncomingMessage): Promise<Error> {
  return new Promise((resolve) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (text: string) => (body += text.slice(0, 500)));
    response.on('close', () => resolve(new Error(`HTTP ${response.statusCode}: ${body}`)));
  });
}

function createCounter(clockOffsetMs: number | undefined, dialect: BenchDialect | undefined) {
  const report = { outputEvents: 0, bodyBytes: 0, terminalType: undefined as string | undefined };
  const latenciesMs: number[] = [];
  const onFrame = (frame: string) => {
    const { type, data } = dialect ? parseDialectFrame(frame, dialect) : parseSseFrame(frame);
    if (type === 'output') {
      report.outputEvents++;
      if (clockOffsetMs === undefined) return;
      const { t } = JSON.parse(data) as { t: number };
      latenciesMs.push(wallClockMs() - (t - clockOffsetMs));
    } else if (type === 'result' || type === 'error') {
      report.terminalType = type;
    }
  };
  return { reader: new SseFrameReader(onFrame), report, latenciesMs };
}

/**
 * Opens one SSE stream with `POST url` and the input as JSON, counting output events and
 * body bytes as they arrive (frames are parsed incrementally, across chunk boundaries).
 *
 * @example
 * const stream = openStream({ url, input, agent, timeoutMs: 60_000 });
 * const { outputEvents } = await stream.finished;
 */
export function openStream(request: StreamRequest): OpenStream {
  const { reader, report, latenciesMs } = createCounter(request.clockOffsetMs, request.dialect);
  const url = request.dialect ? `${request.url}?dialect=${request.dialect}` : request.url;
  const body = JSON.stringify(request.input);
  let closedByUs = false;
  let markFirstByte: () => void = () => undefined;
  let failFirstByte: (error: Error) => void = () => undefined;
  const firstByte = new Promise<void>((resolve, reject) => {
    markFirstByte = resolve;
    failFirstByte = reject;
  });
  firstByte.catch(() => undefined);
  const outgoing = httpRequest(url, {
    method: 'POST',
    agent: request.agent,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const finished = new Promise<StreamReport>((resolve, reject) => {
    const timer = setTimeout(
      () => outgoing.destroy(new Error(`stream timed out after ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    const settle = (error: Error | undefined) => {
      clearTimeout(timer);
      failFirstByte(error ?? new Error('stream ended before its headers'));
      if (error === undefined || closedByUs) resolve({ ...report, latenciesMs });
      else reject(error);
    };
    outgoing.on('error', settle);
    outgoing.on('response', (response) => {
      if (response.statusCode !== 200) return void readError(response).then(settle);
      markFirstByte();
      response.on('data', (chunk: Buffer) => {
        report.bodyBytes += chunk.length;
        reader.push(chunk);
      });
      response.on('error', () => undefined);
      response.on('close', () =>
        settle(response.complete ? undefined : new Error('stream interrupted')),
      );
    });
  });
  outgoing.end(body);
  return {
    firstByte,
    finished,
    close() {
      closedByUs = true;
      outgoing.destroy();
    },
  };
}
