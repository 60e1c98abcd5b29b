import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import type { EventSink } from '../../src/runtime/event-writer.js';
import type { NewEvent } from '../../src/events/event-types.js';
import {
  collectingSink,
  parseEvents,
  runApp,
  sleep,
  terminalError,
  typesOf,
} from './run-harness.js';

/** Emits one output per tick until its signal aborts, as a well-behaved app does. */
const chatty = defineApp({
  id: 'demo/chatty',
  input: z.object({}),
  async run(_input, ctx) {
    for (let index = 0; !ctx.signal.aborted; index++) {
      ctx.emit(index);
      await sleep(0);
    }
    return 'stopped';
  },
});

describe('a sink that refuses', () => {
  it('ends the run with event_log_full as its only terminal event', async () => {
    const sink = collectingSink({ maxEvents: 5 });
    const { outcome, events } = await runApp(chatty, { sink });
    expect(typesOf(events)).toEqual(['output', 'output', 'output', 'output', 'output', 'error']);
    expect(events.slice(0, 5).map((event) => event.data)).toEqual([0, 1, 2, 3, 4]);
    expect(terminalError(events)).toMatchObject({ code: 'event_log_full', retryable: false });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'event_log_full' } });
  });

  it('ends the run with event_log_full when refusing with the simplest sink', async () => {
    const collected: NewEvent[] = [];
    let refused = false;
    const sink: EventSink = async (batch) => {
      await Promise.resolve();
      if (collected.length >= 3 && batch.every((event) => event.type === 'output')) {
        refused = true;
        return { accepted: false, reason: 'full' };
      }
      collected.push(...batch);
      return { accepted: true, lastSeq: collected.length };
    };
    await runApp(chatty, { sink: { sink, events: collected } });
    expect(refused).toBe(true);
    expect(terminalError(parseEvents(collected)).code).toBe('event_log_full');
  });

  it('ends a run that returned while its refused batch was in flight with event_log_full', async () => {
    const app = defineApp({
      id: 'demo/burst',
      input: z.object({}),
      run(_input, ctx) {
        for (let index = 0; index < 10; index++) ctx.emit(index);
        return 'done';
      },
    });
    const sink = collectingSink({ maxEvents: 5, delayMs: 5 });
    const { events } = await runApp(app, { sink });
    expect(terminalError(events).code).toBe('event_log_full');
  });

  it('accepts everything up to the cap', async () => {
    const app = defineApp({
      id: 'demo/exact',
      input: z.object({}),
      async run(_input, ctx) {
        for (let index = 0; index < 5; index++) {
          ctx.emit(index);
          await sleep(0);
        }
        return 'fits';
      },
    });
    const { events } = await runApp(app, { sink: collectingSink({ maxEvents: 5 }) });
    expect(typesOf(events)).toEqual([...Array<string>(5).fill('output'), 'result']);
  });
});
