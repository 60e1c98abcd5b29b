import { describe, expect, it } from 'vitest';
import { laneName, type Lane } from '../../src/redis/bull-lane-name.js';
import type { RedisHub } from '../../src/redis/redis-hub.js';
import { startRedisServer } from '../support/redis-server.js';
import { deployment, entry, type Instance } from './bull-queue-fixtures.js';

const lane: Lane = { appId: 'b/renewals', endpoint: '' };
const HELD = 40;
const LOCK_MS = 400;

/** Scripts the server has run, from `INFO commandstats`. */
async function scriptCalls(hub: RedisHub): Promise<number> {
  const stats = await hub.command.info('commandstats');
  const calls = (name: string) =>
    Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  return calls('evalsha') + calls('eval');
}

async function lockHolders(instance: Instance, requestIds: readonly string[]): Promise<number> {
  const prefix = `${instance.hub.key('bull')}:${laneName(lane)}`;
  const tokens = await Promise.all(
    requestIds.map((id) => instance.hub.command.get(`${prefix}:${id}:lock`)),
  );
  return tokens.filter((token) => token !== null).length;
}

describe('BullRequestQueue lock renewal', () => {
  it('renews every held run of a lane in one round trip, and keeps them all locked', async () => {
    await using server = await startRedisServer();
    await using processes = deployment(server.url);
    const taker = await processes.open({ lockMs: LOCK_MS, stalledCheckMs: 60_000 });
    const queued = Array.from({ length: HELD }, () => entry(lane.appId));
    for (const each of queued) await taker.queue.enqueue(each);
    for (let index = 0; index < HELD; index++)
      expect(await taker.queue.take(() => true)).toBeDefined();

    const before = await scriptCalls(taker.hub);
    await new Promise((resolve) => setTimeout(resolve, LOCK_MS * 3));
    const during = (await scriptCalls(taker.hub)) - before;

    expect(
      await lockHolders(
        taker,
        queued.map((each) => each.requestId),
      ),
    ).toBe(HELD);
    // Six renewal ticks at most in 3 lock lengths; one script each, not one per run (240).
    expect(during).toBeLessThanOrEqual(10);
    for (const each of queued) await taker.queue.settle(each.requestId);
  });
});
