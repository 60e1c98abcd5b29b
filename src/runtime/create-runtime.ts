import { batchSlots } from '../app/sync-path.js';
import type { Logger } from 'pino';
import type { App } from '../app/define-app.js';
import { SluiceError } from '../errors/sluice-error.js';
import { appSourceOf } from './app-sources.js';
import type { RunOutcome } from './execute-run.js';
import { InlineRuntime } from './inline-runtime.js';
import type { AppStatus, ReplicaCounts, Runtime, RuntimeJob, ScaleObserver } from './runtime.js';
import { resolvePlacement, type RuntimeOverrides } from './placement.js';
import { ReplicaPool } from './replica/replica-pool.js';

/** An app, with the module it comes from when `loadApps` did not load it. */
export type RuntimeApp = App | { readonly app: App; readonly moduleUrl: string };

function unpack(entry: RuntimeApp): { app: App; moduleUrl: string | undefined } {
  if ('app' in entry) return { app: entry.app, moduleUrl: entry.moduleUrl };
  return { app: entry, moduleUrl: appSourceOf(entry) };
}

function poolOf(app: App, moduleUrl: string | undefined, overrides: RuntimeOverrides): ReplicaPool {
  if (!moduleUrl) {
    throw new TypeError(
      `${app.id} runs in replica processes, which import its module: load it with loadApps, or pass { app, moduleUrl }`,
    );
  }
  const placement = resolvePlacement(app, overrides);
  const target = { kind: 'app' as const, moduleUrl, appId: app.id };
  return new ReplicaPool({
    target,
    placement,
    requestsPerSlot: batchSlots(app.endpoints.values()),
  });
}

/**
 * The runtime for a set of apps, from their placement and the overrides: apps placed
 * `inline` (the default) run in this process; apps with `isolation: 'process'` or a
 * `worldSize` above 1 run in pools of replica processes, which import the app's module
 * (`loadApps` remembers it; otherwise pass `{ app, moduleUrl }`).
 *
 * @example
 * const runtime = createRuntime([textApp, { app: imageApp, moduleUrl: import.meta.url }], { replicas: 2 });
 */
export function createRuntime(
  apps: readonly RuntimeApp[],
  overrides: RuntimeOverrides = {},
): Runtime {
  const inline: App[] = [];
  const pools = new Map<string, ReplicaPool>();
  for (const entry of apps) {
    const { app, moduleUrl } = unpack(entry);
    if (resolvePlacement(app, overrides).isolation === 'inline') inline.push(app);
    else pools.set(app.id, poolOf(app, moduleUrl, overrides));
  }
  if (pools.size === 0) return new InlineRuntime(inline, overrides.maxConcurrency);
  return new PlacedRuntime(new InlineRuntime(inline, overrides.maxConcurrency), pools);
}

/** Inline apps here, process apps in their pools. */
class PlacedRuntime implements Runtime {
  readonly autoscaledApps: readonly string[];

  constructor(
    private readonly inline: InlineRuntime,
    private readonly pools: ReadonlyMap<string, ReplicaPool>,
  ) {
    this.autoscaledApps = [...pools].filter(([, pool]) => pool.autoscaled).map(([appId]) => appId);
  }

  async start(): Promise<void> {
    await Promise.all([
      this.inline.start(),
      ...[...this.pools.values()].map((pool) => pool.start()),
    ]);
  }

  status(appId: string): AppStatus {
    return this.pools.get(appId)?.status() ?? this.inline.status(appId);
  }

  capacity(appId: string): number {
    return this.pools.get(appId)?.capacity ?? this.inline.capacity(appId);
  }

  demand(appId: string, requests: number): void {
    this.pools.get(appId)?.demand(requests);
  }

  onCapacityChange(listener: (appId: string) => void): () => void {
    const stops = [...this.pools].map(([appId, pool]) =>
      pool.onCapacityChange(() => listener(appId)),
    );
    return () => stops.forEach((stop) => stop());
  }

  observeScaling(observer: ScaleObserver): void {
    for (const pool of this.pools.values()) pool.observeScaling(observer);
  }

  replicaCounts(): ReplicaCounts[] {
    return [...this.pools.values()].map((pool) => pool.replicaCounts());
  }

  execute(job: RuntimeJob): Promise<RunOutcome> {
    const pool = this.pools.get(job.app.id);
    if (!pool) return this.inline.execute(job);
    if (!job.app.endpoints.has(job.endpoint.path)) {
      return Promise.reject(new SluiceError('not_found', 'The app has no such endpoint'));
    }
    return pool.execute(job);
  }

  stateSwitches(): number {
    let switches = this.inline.stateSwitches();
    for (const pool of this.pools.values()) switches += pool.stateSwitches;
    return switches;
  }

  logTo(logger: Logger): void {
    this.inline.logTo(logger);
    for (const pool of this.pools.values()) pool.logTo(logger);
  }

  async close(): Promise<void> {
    await Promise.all([
      this.inline.close(),
      ...[...this.pools.values()].map((pool) => pool.close()),
    ]);
  }
}
