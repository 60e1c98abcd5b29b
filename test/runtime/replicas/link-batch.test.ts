import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../src/events/event-types.js';
import {
  BATCH_CHARS,
  eventTypeAt,
  packBatch,
  TickBatcher,
  unpackBatch,
  type LinkBatch,
  type LinkMessage,
} from '../../../src/runtime/replica/link-batch.js';
import { UnsendableValueError } from '../../../src/runtime/replica/unsendable-value.js';
import { sampleMessages } from './link-messages.js';

describe('the replica link batch', () => {
  it('carries messages in order, with their events packed as bytes and restored', () => {
    const messages = sampleMessages;
    const batch = packBatch(messages);
    expect(batch.events).toBeInstanceOf(Uint8Array);
    expect(batch.messages.some((message) => 'events' in message)).toBe(false);
    // as structured clone hands it over: a plain Uint8Array, not a Buffer
    const cloned = structuredClone({ ...batch, events: new Uint8Array(batch.events!) });
    expect(unpackBatch(cloned)).toEqual(messages);
  });

  it('restores events whose ASCII JSON fills several pieces, and non-ASCII JSON after them', () => {
    const ascii = (runId: number) => ({
      kind: 'append',
      runId,
      events: Array.from({ length: 400 }, (_, seq) => ({
        type: 'output' as const,
        json: JSON.stringify({ seq, pad: 'x'.repeat(seq % 97) }),
      })),
    });
    const asciiOnly = [ascii(1), { kind: 'finished', runId: 1 }, ascii(2)];
    const batch = packBatch(asciiOnly);
    expect(batch.events!.length).toBeGreaterThan(3 * 16 * 1024);
    expect(unpackBatch(batch)).toEqual(asciiOnly);
    // Non-ASCII JSON (which toAsciiJson never writes) after whole pieces: packed as UTF-8.
    const late = { kind: 'append', runId: 3, events: [{ type: 'log' as const, json: '"é ✓ 🌊"' }] };
    const mixed = [...asciiOnly, late];
    expect(unpackBatch(packBatch(mixed))).toEqual(mixed);
  });

  it('restores an empty events array when no message of the batch has events', () => {
    const messages = [{ kind: 'append', runId: 1, events: [] }];
    expect(unpackBatch(packBatch(messages))).toEqual(messages);
  });

  it('writes a batch at once, mid-turn, when its events reach the size cap', () => {
    const written: LinkBatch[] = [];
    const link = new TickBatcher((batch) => written.push(batch));
    const json = 'x'.repeat(BATCH_CHARS / 2);
    link.send({ kind: 'append', events: [{ type: 'output', json }] });
    expect(written).toHaveLength(0);
    link.send({ kind: 'append', events: [{ type: 'output', json }] });
    expect(written).toHaveLength(1);
    expect(unpackBatch(written[0])).toHaveLength(2);
  });

  it('packs each event type as its index in EVENT_TYPES', () => {
    expect(EVENT_TYPES.map((_, index) => eventTypeAt(index))).toEqual(EVENT_TYPES);
    expect(() => eventTypeAt(EVENT_TYPES.length)).toThrow(RangeError);
  });

  it('passes a message that is not a batch through as it is', () => {
    expect(unpackBatch({ kind: 'ready' })).toEqual([{ kind: 'ready' }]);
  });

  it('sends everything queued in one turn as one batch, and at once on flush', async () => {
    const written: LinkBatch[] = [];
    const link = new TickBatcher((batch) => written.push(batch));
    link.send({ kind: 'settled' });
    link.send({ kind: 'append', events: [{ type: 'output', json: '1' }] });
    expect(written).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toHaveLength(1);
    expect(unpackBatch(written[0])).toHaveLength(2);
    link.send({ kind: 'ready' });
    link.flush();
    expect(written).toHaveLength(2);
  });

  describe('a message that cannot be sent', () => {
    /** Writes a batch unless one of its messages is a `child-run` (as if it held a function). */
    const refusingWriter = (written: LinkBatch[]) => (batch: LinkBatch) => {
      if (unpackBatch<LinkMessage>(batch).some((message) => message.kind === 'child-run'))
        throw new UnsendableValueError('function could not be cloned');
      written.push(batch);
    };

    it('is handed to the listener, and the batch’s other messages are written one by one', () => {
      const written: LinkBatch[] = [];
      const refused: unknown[] = [];
      const link = new TickBatcher(refusingWriter(written), (message, error) =>
        refused.push([message.kind, error.message]),
      );
      link.send({ kind: 'settled' });
      link.send({ kind: 'child-run' });
      link.send({ kind: 'ready' });
      link.flush();
      expect(refused).toEqual([['child-run', 'function could not be cloned']]);
      expect(
        written.map((batch) => unpackBatch<LinkMessage>(batch).map((message) => message.kind)),
      ).toEqual([['settled'], ['ready']]);
    });

    it('is thrown from the flush when there is no listener, and the batch is not written', () => {
      const written: LinkBatch[] = [];
      const link = new TickBatcher(refusingWriter(written));
      link.send({ kind: 'settled' });
      link.send({ kind: 'child-run' });
      expect(() => link.flush()).toThrow(UnsendableValueError);
      expect(written).toEqual([]);
      link.send({ kind: 'ready' }); // the link goes on with what is sent next
      link.flush();
      expect(written).toHaveLength(1);
    });
  });
});
