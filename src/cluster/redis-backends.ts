import type { Logger } from 'pino';
import { repeatedErrors } from '../redis/repeated-errors.js';
import type { App } from '../app/define-app.js';
import type { DefaultLimits } from '../dispatch/tracked-request.js';
import type { EventLogLimits } from '../events/event-log.js';
import { BullRequestQueue } from '../redis/bull-request-queue.js';
import type { Lane } from '../redis/bull-lane-name.js';
import { RedisEventLog } from '../redis/redis-event-log.js';
import { RedisHub, type RedisBackendOptions } from '../redis/redis-hub.js';
import { RunStates } from './run-states.js';

/** Redis mode, as `--redis` and `createGateway({ redis })` set it. */
export interface RedisModeOptions extends RedisBackendOptions {
  /** Lock of a running request; a worker silent this long is lost (default 10 s). */
  readonly lockMs?: number;
  /** How often workers look for requests whose worker was lost (default 5 s). */
  readonly stalledCheckMs?: number;
}

/** What opening the backends needs beyond the Redis options. */
export interface BackendParts {
  readonly logger: Logger;
  /** Caps and retention of every request's log. */
  readonly eventLogLimits?: Partial<EventLogLimits>;
  /** Finds an app: the retries and concurrency of its endpoints (default: none known). */
  readonly findApp?: (appId: string) => App | undefined;
  /** Limits of endpoints that declare none: `concurrent` becomes the endpoint's global concurrency. */
  readonly defaultLimits?: DefaultLimits;
}

/** The Redis backends of one process, over one {@link RedisHub}. */
export interface RedisBackends {
  readonly hub: RedisHub;
  readonly eventLog: RedisEventLog;
  readonly queue: BullRequestQueue;
  readonly states: RunStates;
  /** Closes the queue, the log and the hub. */
  close(): Promise<void>;
}

function endpointOf(parts: BackendParts, lane: Lane) {
  return parts.findApp?.(lane.appId)?.endpoints.get(lane.endpoint);
}

/**
 * Connects to Redis and opens the event log, the queue and the run states on it.
 *
 * @example
 * const backends = await openRedisBackends({ url: 'redis://127.0.0.1:6379' }, { logger });
 * await backends.close();
 */
export async function openRedisBackends(
  options: RedisModeOptions,
  parts: BackendParts,
): Promise<RedisBackends> {
  const hub = await RedisHub.connect(options);
  const eventLog = new RedisEventLog(hub, parts.eventLogLimits);
  const queue = new BullRequestQueue(hub, {
    lockMs: options.lockMs,
    stalledCheckMs: options.stalledCheckMs,
    retriesOf: (lane) => endpointOf(parts, lane)?.retries ?? 0,
    concurrencyOf: (lane) => {
      const endpoint = endpointOf(parts, lane);
      return endpoint && (endpoint.limits.concurrent ?? parts.defaultLimits?.concurrent);
    },
    onError: repeatedErrors(parts.logger, 'redis queue'),
  });
  const states = new RunStates(hub, eventLog.limits.retentionMs);
  return {
    hub,
    eventLog,
    queue,
    states,
    close: async () => {
      await queue.close();
      await eventLog.close();
      await hub.close();
    },
  };
}

/**
 * The lanes (app and endpoint pairs) of some apps.
 *
 * @example
 * await queue.serveLanes(lanesOf(apps));
 */
export function lanesOf(apps: readonly App[]): Lane[] {
  return apps.flatMap((app) =>
    [...app.endpoints.keys()].map((endpoint) => ({ appId: app.id, endpoint })),
  );
}
