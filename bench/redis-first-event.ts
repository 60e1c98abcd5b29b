import { request as httpRequest, type Agent } from 'node:http';
import type { FirehoseInput } from './payload.js';
import { parseSseFrame, SseFrameReader } from './sse-frame-reader.js';

/** One stream's timings, from the moment its `POST` was sent (client clock). */
export interface FirstEventTiming {
  /** Until the first `output` frame was parsed. */
  readonly firstEventMs: number;
  /** The `x-request-id` the server answered (empty from the baseline). */
  readonly requestId: string;
  /** `output` frames in the whole stream. */
  readonly outputEvents: number;
}

/** What one stream to time needs. */
export interface TimedStream {
  readonly url: string;
  readonly input: FirehoseInput;
  readonly agent: Agent;
  /** The stream fails when its socket stays silent this long. */
  readonly timeoutMs: number;
}

/**
 * Sends `POST url` with the input and reads the SSE response to its end, timing the first
 * `output` frame from the moment the request was sent. Rejects on a non-200 answer, an
 * interrupted stream, a stream without output, or a socket silent for `timeoutMs`.
 *
 * @example
 * const { firstEventMs } = await timeFirstEvent({ url, input, agent, timeoutMs: 10_000 });
 */
export function timeFirstEvent(stream: TimedStream): Promise<FirstEventTiming> {
  const body = JSON.stringify(stream.input);
  return new Promise((resolve, reject) => {
    let firstEventMs = Number.NaN;
    let outputEvents = 0;
    let sentAt = 0;
    const reader = new SseFrameReader((frame) => {
      if (parseSseFrame(frame).type !== 'output') return;
      if (outputEvents++ === 0) firstEventMs = performance.now() - sentAt;
    });
    const outgoing = httpRequest(stream.url, {
      method: 'POST',
      agent: stream.agent,
      timeout: stream.timeoutMs,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('stream timed out')));
    outgoing.on('error', reject);
    outgoing.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return reject(new Error(`HTTP ${response.statusCode}`));
      }
      const requestId = String(response.headers['x-request-id'] ?? '');
      response.on('data', (chunk: Buffer) => reader.push(chunk));
      response.on('error', () => undefined);
      response.on('close', () => {
        if (!response.complete) return reject(new Error('stream interrupted'));
        if (outputEvents === 0) return reject(new Error('stream ended without output'));
        resolve({ firstEventMs, requestId, outputEvents });
      });
    });
    sentAt = performance.now();
    outgoing.end(body);
  });
}
