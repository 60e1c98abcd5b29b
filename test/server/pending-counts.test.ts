import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PendingCounts } from '../../src/server/pending-counts.js';

describe('PendingCounts', () => {
  it('hands its counts to the counter at each collection, and each count once', async () => {
    const registry = new Registry();
    const pending = new PendingCounts<'app' | 'outcome'>();
    const counter = new Counter({
      name: 'test_total',
      help: 'test',
      labelNames: ['app', 'outcome'],
      registers: [registry],
      collect() {
        pending.flushInto(this);
      },
    });
    const valueOf = async (outcome: string) =>
      (await counter.get()).values.find((value) => value.labels.outcome === outcome)?.value;
    for (let index = 0; index < 3; index++) pending.add({ app: 'a', outcome: 'ok' });
    pending.add({ app: 'a', outcome: 'timeout' });
    expect(await valueOf('ok')).toBe(3);
    expect(await valueOf('ok')).toBe(3);
    pending.add({ app: 'a', outcome: 'ok' });
    expect(await registry.metrics()).toContain('test_total{app="a",outcome="ok"} 4');
    expect(await valueOf('timeout')).toBe(1);
  });
});
