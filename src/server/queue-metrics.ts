import { Gauge, type Registry } from 'prom-client';
import type { AppQueueStats } from '../dispatch/request-queue.js';

/** Where {@link registerQueueMetrics} reads the queue. */
export interface QueueMetricsSource {
  /** The apps to report (every app this process serves). */
  readonly appIds: () => readonly string[];
  /** One app's waiting requests; `undefined` when the queue cannot tell. */
  readonly stats: (appId: string) => Promise<AppQueueStats | undefined>;
}

/**
 * Per-app queue metrics an external autoscaler scales workers on: how many requests of
 * each app wait (`sluice_queue_waiting`) and how long the oldest has waited
 * (`sluice_queue_oldest_wait_seconds`, 0 when none waits). In Redis mode they count the
 * shared queue, over every gateway. Names are listed in `docs/metrics.md`.
 *
 * @example
 * registerQueueMetrics(metrics.registry, { appIds: () => ['acme/sdxl'], stats: (appId) => dispatch.queueStats(appId) });
 */
export function registerQueueMetrics(registry: Registry, source: QueueMetricsSource): void {
  let reading: Promise<AppQueueStats[]> | undefined;
  // Both gauges come from one read per scrape.
  const read = (): Promise<AppQueueStats[]> => {
    reading ??= readAll(source).finally(() => setImmediate(() => (reading = undefined)));
    return reading;
  };
  new Gauge({
    name: 'sluice_queue_waiting',
    help: 'Requests of an app waiting to start (Redis mode: in the shared queue)',
    labelNames: ['app'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const stats of await read()) this.set({ app: stats.appId }, stats.depth);
    },
  });
  new Gauge({
    name: 'sluice_queue_oldest_wait_seconds',
    help: 'How long the oldest waiting request of an app has waited (0: none waits)',
    labelNames: ['app'],
    registers: [registry],
    async collect() {
      this.reset();
      const now = Date.now();
      for (const stats of await read()) {
        const waited = stats.oldestEnqueuedAt === undefined ? 0 : now - stats.oldestEnqueuedAt;
        this.set({ app: stats.appId }, Math.max(0, waited) / 1000);
      }
    },
  });
}

async function readAll(source: QueueMetricsSource): Promise<AppQueueStats[]> {
  const all = await Promise.all(source.appIds().map((appId) => source.stats(appId)));
  return all.filter((stats): stats is AppQueueStats => stats !== undefined);
}
