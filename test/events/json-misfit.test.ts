import { describe, expect, it } from 'vitest';
import { jsonMisfit } from '../../src/events/json-misfit.js';

describe('jsonMisfit', () => {
  it('names what JSON cannot carry by its path', () => {
    const cycle: Record<string, unknown> = {};
    cycle.again = cycle;
    expect(jsonMisfit({ callback: () => 1 }, 'output')).toBe('output.callback is a function');
    expect(jsonMisfit([0, { s: Symbol('x') }], 'output')).toBe('output[1].s is a symbol');
    expect(jsonMisfit({ 'a b': 1n }, 'output')).toBe('output["a b"] is a BigInt');
    expect(jsonMisfit({ list: [cycle] }, 'output')).toBe(
      'output.list[0].again is a cycle (it contains itself)',
    );
    expect(jsonMisfit({ m: new Map() }, 'output')).toBe('output.m is a Map');
    expect(jsonMisfit(new Set(), 'output')).toBe('output is a Set');
    expect(jsonMisfit({ n: Infinity }, 'progress')).toBe('progress.n is not a finite number');
    expect(jsonMisfit(() => 1, 'output')).toBe('output is a function');
  });

  it('accepts what JSON carries: undefined fields, toJSON, shared (acyclic) references', () => {
    const shared = { x: 1 };
    const value = { a: undefined, when: new Date(0), one: shared, two: shared, list: [null, 'é'] };
    expect(jsonMisfit(value, 'output')).toBeUndefined();
    expect(jsonMisfit(undefined, 'output')).toBeUndefined();
    expect(jsonMisfit({ toJSON: () => ({ fine: true }) }, 'output')).toBeUndefined();
    expect(jsonMisfit({ toJSON: () => ({ bad: () => 1 }) }, 'output')).toBe(
      'output.bad is a function',
    );
  });

  it('never shows a value, and shortens a long key', () => {
    const key = 'k'.repeat(500);
    const message = jsonMisfit({ [key]: () => 'secret' }, 'output')!;
    expect(message).not.toMatch(/secret/);
    expect(message.length).toBeLessThan(100);
  });
});
