import { describe, expect, it } from 'vitest';
import { LoadCounters } from '../../src/dispatch/load-counters.js';

const key = { appId: 'a/b', endpoint: '' };
const other = { appId: 'a/b', endpoint: '/other' };

describe('LoadCounters', () => {
  it('starts no more than the app’s capacity, over all its endpoints', () => {
    const load = new LoadCounters({
      capacityOf: () => 2,
      limitsOf: () => ({ concurrent: Infinity, queued: Infinity }),
    });
    load.wait(key);
    load.start(key);
    load.wait(other);
    load.start(other);
    expect(load.canStart(key)).toBe(false);
    load.run(other, -1);
    expect(load.canStart(key)).toBe(true);
  });

  it('holds each endpoint to its concurrent limit', () => {
    const load = new LoadCounters({
      capacityOf: () => Infinity,
      limitsOf: (_app, endpoint) => ({
        concurrent: endpoint === '' ? 1 : Infinity,
        queued: Infinity,
      }),
    });
    load.wait(key);
    load.start(key);
    expect(load.canStart(key)).toBe(false);
    expect(load.canStart(other)).toBe(true);
  });

  it('admits past the queue limit only a request that starts at once', () => {
    const load = new LoadCounters({
      capacityOf: () => 1,
      limitsOf: () => ({ concurrent: Infinity, queued: 0 }),
    });
    expect(load.canAdmit(key)).toBe(true);
    load.wait(key);
    load.start(key);
    expect(load.canAdmit(key)).toBe(false);
    expect(load.waiting).toBe(0);
  });
});
