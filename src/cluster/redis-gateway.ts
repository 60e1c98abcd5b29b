import type { App } from '../app/define-app.js';
import type { DispatchObserver } from '../dispatch/dispatch-observer.js';
import type { WebhookPolicy } from '../dispatch/webhook-delivery.js';
import type { EventLog } from '../events/event-log.js';
import type { Runtime } from '../runtime/runtime.js';
import { lanesOf, openRedisBackends } from './redis-backends.js';
import { RemoteCatalog } from './remote-catalog.js';
import { RemoteDispatcher } from './remote-dispatcher.js';
import type { ResponseCache } from '../dispatch/response-cache.js';
import { RedisResponseCache } from '../redis/redis-response-cache.js';
import { RemoteRuntime } from './remote-runtime.js';
import { settleWithin } from '../events/settle-within.js';
import {
  REDIS_STEP_MS,
  startWorkerNode,
  type WorkerNode,
  type WorkerNodeOptions,
} from './worker-node.js';

/**
 * What a Redis gateway is built from: a worker node's options (its `apps` are the ones this
 * process also runs as a worker), and the dispatch settings.
 */
export interface RedisGatewayOptions extends WorkerNodeOptions {
  readonly cancelGraceMs: number;
  readonly webhookPolicy: WebhookPolicy;
  readonly observer: DispatchObserver;
  /** Called with the apps to serve each time the catalog changes. */
  readonly onApps: (apps: readonly App[]) => void;
  /** Finds a served app by id. */
  readonly findApp: (appId: string) => App | undefined;
}

/** The parts of a gateway in Redis mode. */
export interface RedisGateway {
  readonly eventLog: EventLog;
  readonly runtime: Runtime;
  readonly dispatcher: RemoteDispatcher;
  /** The response cache every gateway of the deployment shares. */
  readonly responseCache: ResponseCache;
  /** Stops the local worker (if any) taking work, first thing in a shutdown. */
  beginShutdown(): Promise<void>;
  /** Closes the local worker (if any), the catalog and the backends. */
  close(deadlineMs: number): Promise<void>;
}

/** Catalog apps, with this process's own apps (their real schemas) in place of their stand-ins. */
function servedApps(local: readonly App[], catalog: readonly App[]): App[] {
  const localIds = new Set<string>(local.map((app) => app.id));
  return [...local, ...catalog.filter((app) => !localIds.has(app.id))];
}

/**
 * Opens a gateway's Redis mode: the shared log, queue and run states, the catalog of apps
 * the workers publish, and, when the process was given apps, a worker of its own.
 *
 * @example
 * const parts = await openRedisGateway({ redis: { url }, apps: [], logger, ... });
 */
export async function openRedisGateway(options: RedisGatewayOptions): Promise<RedisGateway> {
  const { logger, apps } = options;
  const backends = await openRedisBackends(options.redis, {
    logger,
    findApp: options.findApp,
    eventLogLimits: options.eventLogLimits,
  });
  let node: WorkerNode | undefined;
  try {
    if (apps.length > 0) node = await startWorkerNode(options);
    options.onApps(apps);
    // Gateways check every published lane for stalled runs too: a request must not hang
    // because the only workers of its app are gone.
    const serve = (served: readonly App[]) => {
      options.onApps(served);
      backends.queue.serveLanes(lanesOf(served)).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not watch the lanes for stalled runs');
      });
    };
    const catalog = await RemoteCatalog.open(backends.hub, (catalogApps) =>
      serve(servedApps(apps, catalogApps)),
    );
    const runtime = new RemoteRuntime(() => catalog.workers);
    const dispatcher = new RemoteDispatcher({
      ...backends,
      logger,
      cancelGraceMs: options.cancelGraceMs,
      findApp: options.findApp,
      capacityOf: (appId) => runtime.capacity(appId),
      defaultLimits: options.defaultLimits,
      webhookPolicy: options.webhookPolicy,
      observer: options.observer,
    });
    backends.queue.onLost((entry, retrying) => {
      if (retrying) return;
      dispatcher.endLost(entry).catch((error: unknown) => {
        logger.error({ err: error, requestId: entry.requestId }, 'could not end a lost request');
      });
    });
    let shutdownStartedAt: number | undefined;
    return {
      eventLog: backends.eventLog,
      runtime,
      dispatcher,
      responseCache: new RedisResponseCache(backends.hub),
      beginShutdown: async () => {
        shutdownStartedAt = Date.now();
        await node?.stopTaking();
      },
      close: async (deadlineMs) => {
        catalog.close();
        // The local worker's runs had the same deadline, counted from the shutdown's start.
        const since = shutdownStartedAt ?? Date.now();
        await node?.close(Math.max(0, since + deadlineMs - Date.now()));
        const unfinished = dispatcher.handingOver;
        const closed = await settleWithin(backends.close(), REDIS_STEP_MS);
        if (!closed) await backends.hub.close(); // Redis is unreachable: drop the connections and what waits on them
        if (closed && unfinished === 0) return;
        logger.error(
          { unfinished },
          `Redis was unreachable at shutdown: ${unfinished} request(s) accepted here could not be handed over`,
        );
      },
    };
  } catch (error) {
    await node?.close(0);
    await backends.close();
    throw error;
  }
}
