import { describe, expectTypeOf, it } from 'vitest';
import { createClient, type QueueStatus, type QueueSubmitted } from '../../src/client/index.js';
import type { queueApps } from './fixtures/queue-apps.js';

const baseUrl = 'http://127.0.0.1:8000';

describe('the queue client’s types', () => {
  it('types submit, result and subscribe by the app, extra endpoints included', () => {
    const client = createClient<typeof queueApps>({ baseUrl });
    expectTypeOf(
      client.queue.submit('ops/count', { n: 1 }),
    ).resolves.toEqualTypeOf<QueueSubmitted>();
    expectTypeOf(client.queue.result('ops/count', 'id')).resolves.toEqualTypeOf<{
      count: number;
    }>();
    expectTypeOf(
      client.queue.result('ops/count', 'id', { path: '/double' }),
    ).resolves.toEqualTypeOf<{
      doubled: number;
    }>();
    expectTypeOf(client.subscribe('ops/count', {})).resolves.toEqualTypeOf<{ count: number }>();
    expectTypeOf(
      client.subscribe('ops/count', { x: 1 }, { path: '/double' }),
    ).resolves.toEqualTypeOf<{ doubled: number }>();
    expectTypeOf(client.run('ops/count', { x: 1 }, { path: '/double' })).resolves.toEqualTypeOf<{
      doubled: number;
    }>();
    expectTypeOf(client.queue.status('ops/count', 'id')).resolves.toEqualTypeOf<QueueStatus>();
  });

  it('refuses wrong inputs, paths and apps', () => {
    const client = createClient<typeof queueApps>({ baseUrl });
    // @ts-expect-error: /double takes x
    void client.subscribe('ops/count', { n: 1 }, { path: '/double' });
    // @ts-expect-error: no such endpoint
    void client.queue.submit('ops/count', {}, { path: '/nothing' });
    // @ts-expect-error: no such app
    void client.queue.status('ops/none', 'id');
  });

  it('leaves an untyped client’s outputs unknown', () => {
    const client = createClient({ baseUrl });
    expectTypeOf(client.subscribe('any/app', { whatever: 1 })).resolves.toBeUnknown();
    expectTypeOf(client.queue.result('any/app', 'id', { path: '/x' })).resolves.toBeUnknown();
  });
});
