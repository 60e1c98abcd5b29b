import { tracingObserver } from '../dispatch/tracing-observer.js';
import type { Logger } from 'pino';
import { CachingDispatch } from '../dispatch/caching-dispatch.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { MemoryResponseCache } from '../dispatch/memory-response-cache.js';
import type { RequestDispatch } from '../dispatch/request-dispatch.js';
import { memoryAdmission } from '../dispatch/memory-admission.js';
import { RequestAftermath } from '../dispatch/request-aftermath.js';
import { DEFAULT_WEBHOOK_POLICY } from '../dispatch/webhook-delivery.js';
import type { MemoryBudget } from '../events/memory-budget.js';
import { processMemoryBudget } from '../events/process-memory-budget.js';
import type { EventLog } from '../events/event-log.js';
import { MemoryEventLog } from '../events/memory-event-log.js';
import type { RedisModeOptions } from '../cluster/redis-backends.js';
import { createRuntime } from '../runtime/create-runtime.js';
import type { Runtime } from '../runtime/runtime.js';
import type { AppRoutes } from './app-routes.js';
import type { GatewayOptions } from './create-gateway.js';
import type { GatewayMetrics } from './metrics.js';

/** What the backends report to and route by. */
export interface BackendSources {
  readonly logger: Logger;
  readonly routes: AppRoutes;
  readonly metrics: GatewayMetrics;
}

const DEFAULT_CANCEL_GRACE_MS = 5_000;

/** The process's memory budget, at the limit the options set (if they set one). */
function configuredBudget(options: GatewayOptions): MemoryBudget {
  const budget = processMemoryBudget();
  if (options.memoryBudgetBytes !== undefined) budget.setLimit(options.memoryBudgetBytes);
  return budget;
}

/** Where a gateway's requests are kept and run. */
export interface Backends {
  readonly eventLog: EventLog;
  readonly runtime: Runtime;
  readonly dispatcher: RequestDispatch;
  /** First thing in a shutdown (Redis mode: the local worker takes no more work). */
  readonly beginShutdown: () => Promise<void>;
  /** What else closes with the gateway (Redis mode). */
  readonly close: (deadlineMs: number) => Promise<void>;
}

/**
 * The embedded default: the in-process dispatcher over a memory log (or the log, queue and
 * runtime passed in).
 *
 * @example
 * const backends = memoryBackends(options, { logger, routes, metrics });
 */
export function memoryBackends(
  options: GatewayOptions,
  { logger, routes, metrics }: BackendSources,
): Backends {
  const budget = configuredBudget(options);
  const eventLog = options.eventLog ?? new MemoryEventLog(options.eventLogLimits, budget);
  const runtime = options.runtime ?? createRuntime(options.apps);
  const { limits } = eventLog; // a log passed in enforces its own caps and retention
  const webhookPolicy = { ...DEFAULT_WEBHOOK_POLICY, ...options.webhook };
  const observer = tracingObserver(metrics.observer(), 'all');
  const inner = new Dispatcher({
    eventLog,
    runtime,
    cancelGraceMs: options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS,
    logger,
    caps: limits,
    retentionMs: limits.retentionMs,
    findApp: (appId) => routes.get(appId),
    queue: options.queue,
    defaultLimits: options.limits,
    webhookPolicy,
    observer,
    admissionGuard: memoryAdmission(budget),
    memoryBudget: budget,
  });
  const cache = new MemoryResponseCache();
  const aftermath = new RequestAftermath({ eventLog, logger, observer, webhookPolicy });
  const dispatcher = new CachingDispatch({ inner, eventLog, cache, aftermath });
  const nothing = () => Promise.resolve();
  return { eventLog, runtime, dispatcher, beginShutdown: nothing, close: nothing };
}

/**
 * Redis mode: the shared log, queue and request states, and the apps the workers publish.
 * Loaded only when asked for, so a memory-mode gateway never loads ioredis or BullMQ.
 *
 * @example
 * const backends = await redisBackends(options.redis, options, { logger, routes, metrics });
 */
export async function redisBackends(
  redis: RedisModeOptions,
  options: GatewayOptions,
  { logger, routes, metrics }: BackendSources,
): Promise<Backends> {
  configuredBudget(options); // here it bounds only the local worker's unappended buffers
  const { openRedisGateway } = await import('../cluster/redis-gateway.js');
  const webhookPolicy = { ...DEFAULT_WEBHOOK_POLICY, ...options.webhook };
  const observer = tracingObserver(metrics.observer(), 'gateway');
  const parts = await openRedisGateway({
    redis,
    apps: options.apps,
    runtime: options.runtime,
    logger,
    eventLogLimits: options.eventLogLimits,
    cancelGraceMs: options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS,
    defaultLimits: options.limits,
    webhookPolicy,
    observer,
    onApps: (apps) => routes.replace(apps),
    findApp: (appId) => routes.get(appId),
  });
  const { eventLog, responseCache: cache } = parts;
  // Hits and followers run on no worker: this gateway counts them and sends their webhooks.
  const aftermath = new RequestAftermath({ eventLog, logger, observer, webhookPolicy });
  return {
    ...parts,
    dispatcher: new CachingDispatch({ inner: parts.dispatcher, eventLog, cache, aftermath }),
  };
}
