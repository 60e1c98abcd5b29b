import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { readCatalog, WorkerRegistry } from '../../src/cluster/worker-registry.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import { deletePrefix, uniquePrefix } from '../support/redis.js';
import { startRedisServer } from '../support/redis-server.js';

const app = defineApp({ id: 'reg/istry', input: z.object({}), run: () => 'ok' });

function announce(hub: RedisHub, workerId: string, intervalMs = 60_000) {
  return WorkerRegistry.announce(hub, {
    workerId,
    apps: [app],
    capacityOf: () => 4,
    runningOf: () => 0,
    statusOf: () => ({ state: 'ready' }) as never,
    intervalMs,
  });
}

async function callsOf(hub: RedisHub, command: string): Promise<number> {
  const stats = await hub.command.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

describe('the worker registry', () => {
  it('reads the live workers in a few commands, however many other keys Redis holds', async () => {
    await using server = await startRedisServer();
    const prefix = uniquePrefix();
    const hub = await RedisHub.connect({ url: server.url, prefix });
    try {
      const registries = [await announce(hub, 'one'), await announce(hub, 'two')];
      const filler = hub.command.pipeline();
      for (let index = 0; index < 20_000; index++) filler.set(hub.key('run', `${index}`), 'x');
      await filler.exec();
      await hub.command.config('RESETSTAT');

      const { workers, apps } = await readCatalog(hub);
      expect(workers.map((worker) => worker.workerId).sort()).toEqual(['one', 'two']);
      expect(apps.map((published) => published.id)).toEqual(['reg/istry']);
      expect(await callsOf(hub, 'scan')).toBe(0);

      await registries[0]!.withdraw();
      expect((await readCatalog(hub)).workers.map((worker) => worker.workerId)).toEqual(['two']);
      await registries[1]!.withdraw();
    } finally {
      await hub.close();
      await deletePrefix(prefix, server.url);
    }
  });

  it('forgets a worker whose heartbeat expired, and knows it again when it beats', async () => {
    await using server = await startRedisServer();
    const prefix = uniquePrefix();
    const hub = await RedisHub.connect({ url: server.url, prefix });
    try {
      const registry = await announce(hub, 'silent');
      await hub.command.del(hub.key('worker', 'silent')); // as its heartbeat key expiring does
      expect((await readCatalog(hub)).workers).toEqual([]);
      expect(await hub.command.smembers(hub.key('workers'))).toEqual([]);

      await registry.beat();
      expect((await readCatalog(hub)).workers.map((worker) => worker.workerId)).toEqual(['silent']);
      await registry.withdraw();
    } finally {
      await hub.close();
      await deletePrefix(prefix, server.url);
    }
  });
});
