import { describe, expect, it } from 'vitest';
import { BodyWatch, RATE_GRACE_MS, type WatchedBody } from '../../src/server/body-watch.js';
import { nestsDeeperThan } from '../../src/server/json-depth.js';

describe('nestsDeeperThan', () => {
  it('counts nesting of arrays and objects', () => {
    expect(nestsDeeperThan('[[[1]]]', 3)).toBe(false);
    expect(nestsDeeperThan('[[[[1]]]]', 3)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[{}]}}', 3)).toBe(true);
    expect(nestsDeeperThan('[[[]],[[]],[[]]]', 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan('["[[[[", "\\"[[[[", "\\\\", []]', 3)).toBe(false);
    expect(nestsDeeperThan('{"é[[[[": "ü{{{{"}', 3)).toBe(false);
    expect(nestsDeeperThan('["\\\\", [[[1]]]]', 3)).toBe(true);
  });
});

describe('BodyWatch', () => {
  function watched(startedAt: number, bytes: number) {
    const expired: string[] = [];
    const body: WatchedBody = { startedAt, bytes, expire: (reason) => expired.push(reason) };
    return { body, expired };
  }

  it('expires a body past the deadline, and one slower than the rate after the grace', () => {
    const watch = new BodyWatch({ requestTimeoutMs: 60_000, minBodyBytesPerSecond: 1024 });
    const late = watched(0, 10_000_000);
    const slow = watched(1, 1024 * 5);
    const fast = watched(1, 1024 * 61);
    const young = watched(50_000, 1);
    for (const { body } of [late, slow, fast, young]) watch.add(body);
    watch.sweep(RATE_GRACE_MS - 1);
    expect([late, slow, fast, young].map(({ expired }) => expired)).toEqual([[], [], [], []]);
    watch.sweep(60_001);
    expect([late, slow, fast, young].map(({ expired }) => expired)).toEqual([
      ['deadline'],
      ['rate'],
      [],
      ['rate'],
    ]);
    watch.stop();
  });

  it('expires each body once, and not after it is removed; 0 turns a check off', () => {
    const watch = new BodyWatch({ requestTimeoutMs: 0, minBodyBytesPerSecond: 0 });
    const idle = watched(0, 0);
    watch.add(idle.body);
    watch.sweep(1e9);
    expect(idle.expired).toEqual([]);
    const strict = new BodyWatch({ requestTimeoutMs: 10, minBodyBytesPerSecond: 0 });
    const late = watched(0, 0);
    const removed = watched(0, 0);
    strict.add(late.body);
    strict.add(removed.body)();
    strict.sweep(100);
    strict.sweep(200);
    expect([late.expired, removed.expired]).toEqual([['deadline'], []]);
    watch.stop();
    strict.stop();
  });
});
