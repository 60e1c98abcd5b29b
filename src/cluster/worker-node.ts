import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { App } from '../app/define-app.js';
import type { DefaultLimits } from '../dispatch/tracked-request.js';
import type { AppQueueStats } from '../dispatch/request-queue.js';
import { NO_OBSERVER, type DispatchObserver } from '../dispatch/dispatch-observer.js';
import { tracingObserver } from '../dispatch/tracing-observer.js';
import type { EventLogLimits } from '../events/event-log.js';
import { createRuntime } from '../runtime/create-runtime.js';
import type { Runtime } from '../runtime/runtime.js';
import { lanesOf, openRedisBackends, type RedisModeOptions } from './redis-backends.js';
import { RemoteDispatcher } from './remote-dispatcher.js';
import { RemoteWorker } from './remote-worker.js';
import { settleWithin } from '../events/settle-within.js';
import { WorkerRegistry } from './worker-registry.js';

/**
 * How long a shutdown step that needs Redis may take: while Redis is away its commands wait
 * for ever, and a process asked to stop must still leave.
 */
export const REDIS_STEP_MS = 2_000;

/** What {@link startWorkerNode} needs. */
export interface WorkerNodeOptions {
  readonly redis: RedisModeOptions;
  readonly apps: readonly App[];
  /** Where runs execute (default: each app's own placement). */
  readonly runtime?: Runtime;
  readonly logger: Logger;
  readonly eventLogLimits?: Partial<EventLogLimits>;
  /** Limits of endpoints that declare none. */
  readonly defaultLimits?: DefaultLimits;
  /** Sees this worker's runs start, write their first event and end (e.g. its metrics). */
  readonly observer?: DispatchObserver;
}

/** A running worker node. */
export interface WorkerNode {
  readonly workerId: string;
  readonly worker: RemoteWorker;
  /** Resolves once every app's setup has finished (or failed) and work is being taken. */
  readonly ready: Promise<void>;
  /** Takes no more work and leaves the catalog; running runs go on. */
  stopTaking(): Promise<void>;
  /**
   * Withdraws from the catalog, lets runs finish for up to `deadlineMs`, then closes. Steps
   * that need Redis wait at most 2 s each, so it ends soon after the deadline even while
   * Redis is unreachable; runs it could not hand over are counted in one log line.
   */
  close(deadlineMs: number): Promise<void>;
  /** Runs in progress here now, all apps together. */
  holding(): number;
  /** How many requests of an app wait in the shared queue, and since when the oldest. */
  queueStats(appId: string): Promise<AppQueueStats | undefined>;
}

/**
 * A worker of a Redis deployment: announces its apps, takes their requests from the shared
 * queue and runs them in its runtime (inline, replicas or worker groups). No HTTP.
 *
 * @example
 * const node = await startWorkerNode({ redis: { url }, apps, logger });
 * await node.ready;
 * process.once('SIGTERM', () => void node.close(30_000));
 */
export async function startWorkerNode(options: WorkerNodeOptions): Promise<WorkerNode> {
  const { apps, logger } = options;
  const byId = new Map<string, App>(apps.map((app) => [app.id, app]));
  const backends = await openRedisBackends(options.redis, {
    logger,
    findApp: (appId) => byId.get(appId),
    eventLogLimits: options.eventLogLimits,
    defaultLimits: options.defaultLimits,
  });
  const { hub, eventLog, queue, states } = backends;
  const runtime = options.runtime ?? createRuntime(apps);
  runtime.logTo?.(logger);
  const dispatch = new RemoteDispatcher({
    eventLog,
    queue,
    states,
    logger,
    cancelGraceMs: 5_000,
    findApp: (appId) => byId.get(appId),
    capacityOf: (appId) => runtime.capacity(appId),
    defaultLimits: options.defaultLimits,
  });
  const worker = new RemoteWorker({
    ...{ apps, runtime, eventLog, queue, states, dispatch, logger },
    observer: tracingObserver(options.observer ?? NO_OBSERVER, 'worker'),
  });
  const workerId = randomUUID();
  let registry: WorkerRegistry;
  try {
    await queue.serveLanes(lanesOf(apps));
    registry = await WorkerRegistry.announce(hub, {
      workerId,
      apps,
      capacityOf: (appId) => runtime.capacity(appId),
      runningOf: (appId) => worker.runningOf(appId),
      statusOf: (appId) => runtime.status(appId),
    });
  } catch (error) {
    await dispatch.shutdown(0);
    await backends.close();
    throw error;
  }
  const ready = worker.start().then(() => registry.beat());
  const stopTaking = async () => {
    worker.stopTaking();
    // Best effort: the heartbeat key expires by itself within 6 s.
    await settleWithin(registry.withdraw(), REDIS_STEP_MS);
  };
  const holding = () => apps.reduce((total, app) => total + worker.runningOf(app.id), 0);
  return {
    workerId,
    worker,
    ready,
    stopTaking,
    holding,
    queueStats: (appId) => dispatch.queueStats(appId),
    close: async (deadlineMs) => {
      const deadline = Date.now() + deadlineMs;
      await stopTaking();
      const left = Math.max(0, deadline - Date.now());
      // Cancelled runs write their terminal events; with Redis away they cannot.
      await settleWithin(worker.close(left), left + REDIS_STEP_MS);
      await worker.webhooksSettled();
      const unfinished = holding();
      await dispatch.shutdown(0);
      // Stops the stalled checks after the worker's last run.
      const closed = await settleWithin(backends.close(), REDIS_STEP_MS);
      if (!closed) await hub.close(); // Redis is unreachable: drop the connections and what waits on them
      if (closed && unfinished === 0) return;
      logger.error(
        { unfinished },
        `Redis was unreachable at shutdown: ${unfinished} running request(s) could not be handed over`,
      );
    },
  };
}
