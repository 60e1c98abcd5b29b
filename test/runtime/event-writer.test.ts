import { describe, expect, it } from 'vitest';
import { EventWriter, SEND_CHARS, type EventSink } from '../../src/runtime/event-writer.js';
import type { NewEvent } from '../../src/events/event-types.js';

const output = (value: string): NewEvent => ({ type: 'output', json: JSON.stringify(value) });
const result: NewEvent = { type: 'result', json: '{}' };

function recordingSink(): { sink: EventSink; batches: NewEvent[][] } {
  const batches: NewEvent[][] = [];
  const sink: EventSink = (batch) => {
    batches.push([...batch]);
    return Promise.resolve({ accepted: true, lastSeq: batches.flat().length });
  };
  return { sink, batches };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

const neverRefused = () => expect.unreachable('the sink did not refuse');

describe('EventWriter', () => {
  it('sends what was pushed in one tick as one batch, then the terminal event in an append of its own', async () => {
    const { sink, batches } = recordingSink();
    const writer = new EventWriter(sink, neverRefused);
    writer.push(output('a'));
    writer.push(output('b'));
    await writer.finish(result);
    expect(batches).toEqual([[output('a'), output('b')], [result]]);
  });

  it('sends a burst in appends of about SEND_CHARS of JSON, one in flight at a time; a larger event alone', async () => {
    const batches: NewEvent[][] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const sink: EventSink = async (batch) => {
      batches.push([...batch]);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return { accepted: true, lastSeq: batches.flat().length };
    };
    const writer = new EventWriter(sink, neverRefused, {
      maxEvents: 1_000,
      maxBytes: 64 * 2 ** 20,
    });
    const quarter = 'x'.repeat(SEND_CHARS / 4); // four and their quotes go past SEND_CHARS
    for (let index = 0; index < 7; index++) writer.push(output(quarter));
    writer.push(output('y'.repeat(SEND_CHARS * 2)));
    writer.push(output('z'));
    await writer.finish(result);
    expect(batches.map((batch) => batch.length)).toEqual([3, 3, 1, 1, 1, 1]);
    expect(batches[2]![0]!.json).toBe(JSON.stringify(quarter));
    expect(batches[3]![0]!.json.length).toBeGreaterThan(SEND_CHARS * 2);
    expect(batches.at(-1)).toEqual([result]);
    expect(mostInFlight).toBe(1);
  });

  it('holds later events back until an event being prepared is ready', async () => {
    const { sink, batches } = recordingSink();
    const writer = new EventWriter(sink, neverRefused);
    const preview = deferred<NewEvent>();
    writer.push(output('a'));
    writer.push(preview.promise);
    writer.push(output('b'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(batches.flat()).toEqual([output('a')]);
    preview.resolve(output('preview'));
    await writer.finish(result);
    expect(batches.flat()).toEqual([output('a'), output('preview'), output('b'), result]);
  });

  it('skips an event whose preparation came to nothing', async () => {
    const { sink, batches } = recordingSink();
    const writer = new EventWriter(sink, neverRefused);
    writer.push(Promise.resolve(undefined));
    writer.push(output('b'));
    await writer.finish(result);
    expect(batches.flat()).toEqual([output('b'), result]);
  });

  it('ignores events pushed after the terminal one', async () => {
    const { sink, batches } = recordingSink();
    const writer = new EventWriter(sink, neverRefused);
    const finished = writer.finish(result);
    writer.push(output('late'));
    await finished;
    await writer.finish({ type: 'error', json: '{}' });
    expect(batches.flat()).toEqual([result]);
  });

  it('reports a refusal and drops what is still queued', async () => {
    const refusals: unknown[] = [];
    let calls = 0;
    const sink: EventSink = () => {
      calls++;
      return Promise.resolve({ accepted: false, reason: 'full' });
    };
    const writer = new EventWriter(sink, (reason) => refusals.push(reason));
    writer.push(output('a'));
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(refusals).toEqual(['full']);
    expect(calls).toBe(1);
  });

  it('reports a sink that throws as a refusal', async () => {
    const refusals: unknown[] = [];
    const failure = new Error('log unreachable');
    const writer = new EventWriter(
      () => Promise.reject(failure),
      (reason) => refusals.push(reason),
    );
    writer.push(output('a'));
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(refusals).toEqual([failure]);
  });

  it('sends the terminal event when the queue was discarded while an event was being prepared', async () => {
    const { sink, batches } = recordingSink();
    const writer = new EventWriter(sink, neverRefused);
    const preview = deferred<NewEvent | undefined>();
    writer.push(preview.promise);
    await Promise.resolve(); // the flush is now waiting for the preview
    writer.discardQueued();
    const finished = writer.finish(result);
    preview.resolve(output('preview'));
    await finished;
    expect(batches.flat()).toEqual([result]);
  });

  it('sends the terminal event when a discarded event being prepared comes to nothing', async () => {
    const { sink, batches } = recordingSink();
    const writer = new EventWriter(sink, neverRefused);
    const preview = deferred<NewEvent | undefined>();
    writer.push(preview.promise);
    await Promise.resolve();
    writer.discardQueued();
    const finished = writer.finish(result);
    preview.resolve(undefined);
    await finished;
    expect(batches.flat()).toEqual([result]);
  });
});

describe('EventWriter refusals', () => {
  it('still sends a terminal event queued while a refused batch was in flight', async () => {
    const sent: NewEvent[] = [];
    const sink: EventSink = async (batch) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (batch.some((event) => event.type === 'output'))
        return { accepted: false, reason: 'full' };
      sent.push(...batch);
      return { accepted: true, lastSeq: sent.length };
    };
    const writer = new EventWriter(sink, () => undefined);
    writer.push(output('a'));
    await Promise.resolve(); // [a] is now with the sink
    await writer.finish(result);
    expect(sent.map((event) => event.type)).toEqual(['result']);
  });
});
