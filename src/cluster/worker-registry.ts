import { hostname } from 'node:os';
import type { App } from '../app/define-app.js';
import type { AppStatus } from '../runtime/runtime.js';
import { publishedApp, type PublishedApp } from './published-apps.js';
import type { RedisHub } from '../redis/redis-hub.js';

/** A live worker as it announces itself. */
export interface WorkerInfo {
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  /** Per app: the runs it can hold (`null`: unbounded), what it runs now, and its state. */
  readonly apps: Readonly<Record<string, WorkerApp>>;
}

/** One app on a worker. `error`, the text its failed setup raised, is for keyed `/ready` only. */
export interface WorkerApp {
  readonly capacity: number | null;
  readonly running: number;
  readonly state: AppStatus['state'];
  readonly error?: string;
}

function workerApp(status: AppStatus, capacity: number, running: number): WorkerApp {
  const entry = { capacity: capacity === Infinity ? null : capacity, running, state: status.state };
  return status.state === 'failed' && status.error !== undefined
    ? { ...entry, error: status.error }
    : entry;
}

/** What a worker's announcements need. */
export interface Announcement {
  readonly workerId: string;
  readonly apps: readonly App[];
  readonly capacityOf: (appId: string) => number;
  readonly runningOf: (appId: string) => number;
  readonly statusOf: (appId: string) => AppStatus;
  /** Milliseconds between heartbeats (default 2 s); a worker silent for 3 is gone. */
  readonly intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 2_000;

/**
 * Keeps a worker announced in Redis: its apps' published descriptions (for gateways that
 * learn apps from workers) and a heartbeat key that expires when the worker dies.
 *
 * @example
 * const registry = await WorkerRegistry.announce(hub, { workerId, apps, capacityOf, runningOf, statusOf });
 * await registry.withdraw();
 */
export class WorkerRegistry {
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly hub: RedisHub,
    private readonly announcement: Announcement,
  ) {
    const intervalMs = announcement.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.timer = setInterval(() => void this.beat().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  static async announce(hub: RedisHub, announcement: Announcement): Promise<WorkerRegistry> {
    const registry = new WorkerRegistry(hub, announcement);
    const published = announcement.apps.map((app): [string, string] => [
      app.id,
      JSON.stringify(publishedApp(app)),
    ]);
    if (published.length > 0)
      await hub.command.hset(hub.key('apps'), Object.fromEntries(published));
    await registry.beat();
    await hub.command.publish(hub.channel('catalog'), announcement.workerId);
    return registry;
  }

  /** Stops the heartbeat and removes the worker at once. */
  async withdraw(): Promise<void> {
    clearInterval(this.timer);
    const { workerId } = this.announcement;
    await this.hub.command
      .multi()
      .del(this.workerKey())
      .srem(workersKey(this.hub), workerId)
      .exec();
    await this.hub.command.publish(this.hub.channel('catalog'), workerId);
  }

  private workerKey(): string {
    return this.hub.key('worker', this.announcement.workerId);
  }

  /** Writes the heartbeat now (say, once the apps are ready). */
  async beat(): Promise<void> {
    const { workerId, apps, capacityOf, runningOf, statusOf } = this.announcement;
    const info: WorkerInfo = {
      workerId,
      host: hostname(),
      pid: process.pid,
      apps: Object.fromEntries(
        apps.map((app) => [
          app.id,
          workerApp(statusOf(app.id), capacityOf(app.id), runningOf(app.id)),
        ]),
      ),
    };
    const ttl = 3 * (this.announcement.intervalMs ?? DEFAULT_INTERVAL_MS);
    await this.hub.command
      .multi()
      .set(this.workerKey(), JSON.stringify(info), 'PX', ttl)
      .sadd(workersKey(this.hub), workerId)
      .exec();
  }
}

/** Every app workers have published, and the workers alive now. */
export interface Catalog {
  readonly apps: readonly PublishedApp[];
  readonly workers: readonly WorkerInfo[];
}

/** The set of the ids of workers that announced themselves; a heartbeat key says who lives. */
function workersKey(hub: RedisHub): string {
  return hub.key('workers');
}

/**
 * Reads the catalog: what gateways serve, and what `/ready` reports. The workers are those
 * of the announced set whose heartbeat key lives; the ids of those whose key expired (the
 * worker died) leave the set (one that beat meanwhile is back with its next heartbeat). A
 * read costs a few commands, whatever else Redis holds.
 *
 * @example
 * const { apps, workers } = await readCatalog(hub);
 */
export async function readCatalog(hub: RedisHub): Promise<Catalog> {
  const [published, workerIds] = await Promise.all([
    hub.command.hgetall(hub.key('apps')),
    hub.command.smembers(workersKey(hub)),
  ]);
  const apps = Object.values(published).map((json) => JSON.parse(json) as PublishedApp);
  const keys = workerIds.map((workerId) => hub.key('worker', workerId));
  const values = keys.length > 0 ? await hub.command.mget(...keys) : [];
  const gone = workerIds.filter((_, index) => values[index] === null);
  if (gone.length > 0) await hub.command.srem(workersKey(hub), ...gone);
  const workers = values.flatMap((json) => (json ? [JSON.parse(json) as WorkerInfo] : []));
  return { apps, workers };
}
