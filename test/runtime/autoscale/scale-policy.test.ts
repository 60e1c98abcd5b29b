import { describe, expect, it } from 'vitest';
import {
  decideScale,
  type ScaleInput,
  type ScaledReplica,
} from '../../../src/runtime/replica/scale-policy.js';

const NOW = 1_000_000;
const KEEP_ALIVE = 10_000;

function input(overrides: Partial<ScaleInput>): ScaleInput {
  return {
    scale: { min: 0, max: 4, keepAliveMs: KEEP_ALIVE },
    perReplica: 1,
    requests: 0,
    waitingInPool: 0,
    replicas: [],
    now: NOW,
    ...overrides,
  };
}

const ready = (running: number, idleFor?: number): ScaledReplica => ({
  state: 'ready',
  running,
  idleSince: idleFor === undefined ? undefined : NOW - idleFor,
});
const starting: ScaledReplica = { state: 'starting', running: 0, idleSince: undefined };

describe('decideScale', () => {
  it('stays at zero with nothing waiting', () => {
    expect(decideScale(input({}))).toEqual({
      desired: 0,
      start: 0,
      stop: [],
      reason: undefined,
      recheckMs: undefined,
    });
  });

  it('starts a replica from zero when a request waits', () => {
    const decision = decideScale(input({ requests: 1 }));
    expect([decision.desired, decision.start, decision.reason]).toEqual([1, 1, 'queue']);
  });

  it('starts one replica per slot needed, up to max', () => {
    expect(decideScale(input({ requests: 3 })).start).toBe(3);
    expect(decideScale(input({ requests: 50 })).start).toBe(4);
    expect(decideScale(input({ requests: 50, replicas: [ready(1), starting] })).start).toBe(2);
  });

  it('counts each replica’s slots: maxConcurrency × batch size', () => {
    const decision = decideScale(input({ perReplica: 4, requests: 9, replicas: [ready(4)] }));
    expect([decision.desired, decision.start]).toEqual([3, 2]);
  });

  it('does not start again for requests a starting replica will take', () => {
    expect(decideScale(input({ requests: 1, replicas: [starting] })).start).toBe(0);
  });

  it('keeps min replicas up, with its own reason', () => {
    const decision = decideScale(input({ scale: { min: 2, max: 4, keepAliveMs: KEEP_ALIVE } }));
    expect([decision.desired, decision.start, decision.reason]).toEqual([2, 2, 'min']);
  });

  it('keeps an idle replica through its keep-alive and says when to look again', () => {
    const decision = decideScale(input({ replicas: [ready(0, 4_000)] }));
    expect([decision.desired, decision.stop, decision.recheckMs]).toEqual([1, [], 6_000]);
  });

  it('stops replicas idle past the keep-alive, longest idle first, down to min', () => {
    const replicas = [ready(0, 11_000), ready(0, 30_000), ready(1), ready(0, 2_000)];
    const decision = decideScale(input({ replicas }));
    expect([decision.desired, decision.stop, decision.reason]).toEqual([2, [1, 0], 'idle']);
    expect(decision.recheckMs).toBe(8_000);
    const kept = decideScale(
      input({ scale: { min: 3, max: 4, keepAliveMs: KEEP_ALIVE }, replicas }),
    );
    expect(kept.stop).toEqual([1]);
  });

  it('keeps an expired replica that waiting requests need', () => {
    const decision = decideScale(input({ requests: 1, replicas: [ready(0, 60_000)] }));
    expect([decision.desired, decision.stop]).toEqual([1, []]);
  });

  it('keeps a replica a run was handed to, before the run reaches it', () => {
    const decision = decideScale(input({ requests: 1, replicas: [ready(0, 60_000)] }));
    expect(decision.stop).toEqual([]);
  });

  it('counts the runs on replicas and waiting in the pool when the queue’s count lags', () => {
    const decision = decideScale(input({ requests: 0, waitingInPool: 1, replicas: [ready(1)] }));
    expect([decision.desired, decision.start]).toEqual([2, 1]);
  });

  it('never stops a busy or starting replica', () => {
    const decision = decideScale(input({ replicas: [ready(2), starting] }));
    expect(decision.stop).toEqual([]);
  });

  it('a keep-alive of 0 stops an idle replica at once', () => {
    const scale = { min: 0, max: 2, keepAliveMs: 0 };
    expect(decideScale(input({ scale, replicas: [ready(0, 0)] })).stop).toEqual([0]);
  });
});
