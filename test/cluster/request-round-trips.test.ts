import { Redis } from 'ioredis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startCluster } from '../support/cluster.js';
import { uniquePrefix } from '../support/redis.js';
import { watchCommands } from '../support/redis-monitor.js';
import { startRedisServer } from '../support/redis-server.js';
import { startStream } from './cluster-streams.js';

const REQUESTS = 5;
/** A worker looks at the queue unasked once a second. */
const POLL_MS = 1_000;

/** What Redis saw while `work` ran. */
interface Seen {
  /** Every command clients sent, as `MONITOR` shows it (not those of scripts). */
  readonly commands: string[];
  /** The messages published on `channel`, from clients and scripts alike. */
  readonly messages: string[];
}

async function seenDuring(url: string, channel: string, work: () => Promise<void>): Promise<Seen> {
  const subscriber = new Redis(url);
  const messages: string[] = [];
  await subscriber.subscribe(channel);
  subscriber.on('message', (_channel: string, message: string) => messages.push(message));
  const watch = await watchCommands(url);
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the last messages delivered
  } finally {
    await watch.close();
    subscriber.disconnect();
  }
  const commands = watch.commands
    .filter(({ source }) => source !== 'lua')
    .map(({ args }) => args.join(' '));
  return { commands, messages };
}

/** One request to its end, then until its worker settled it (its queue record is gone). */
async function oneRequest(gatewayUrl: string, redis: Redis, prefix: string): Promise<void> {
  const { reader } = await startStream(gatewayUrl, 'cluster/count', { count: 1, interval_ms: 0 });
  await reader.ended;
  expect(reader.events.at(-1)?.type).toBe('result');
  await expect.poll(() => redis.hlen(`${prefix}queue-index:records`)).toBe(0);
}

describe('the Redis commands of one request', () => {
  it('the admission writes the log and state, the worker looks at the queue once per request, and a settle with nothing waiting announces nothing', async () => {
    await using redis = await startRedisServer();
    const prefix = uniquePrefix();
    await using cluster = await startCluster({
      redisUrl: redis.url,
      prefix,
      gateways: 1,
      workers: 1,
    });
    const gatewayUrl = cluster.gateways[0]!.url;
    const redisClient = new Redis(redis.url);
    onTestFinished(() => redisClient.disconnect());
    const request = () => oneRequest(gatewayUrl, redisClient, prefix);
    await request(); // scripts loaded, connections warm
    const startedAt = performance.now();
    const { commands, messages } = await seenDuring(
      redis.url,
      `${prefix}channel:queued`,
      async () => {
        for (let count = 0; count < REQUESTS; count++) await request();
      },
    );
    const polls = Math.ceil((performance.now() - startedAt) / POLL_MS);
    const walks = commands.filter((command) =>
      command.includes(`${prefix}queue-index:all ${prefix}queue-index:records -inf`),
    );
    // One walk finds each request and takes it; none after its claim or its settle.
    expect(walks.length).toBeGreaterThanOrEqual(REQUESTS);
    expect(walks.length).toBeLessThanOrEqual(REQUESTS + polls);
    expect(messages).toHaveLength(REQUESTS); // each enqueue's announcement, no settle's
    // The state is created by the admission's script and started by one of its own (no
    // command of theirs writes it), and a client's leaving reads nothing more.
    const ofStates = commands.filter((command) => command.includes(` ${prefix}run:`));
    expect(ofStates.filter((command) => / state (queued|running)/.test(command))).toEqual([]);
    expect(ofStates.filter((command) => command.startsWith('hmget'))).toEqual([]);
    // Its stream waits for the append notices, which carry these small events: no read.
    expect(commands.filter((command) => command.startsWith('xrange'))).toEqual([]);
  });
});
