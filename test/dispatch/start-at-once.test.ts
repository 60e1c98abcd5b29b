import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { MemoryRequestQueue } from '../../src/dispatch/memory-request-queue.js';
import type { RequestQueue } from '../../src/dispatch/request-queue.js';
import type { Submission } from '../../src/dispatch/tracked-request.js';
import { DEFAULT_EVENT_LOG_LIMITS } from '../../src/events/event-log.js';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { countApp } from '../support/test-apps.js';

/** Inputs whose run has begun, noted by the run's first synchronous step. */
const begun: number[] = [];
const notingApp = defineApp({
  id: 'test/noting',
  input: z.object({ id: z.number() }),
  run: ({ id }) => begun.push(id),
});

function dispatcherOf(options: { queue?: RequestQueue; capacity?: number } = {}) {
  const app = {
    ...countApp,
    placement: { ...countApp.placement, maxConcurrency: options.capacity },
  };
  const eventLog = new MemoryEventLog();
  const dispatcher = new Dispatcher({
    eventLog,
    runtime: createRuntime([app, notingApp]),
    cancelGraceMs: 1_000,
    caps: DEFAULT_EVENT_LOG_LIMITS,
    logger: pino({ enabled: false }),
    queue: options.queue,
  });
  return { app, dispatcher, eventLog };
}

function submission(app: typeof countApp, delayMs = 0): Submission {
  const input = { n: 1, delay_ms: delayMs, progress: false, text: 'x' };
  const endpoint = app.endpoints.get('')!;
  return { app, endpoint, input, sentInput: input, owner: 'o', cancelOnDisconnect: false };
}

/** Submits, and reads the request's state in the very reaction to the submission's answer. */
async function submitted(dispatcher: Dispatcher, app: typeof countApp, delayMs = 0) {
  const { record } = await dispatcher.submit(submission(app, delayMs));
  return { requestId: record.requestId, state: dispatcher.tracked(record.requestId)?.state };
}

describe('a request submitted with room to run and nobody waiting', () => {
  it('is running as its submission answers: it skips the round trip through its own queue', async () => {
    const { app, dispatcher } = dispatcherOf();
    expect((await submitted(dispatcher, app)).state).toBe('running');
    await dispatcher.shutdown(1_000);
  });

  it('waits for the pump when the queue was passed in (a shared queue’s order is not its own)', async () => {
    const { app, dispatcher } = dispatcherOf({ queue: new MemoryRequestQueue() });
    const { requestId, state } = await submitted(dispatcher, app);
    expect(state).toBe('queued');
    while (dispatcher.tracked(requestId)?.state === 'queued') await dispatcher.nextChange();
    await dispatcher.shutdown(1_000);
  });

  it('queues behind a request already waiting, and they start in the order they came', async () => {
    const { app, dispatcher } = dispatcherOf({ capacity: 1 });
    const first = await submitted(dispatcher, app, 100);
    const second = await submitted(dispatcher, app);
    const third = await submitted(dispatcher, app);
    expect([first.state, second.state, third.state]).toEqual(['running', 'queued', 'queued']);
    while (dispatcher.tracked(second.requestId)?.state === 'queued') await dispatcher.nextChange();
    expect(dispatcher.tracked(third.requestId)?.state).toBe('queued');
    await dispatcher.shutdown(1_000);
  });
});

describe('the turn a run starts in', () => {
  async function begunAsSubmitted(dispatcher: Dispatcher, id: number, startInThisTurn: boolean) {
    const endpoint = notingApp.endpoints.get('')!;
    const input = { id };
    const app = notingApp;
    await dispatcher.submit({
      app,
      endpoint,
      input,
      owner: 'o',
      cancelOnDisconnect: false,
      startInThisTurn,
    });
    return begun.includes(id);
  }

  it('is the next one by default, and the submission’s own when nothing is written first', async () => {
    const { dispatcher } = dispatcherOf();
    await begunAsSubmitted(dispatcher, 0, false); // the app's setup done
    while (!begun.includes(0)) await dispatcher.nextChange();
    expect(await begunAsSubmitted(dispatcher, 1, false)).toBe(false);
    expect(await begunAsSubmitted(dispatcher, 2, true)).toBe(true);
    await dispatcher.shutdown(1_000);
    expect(begun).toEqual(expect.arrayContaining([1, 2]));
  });
});
