import type { App } from '../app/define-app.js';
import { remoteApp } from './published-apps.js';
import type { RedisHub } from '../redis/redis-hub.js';
import { readCatalog, type WorkerInfo } from './worker-registry.js';

/** How often the catalog is re-read without being told (workers' heartbeats expire). */
const REFRESH_MS = 2_000;

/**
 * A gateway's view of what the workers serve: the apps they published (rebuilt from their
 * JSON Schemas) and the workers alive now. Re-read when a worker announces or withdraws
 * itself, and every couple of seconds, so a dead worker drops out of `/ready`.
 *
 * @example
 * const catalog = await RemoteCatalog.open(hub, (apps) => routes.replace(apps));
 */
export class RemoteCatalog {
  private appList: readonly App[] = [];
  private workerList: readonly WorkerInfo[] = [];
  private readonly built = new Map<string, { json: string; app: App }>();
  private readonly timer: NodeJS.Timeout;
  private readonly stopListening: () => void;
  private reading: Promise<void> | undefined;

  private constructor(
    private readonly hub: RedisHub,
    private readonly onApps: (apps: readonly App[]) => void,
  ) {
    this.stopListening = hub.listen(hub.channel('catalog'), () => void this.refresh());
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  static async open(hub: RedisHub, onApps: (apps: readonly App[]) => void): Promise<RemoteCatalog> {
    const catalog = new RemoteCatalog(hub, onApps);
    await catalog.refresh();
    return catalog;
  }

  /** The apps workers have published. */
  get apps(): readonly App[] {
    return this.appList;
  }

  /** The workers alive at the last read. */
  get workers(): readonly WorkerInfo[] {
    return this.workerList;
  }

  /** Re-reads the catalog (one read at a time; callers during a read share it). */
  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  close(): void {
    clearInterval(this.timer);
    this.stopListening();
  }

  private async read(): Promise<void> {
    const catalog = await readCatalog(this.hub).catch(() => undefined);
    if (!catalog) return; // Redis is away: keep serving what was known
    this.workerList = catalog.workers;
    let changed = catalog.apps.length !== this.built.size;
    for (const published of catalog.apps) {
      const json = JSON.stringify(published);
      if (this.built.get(published.id)?.json === json) continue;
      this.built.set(published.id, { json, app: remoteApp(published) });
      changed = true;
    }
    if (!changed) return;
    this.appList = [...this.built.values()].map((entry) => entry.app);
    this.onApps(this.appList);
  }
}
