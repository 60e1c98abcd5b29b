import { describe, expect, it } from 'vitest';
import churn from '../../examples/feature-store.js';
import { startGateway } from '../support/gateway.js';
import { postJson } from './http.js';

describe('the feature-store example (memory store)', () => {
  it('scores from the features prepare resolved, caches the score, refuses an unknown user', async () => {
    await using gateway = await startGateway({ apps: [churn] });
    const first = await postJson(`${gateway.url}/demo/churn`, { user: 3 });
    expect(first.status).toBe(200);
    const { churn_probability: probability } = first.body as { churn_probability: number };
    expect(probability).toBeGreaterThan(0);
    expect(probability).toBeLessThan(1);
    const again = await postJson(`${gateway.url}/demo/churn`, { user: 3 });
    expect(again.headers.get('x-sluice-cache')).toBe('hit');
    expect(again.body).toEqual(first.body);
    const unknown = await postJson(`${gateway.url}/demo/churn/stream`, { user: 999_999 });
    expect(unknown.status).toBe(422);
  });
});
