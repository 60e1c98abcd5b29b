import type { Agent } from 'node:http';
import type { Redis } from 'ioredis';
import { pause } from './clock.js';
import { forEachLimited } from './concurrency.js';
import { timeFirstEvent } from './redis-first-event.js';
import type { Metrics } from './scenarios/scenario.js';

/** Requests to complete and keep: `requests` runs of `events` output events of `bytes`. */
export interface RetainedWorkload {
  readonly requests: number;
  readonly events: number;
  readonly bytes: number;
  /** Streams open at once while making them. */
  readonly concurrency: number;
}

/** One key of a retained request: its name (id replaced by `<id>`), size and time to live. */
export interface RetainedKey {
  readonly key: string;
  /** `MEMORY USAGE`. */
  readonly bytes: number;
  /** `PTTL`: -1 when the key never expires. */
  readonly ttlMs: number;
}

/** The figures, and one request's own keys (its id replaced by `<id>`) with their sizes. */
export interface RetainedMemory {
  readonly metrics: Metrics;
  readonly sampleKeys: readonly RetainedKey[];
}

const QUIET_READS = 3;
const QUIET_POLL_MS = 200;
const QUIET_TIMEOUT_MS = 15_000;
const STREAM_TIMEOUT_MS = 30_000;

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  if (match === null) throw new Error('INFO memory has no used_memory');
  return Number(match[1]);
}

/** Waits until the key count stays put for a few reads: workers have settled their runs. */
async function waitForQuiet(redis: Redis): Promise<number> {
  const deadline = performance.now() + QUIET_TIMEOUT_MS;
  let keys = await redis.dbsize();
  let sameReads = 0;
  while (sameReads < QUIET_READS && performance.now() < deadline) {
    await pause(QUIET_POLL_MS);
    const now = await redis.dbsize();
    sameReads = now === keys ? sameReads + 1 : 0;
    keys = now;
  }
  return keys;
}

async function keysOf(redis: Redis, requestId: string): Promise<RetainedMemory['sampleKeys']> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `*${requestId}*`, 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  const described = await Promise.all(
    keys.map(async (key) => ({
      key: key.replace(requestId, '<id>'),
      bytes: (await redis.memory('USAGE', key)) ?? 0,
      ttlMs: await redis.pttl(key),
    })),
  );
  return described.sort((left, right) => left.key.localeCompare(right.key));
}

/**
 * Redis memory per retained request: `used_memory` (INFO memory) and the key count, once
 * quiet before and after completing the workload's requests through the gateway at
 * `streamUrl`, divided by the request count. Returns `bytesPerRequest`, `keysPerRequest`
 * and `ownKeyBytes` (MEMORY USAGE of one request's own keys, summed), with those keys.
 *
 * @example
 * const { metrics } = await measureRetainedMemory(redis.client, { streamUrl, agent }, workload);
 */
export async function measureRetainedMemory(
  redis: Redis,
  gateway: { readonly streamUrl: string; readonly agent: Agent },
  workload: RetainedWorkload,
): Promise<RetainedMemory> {
  const input = { events: workload.events, bytes: workload.bytes, interval_ms: 0, idle: false };
  const keysBefore = await waitForQuiet(redis);
  const memoryBefore = await usedMemory(redis);
  const requestIds: string[] = [];
  await forEachLimited(workload.requests, workload.concurrency, async () => {
    const { agent, streamUrl: url } = gateway;
    const timing = await timeFirstEvent({ url, input, agent, timeoutMs: STREAM_TIMEOUT_MS });
    if (timing.outputEvents !== workload.events) throw new Error('a request lost events');
    requestIds.push(timing.requestId);
  });
  const keysAfter = await waitForQuiet(redis);
  const memoryAfter = await usedMemory(redis);
  const sampleKeys = await keysOf(redis, requestIds[requestIds.length - 1] ?? '');
  return {
    metrics: {
      bytesPerRequest: (memoryAfter - memoryBefore) / workload.requests,
      keysPerRequest: (keysAfter - keysBefore) / workload.requests,
      ownKeyBytes: sampleKeys.reduce((sum, entry) => sum + entry.bytes, 0),
    },
    sampleKeys,
  };
}
