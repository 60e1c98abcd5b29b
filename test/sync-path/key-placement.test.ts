import { describe, expect, it } from 'vitest';
import { scheduleRun, turnRuns, type KeyHolder } from '../../src/runtime/key-placement.js';
import { KeyedGate } from '../../src/runtime/keyed-gate.js';

const holder = (
  heldKey: string | undefined,
  load: number,
  more: Partial<KeyHolder> = {},
): KeyHolder => ({ heldKey, load, drainingFor: undefined, turnRuns: 1, ...more });

const RULE = { limit: 4 };
const TURN = turnRuns(4);

describe('scheduleRun, the keyed-state rule', () => {
  it('prefers a holder of the key, then an idle holder, and counts a switch only from another key', () => {
    const a = holder('a', 3);
    const idle = holder('b', 0);
    expect(scheduleRun([idle, a], 'a', RULE)).toEqual({ holder: a, switched: false });
    expect(a.load).toBe(4);
    const fresh = holder(undefined, 0);
    expect(scheduleRun([fresh], 'c', RULE)).toEqual({ holder: fresh, switched: false });
    expect(scheduleRun([holder('b', 1), idle], 'c', RULE)).toEqual({
      holder: idle,
      switched: true,
    });
    expect(idle).toMatchObject({ heldKey: 'c', turnRuns: 1, load: 1 });
  });

  it('never starts a run on a busy holder of another key; sets it aside only once its turn is over', () => {
    const inTurn = holder('b', 1);
    expect(scheduleRun([inTurn], 'a', RULE)).toEqual({ switched: false });
    expect(inTurn.drainingFor).toBeUndefined();
    const turnOver = holder('b', 1, { turnRuns: TURN });
    expect(scheduleRun([turnOver], 'a', RULE)).toEqual({ switched: false });
    expect(turnOver.drainingFor).toBe('a');
    // Set aside: neither its own key nor a third one starts there; the waiting key does, once idle.
    expect(scheduleRun([turnOver], 'b', RULE).holder).toBeUndefined();
    expect(scheduleRun([turnOver], 'c', RULE).holder).toBeUndefined();
    turnOver.load = 0;
    expect(scheduleRun([turnOver], 'c', RULE).holder).toBeUndefined();
    expect(scheduleRun([turnOver], 'a', RULE)).toEqual({ holder: turnOver, switched: true });
    expect(turnOver).toMatchObject({ heldKey: 'a', drainingFor: undefined, turnRuns: 1 });
  });

  it('lets a key wait for its full holder instead of setting another holder aside', () => {
    const full = holder('a', 4, { turnRuns: TURN });
    const other = holder('b', 1, { turnRuns: TURN });
    expect(scheduleRun([full, other], 'a', RULE)).toEqual({ switched: false });
    expect(other.drainingFor).toBeUndefined();
  });

  it('key-blind: takes the least-loaded holder whatever it holds, and drains it for another key', () => {
    const a = holder('a', 2);
    const b = holder('b', 1);
    expect(scheduleRun([a, b], 'a', { ...RULE, keyBlind: true }).holder).toBeUndefined();
    expect(b.drainingFor).toBe('a');
    expect(scheduleRun([holder('a', 2), holder('b', 1)], 'a', RULE).holder?.heldKey).toBe('a');
  });
});

describe('KeyedGate, keyed state in one process', () => {
  it('shares a key up to its limit; the held key keeps its turn, then a waiting key gets the process', async () => {
    const gate = new KeyedGate(1);
    const signal = new AbortController().signal;
    const order: string[] = [];
    let release = await gate.acquire('a', signal);
    const b = gate.acquire('b', signal).then((done) => (order.push('b'), done));
    // Within its turn (4 runs at a limit of 1), later runs of the held key go first.
    const laterA = [1, 2, 3, 4].map(() =>
      gate.acquire('a', signal).then((done) => (order.push('a'), done)),
    );
    for (const next of laterA.slice(0, 3)) {
      release!();
      release = await next;
    }
    expect(order).toEqual(['a', 'a', 'a']);
    expect(gate.switches).toBe(0);
    release!(); // the turn is over: b, then the last a
    (await b)!();
    (await laterA[3]!)!();
    expect(order).toEqual(['a', 'a', 'a', 'b', 'a']);
    expect(gate.switches).toBe(2);
  });

  it('gives the held key back the process when the only run waiting for another key is cancelled', async () => {
    const gate = new KeyedGate(1);
    const signal = new AbortController().signal;
    let release = await gate.acquire('a', signal);
    for (let run = 1; run < turnRuns(1); run++) {
      release!();
      release = await gate.acquire('a', signal);
    }
    const cancel = new AbortController();
    const waiting = gate.acquire('b', cancel.signal);
    const laterA = gate.acquire('a', signal);
    // The turn is over and b waits: the process is set aside for b, until b is cancelled.
    cancel.abort();
    release!();
    expect(await waiting).toBeUndefined();
    expect(await laterA).toBeTypeOf('function');
    expect(gate.switches).toBe(0);
  });
});
