import type { QueueEntry } from '../../src/dispatch/request-queue.js';
import { BullRequestQueue, type BullQueueOptions } from '../../src/redis/bull-request-queue.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

/** An instance as a process holds it: its own hub, and a way to end both. */
export interface Instance {
  readonly hub: RedisHub;
  readonly queue: BullRequestQueue;
  readonly close: () => Promise<void>;
}

/** Instances sharing one fresh prefix, like processes of one deployment. */
export function deployment(url = redisUrl()) {
  const prefix = uniquePrefix();
  const opened: Instance[] = [];
  return {
    async open(options?: BullQueueOptions): Promise<Instance> {
      const hub = await RedisHub.connect({ url, prefix });
      const queue = new BullRequestQueue(hub, options);
      const instance = {
        hub,
        queue,
        close: async () => {
          await queue.close();
          await hub.close();
        },
      };
      opened.push(instance);
      return instance;
    },
    async [Symbol.asyncDispose]() {
      for (const instance of opened.reverse()) await instance.close();
      await deletePrefix(prefix, url);
    },
  };
}

let counter = 0;

/** A new entry of `appId`, with a payload. */
export function entry(
  appId: string,
  options: { endpoint?: string; priority?: number } = {},
): QueueEntry {
  counter++;
  return {
    requestId: `bull-request-${counter}`,
    appId,
    endpoint: options.endpoint ?? '',
    priority: options.priority ?? 0,
    enqueuedAt: 1_700_000_000_000 + counter,
    request: {
      input: { prompt: `a prompt ${counter}`, steps: [1, 2, 3], nested: { emoji: '🐢' } },
      owner: 'key-1',
      view: 'queue',
      cancelOnDisconnect: false,
    },
  };
}

/** The next run `queue` reports lost. */
export function nextLost(queue: BullRequestQueue): Promise<[QueueEntry, boolean]> {
  return new Promise((resolve) => {
    const stop = queue.onLost((lost, retrying) => {
      stop();
      resolve([lost, retrying]);
    });
  });
}

/** The next request whose lock `queue` reports lost. */
export function nextLockLost(queue: BullRequestQueue): Promise<string> {
  return new Promise((resolve) => {
    const stop = queue.onLockLost((requestId) => {
      stop();
      resolve(requestId);
    });
  });
}

/** Resolves once some connection is subscribed to `channel`. */
export async function subscribed(hub: RedisHub, channel: string): Promise<void> {
  for (let attempt = 0; attempt < 1_000; attempt++) {
    const [, subscribers] = (await hub.command.pubsub('NUMSUB', channel)) as [string, number];
    if (subscribers > 0) return;
  }
  throw new Error(`nobody subscribed to ${channel}`);
}

/** Takes until nothing is left; the ids in the order taken. */
export async function takeUntilEmpty(queue: BullRequestQueue): Promise<string[]> {
  const taken: string[] = [];
  for (let attempt = 0; attempt < 100; attempt++) {
    const next = await queue.take(() => true);
    if (!next) return taken;
    taken.push(next.requestId);
  }
  throw new Error('the queue never emptied');
}
