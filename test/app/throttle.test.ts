import { describe, expect, it } from 'vitest';
import { createThrottle, type Throttle } from '../../src/app/throttle.js';

/** The steps from 1 to `total` that pass. */
function passingSteps(throttle: Throttle, total: number, withTotal = true): number[] {
  const passed: number[] = [];
  for (let step = 1; step <= total; step++) {
    if (throttle(step, withTotal ? total : undefined)) passed.push(step);
  }
  return passed;
}

/** A clock the test moves by hand. */
function manualClock(start = 1000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}

describe('createThrottle', () => {
  it('passes every k-th step and the final one', () => {
    expect(passingSteps(createThrottle({ everySteps: 3 }), 10)).toEqual([3, 6, 9, 10]);
  });

  it('passes every step by default', () => {
    expect(passingSteps(createThrottle({}), 4)).toEqual([1, 2, 3, 4]);
  });

  it('does not force the last step when no total is given', () => {
    expect(passingSteps(createThrottle({ everySteps: 3 }), 10, false)).toEqual([3, 6, 9]);
  });

  it('passes at most once per interval, measured from the last pass', () => {
    const clock = manualClock();
    const throttle = createThrottle({ minIntervalMs: 100, now: clock.now });
    const passed: number[] = [];
    for (let step = 1; step <= 10; step++) {
      if (throttle(step)) passed.push(step);
      clock.advance(40);
    }
    // Passes at t=0, 120, 240, 360: steps 1, 4, 7, 10.
    expect(passed).toEqual([1, 4, 7, 10]);
  });

  it('needs both conditions when both are given', () => {
    const clock = manualClock();
    const throttle = createThrottle({ everySteps: 2, minIntervalMs: 100, now: clock.now });
    const passed: number[] = [];
    for (let step = 1; step <= 12; step++) {
      if (throttle(step, 20)) passed.push(step);
      clock.advance(30);
    }
    // Even steps only, and 100 ms apart: t=30 (2), 150 (6), 270 (10).
    expect(passed).toEqual([2, 6, 10]);
  });

  it('always passes the final step, even inside the interval', () => {
    const clock = manualClock();
    const throttle = createThrottle({ everySteps: 5, minIntervalMs: 1000, now: clock.now });
    expect(throttle(5, 7)).toBe(true);
    expect(throttle(6, 7)).toBe(false);
    expect(throttle(7, 7)).toBe(true);
  });

  it('restarts the interval at a forced final pass', () => {
    const clock = manualClock();
    const throttle = createThrottle({ minIntervalMs: 100, now: clock.now });
    expect(throttle(1, 1)).toBe(true);
    clock.advance(50);
    expect(throttle(2)).toBe(false);
  });

  it('uses the real clock when none is given', () => {
    const throttle = createThrottle({ minIntervalMs: 60_000 });
    expect(throttle(1)).toBe(true);
    expect(throttle(2)).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity])('rejects everySteps %s', (everySteps) => {
    expect(() => createThrottle({ everySteps })).toThrow(TypeError);
  });

  it.each([-1, Number.NaN])('rejects minIntervalMs %s', (minIntervalMs) => {
    expect(() => createThrottle({ minIntervalMs })).toThrow(TypeError);
  });
});
