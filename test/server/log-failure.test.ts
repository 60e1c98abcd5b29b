import { describe, expect, it } from 'vitest';
import type { EventLog } from '../../src/events/event-log.js';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { startGateway } from '../support/gateway.js';
import { readEvents, send } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';

/** A real memory log whose reads fail once `failing` is set: a backend going away mid-stream. */
function logThatFails(): { log: EventLog; fail: () => void } {
  const inner = new MemoryEventLog();
  let failing = false;
  const log: EventLog = {
    limits: inner.limits,
    create: (record) => inner.create(record),
    lookup: (requestId) => inner.lookup(requestId),
    append: (requestId, events) => inner.append(requestId, events),
    read: (requestId, afterSeq, maxEvents) =>
      failing
        ? Promise.reject(new Error('connection reset'))
        : inner.read(requestId, afterSeq, maxEvents),
    waitForEvents: (requestId, afterSeq, signal) =>
      inner.waitForEvents(requestId, afterSeq, signal),
    close: () => inner.close(),
  };
  return { log, fail: () => (failing = true) };
}

describe('an event log that fails mid-stream', () => {
  it('sends an error event without an id, then ends the response', async () => {
    const { log, fail } = logThatFails();
    await using gateway = await startGateway({ apps: [countApp], eventLog: log });
    const exchange = await send(`${gateway.url}/test/count/stream`, {
      method: 'POST',
      body: JSON.stringify({ n: 20, delay_ms: 10 }),
    });
    const events = await readEvents(exchange, (_event, all) => {
      if (all.length === 3) fail();
    });
    expect(exchange.response.complete).toBe(true);
    const last = events.at(-1)!;
    expect(last.event).toBe('error');
    expect(last.id).toBeUndefined();
    expect(JSON.parse(last.data)).toMatchObject({ code: 'internal', retryable: true });
    expect(last.data).not.toContain('connection reset');
    expect(events.slice(0, -1).every((event) => event.id !== undefined)).toBe(true);
  });
});
