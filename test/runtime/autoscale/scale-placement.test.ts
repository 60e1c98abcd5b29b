import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp, type ReplicaScale } from '../../../src/app/define-app.js';
import { DEFAULT_KEEP_ALIVE_MS, resolvePlacement } from '../../../src/runtime/placement.js';

function appWith(replicas: number | ReplicaScale) {
  return defineApp({
    id: 'test/scale-placement',
    input: z.object({}),
    isolation: 'process',
    replicas,
    run: () => null,
  });
}

describe('replicas: { min, max, keepAliveMs }', () => {
  it('resolves to max slots, with the keep-alive defaulted', () => {
    const placement = resolvePlacement(appWith({ min: 0, max: 3 }));
    expect(placement.replicas).toBe(3);
    expect(placement.scale).toEqual({ min: 0, max: 3, keepAliveMs: DEFAULT_KEEP_ALIVE_MS });
  });

  it('keeps a plain number a fixed count, and a CLI count wins over the range', () => {
    expect(resolvePlacement(appWith(2))).toMatchObject({ replicas: 2, scale: undefined });
    const overridden = resolvePlacement(appWith({ min: 0, max: 3 }), { replicas: 5 });
    expect(overridden).toMatchObject({ replicas: 5, scale: undefined });
  });

  it('takes a range from the overrides, and its keep-alive from the overrides, then the app', () => {
    const scaled = appWith({ min: 1, max: 2, keepAliveMs: 5_000 });
    expect(resolvePlacement(appWith(2), { replicas: { min: 0, max: 4 } })).toMatchObject({
      replicas: 4,
      scale: { min: 0, max: 4, keepAliveMs: DEFAULT_KEEP_ALIVE_MS },
    });
    expect(resolvePlacement(scaled, { replicas: { min: 0, max: 4 } }).scale).toEqual({
      min: 0,
      max: 4,
      keepAliveMs: 5_000,
    });
    const both = { replicas: { min: 0, max: 4 }, keepAliveMs: 250 };
    expect(resolvePlacement(scaled, both).scale).toEqual({ min: 0, max: 4, keepAliveMs: 250 });
    expect(resolvePlacement(scaled, { keepAliveMs: 0 }).scale).toEqual({
      min: 1,
      max: 2,
      keepAliveMs: 0,
    });
  });

  it('leaves a fixed-count app alone under a keep-alive, and refuses one next to a fixed override', () => {
    expect(resolvePlacement(appWith(2), { keepAliveMs: 250 })).toMatchObject({
      replicas: 2,
      scale: undefined,
    });
    expect(() => resolvePlacement(appWith(2), { replicas: 3, keepAliveMs: 250 })).toThrow(
      new TypeError('keepAliveMs needs autoscaled replicas, not a fixed replicas count'),
    );
    expect(() => resolvePlacement(appWith(2), { replicas: { min: 2, max: 1 } })).toThrow(
      new TypeError('replicas.min must not be more than replicas.max'),
    );
  });

  it.each([
    [{ min: -1, max: 2 }, 'replicas.min must be an integer of 0 or more'],
    [{ min: 0.5, max: 2 }, 'replicas.min must be an integer of 0 or more'],
    [{ min: 0, max: 0 }, 'replicas.max must be a positive integer'],
    [{ min: 3, max: 2 }, 'replicas.min must not be more than replicas.max'],
    [{ min: 0, max: 2, keepAliveMs: -5 }, 'replicas.keepAliveMs must be a number of 0 or more'],
    [
      { min: 0, max: 2, keepAliveMs: Infinity },
      'replicas.keepAliveMs must be a number of 0 or more',
    ],
  ])('refuses %j', (scale, message) => {
    expect(() => resolvePlacement(appWith(scale))).toThrow(new TypeError(message));
  });
});
