import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { gatewayOptionsOf } from '../../src/cli/serve-options.js';
import { memoryAdmission } from '../../src/dispatch/memory-admission.js';
import type { Submission } from '../../src/dispatch/tracked-request.js';
import type { RequestView } from '../../src/dispatch/dispatch-observer.js';
import { MemoryBudget } from '../../src/events/memory-budget.js';

const app = defineApp({ id: 'test/admission', input: z.object({}), run: () => ({}) });

function submission(view: RequestView): Submission {
  const endpoint = app.endpoints.get('')!;
  return { app, endpoint, input: {}, owner: 'anonymous', cancelOnDisconnect: false, view };
}

describe('memoryAdmission', () => {
  it('takes every request while the budget has room', () => {
    const budget = new MemoryBudget({ limitBytes: 1_000 });
    budget.charge(999);
    expect(memoryAdmission(budget)(submission('queue'))).toBeUndefined();
  });

  it('refuses new requests with 503 app_unavailable and Retry-After once it is exhausted', () => {
    const budget = new MemoryBudget({ limitBytes: 1_000 });
    budget.charge(1_000);
    for (const view of ['sync', 'stream', 'queue'] as const) {
      const refusal = memoryAdmission(budget)(submission(view));
      expect(refusal).toMatchObject({ code: 'app_unavailable', status: 503, retryAfterSeconds: 2 });
    }
  });

  it('still takes the child runs of a running parent: refusing them would fail it', () => {
    const budget = new MemoryBudget({ limitBytes: 1_000 });
    budget.charge(5_000);
    expect(memoryAdmission(budget)(submission('child'))).toBeUndefined();
  });
});

describe('--memory-budget', () => {
  it('sets the gateway’s memoryBudgetBytes', () => {
    expect(gatewayOptionsOf({ 'memory-budget': '1048576' }).memoryBudgetBytes).toBe(1_048_576);
    expect(gatewayOptionsOf({}).memoryBudgetBytes).toBeUndefined();
  });

  it('refuses a budget that allows nothing, naming the flag', () => {
    expect(() => gatewayOptionsOf({ 'memory-budget': '0' })).toThrow('--memory-budget');
    expect(() => gatewayOptionsOf({ 'memory-budget': '-5' })).toThrow('--memory-budget');
    expect(() => gatewayOptionsOf({ 'memory-budget': 'lots' })).toThrow('--memory-budget');
  });
});
