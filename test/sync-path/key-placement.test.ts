import { describe, expect, it } from 'vitest';
import { placeByKey, type KeyHolder } from '../../src/runtime/key-placement.js';
import { KeyedGate } from '../../src/runtime/keyed-gate.js';

const holder = (heldKey: string | undefined, load: number, drainingFor?: string): KeyHolder => ({
  heldKey,
  load,
  drainingFor,
});

describe('placeByKey, the keyed-state rule', () => {
  it('prefers a holder of the key, then an idle holder; never a busy holder of another key', () => {
    const a = holder('a', 3);
    const idle = holder('b', 0);
    expect(placeByKey([idle, a], 'a', { limit: 4 }).place).toBe(a);
    expect(placeByKey([holder('b', 1), idle], 'c', { limit: 4 }).place).toBe(idle);
    const busy = holder('b', 1);
    expect(placeByKey([busy], 'a', { limit: 4 })).toEqual({ reserve: busy });
  });

  it('lets a key wait for its full holder instead of setting another holder aside', () => {
    const full = holder('a', 4);
    expect(placeByKey([full, holder('b', 1)], 'a', { limit: 4 })).toEqual({});
  });

  it('keeps a holder set aside for its key: no other key, not even the held one, starts there', () => {
    const reserved = holder('a', 2, 'b');
    expect(placeByKey([reserved], 'a', { limit: 4 })).toEqual({});
    expect(placeByKey([reserved], 'c', { limit: 4 })).toEqual({});
    const drained = holder('a', 0, 'b');
    expect(placeByKey([drained], 'c', { limit: 4 })).toEqual({});
    expect(placeByKey([drained], 'b', { limit: 4 }).place).toBe(drained);
  });

  it('key-blind: takes the least-loaded holder whatever it holds, and drains it for another key', () => {
    const a = holder('a', 2);
    const b = holder('b', 1);
    expect(placeByKey([a, b], 'a', { limit: 4, keyBlind: true })).toEqual({ reserve: b });
    expect(placeByKey([a, b], 'a', { limit: 4 }).place).toBe(a);
  });
});

describe('KeyedGate, keyed state in one process', () => {
  it('shares a key up to its limit, holds a waiting key’s turn against the held one, counts switches', async () => {
    const gate = new KeyedGate(2);
    const signal = new AbortController().signal;
    const first = await gate.acquire('a', signal);
    const second = await gate.acquire('a', signal);
    expect(first && second).toBeTruthy();
    const order: string[] = [];
    const b = gate.acquire('b', signal).then((release) => (order.push('b'), release));
    const laterA = gate.acquire('a', signal).then((release) => (order.push('a'), release));
    first!();
    await Promise.resolve();
    expect(order).toEqual([]); // a's runs drain for b: the later a waits
    second!();
    const releaseB = await b;
    expect(gate.heldKey).toBe('b');
    expect(gate.switches).toBe(1);
    releaseB!();
    await laterA;
    expect(order).toEqual(['b', 'a']);
    expect(gate.switches).toBe(2);
  });

  it('gives the held key back its turn when the only run waiting for another key is cancelled', async () => {
    const gate = new KeyedGate(2);
    const signal = new AbortController().signal;
    const running = await gate.acquire('a', signal);
    const cancel = new AbortController();
    const waiting = gate.acquire('b', cancel.signal);
    const laterA = gate.acquire('a', signal);
    cancel.abort();
    expect(await waiting).toBeUndefined();
    expect(await laterA).toBeTypeOf('function');
    expect(gate.switches).toBe(0);
    running!();
  });
});
