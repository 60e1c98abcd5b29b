import { z } from 'zod';
import { defineApp } from '../src/index.js';
import { pause } from './clock.js';
import { makePad, makePayload } from './payload.js';

/** Events emitted back to back before the run yields to the event loop. */
const EVENTS_PER_TURN = 1000;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * The benchmark app: emits `events` output events of about `bytes` bytes, back to back or
 * one every `interval_ms`; with `idle` it emits nothing until the client leaves.
 *
 * @example
 * const gateway = await createGateway({ apps: [firehose] });
 * // POST /bench/firehose/stream {"events":1000,"bytes":100}
 */
export const firehose = defineApp({
  id: 'bench/firehose',
  description: 'Emits output events as fast as asked, for benchmarks',
  input: z.object({
    events: z.number().int().min(0).max(1_000_000).default(1),
    bytes: z.number().int().min(0).max(1_048_576).default(100),
    interval_ms: z.number().min(0).max(60_000).default(0),
    idle: z.boolean().default(false),
  }),
  async run(input, context) {
    if (input.idle) {
      await waitForAbort(context.signal);
      return { events: 0 };
    }
    const pad = makePad(input.bytes);
    for (let seq = 1; seq <= input.events && !context.signal.aborted; seq++) {
      if (input.interval_ms > 0) await pause(input.interval_ms, context.signal);
      else if (seq % EVENTS_PER_TURN === 0) await yieldToEventLoop();
      context.emit(makePayload(seq, pad));
    }
    return { events: input.events };
  },
});
