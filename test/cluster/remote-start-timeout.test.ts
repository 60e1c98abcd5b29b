import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/dispatch/request-queue.js';
import { openRedisBackends, type RedisBackends } from '../../src/cluster/redis-backends.js';
import { RemoteDispatcher, type RemoteQueue } from '../../src/cluster/remote-dispatcher.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';
import { until } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';

const logger = pino({ level: 'silent' });
let prefix: string;
let backends: RedisBackends | undefined;
let dispatch: RemoteDispatcher | undefined;

afterEach(async () => {
  await dispatch?.shutdown(0);
  await backends?.close();
  await deletePrefix(prefix);
});

/** What happens to a request between its enqueue and the end of `submit`, as a worker would do it. */
type Race = (requestId: string) => Promise<void>;

/**
 * The shared queue, with a worker's move landing while `submit` is still enqueueing: the
 * request has started (or ended) before the gateway could arm its start timeout. It
 * records every `remove`, the only way a start timeout takes a request out of the queue.
 */
function racingQueue(
  parts: RedisBackends,
  race: Race | undefined,
): RemoteQueue & { readonly removed: string[] } {
  const removed: string[] = [];
  const { queue } = parts;
  return {
    enqueueAdmitted: async (entry: QueueEntry, admission) => {
      const admitted = await queue.enqueueAdmitted(entry, admission);
      if (!race || !admitted) return admitted;
      const seen = dispatch!.nextChange(AbortSignal.timeout(5_000));
      await race(entry.requestId);
      await seen; // this gateway has heard of the move
      return admitted;
    },
    remove: (requestId) => {
      removed.push(requestId);
      return queue.remove(requestId);
    },
    position: (requestId) => queue.position(requestId),
    depth: () => queue.depth(),
    removed,
  };
}

async function openDispatch(race?: (parts: RedisBackends) => Race) {
  prefix = uniquePrefix();
  backends = await openRedisBackends({ url: redisUrl(), prefix }, { logger });
  const parts = backends;
  const queue = racingQueue(parts, race?.(parts));
  const findApp = () => countApp;
  const { eventLog, states } = parts;
  dispatch = new RemoteDispatcher({
    eventLog,
    queue,
    states,
    logger,
    cancelGraceMs: 60_000,
    findApp,
  });
  const changes = parts.hub.channel('changes');
  const subscribed = async () => {
    const [, count] = (await parts.hub.command.pubsub('NUMSUB', changes)) as [string, number];
    return Number(count) > 0;
  };
  await until(subscribed);
  return { dispatch, queue, eventLog };
}

const submission = {
  app: countApp,
  endpoint: countApp.endpoints.get('')!,
  input: { n: 1 },
  owner: 'anonymous',
  cancelOnDisconnect: false,
  view: 'queue' as const,
  startTimeoutSeconds: 0.2,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the start timeout of a Redis gateway', () => {
  it('never fires for a request that started before the gateway could arm it', async () => {
    const opened = await openDispatch((parts) => async (requestId) => {
      await parts.states.started(requestId);
    });
    const { record } = await opened.dispatch.submit(submission);
    await sleep(600); // three start timeouts
    expect(opened.queue.removed).toEqual([]);
    expect((await opened.eventLog.lookup(record.requestId)).state).toBe('live');
    expect(opened.dispatch.activeRuns).toBe(1);
  });

  it('never fires for a request that ended before the gateway could arm it', async () => {
    const opened = await openDispatch((parts) => async (requestId) => {
      await parts.states.ended(requestId);
    });
    const { record } = await opened.dispatch.submit(submission);
    await sleep(600);
    expect(opened.queue.removed).toEqual([]);
    expect((await opened.eventLog.lookup(record.requestId)).state).toBe('live');
    expect(opened.dispatch.activeRuns).toBe(0);
  });

  it('still ends a request that stays queued with `timeout`', async () => {
    const opened = await openDispatch();
    const { record } = await opened.dispatch.submit({ ...submission, startTimeoutSeconds: 0.1 });
    await until(async () => (await opened.eventLog.lookup(record.requestId)).state === 'ended');
    expect(opened.queue.removed).toEqual([record.requestId]);
    expect(await opened.dispatch.progress(record.requestId)).toMatchObject({
      state: 'ended',
      startTimedOut: true,
    });
    expect(opened.dispatch.activeRuns).toBe(0);
  });
});
