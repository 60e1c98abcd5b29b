import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Runtime } from '../runtime/runtime.js';

const COLD_START_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

type CountName = 'current' | 'ready' | 'desired';

/**
 * The runtime's replica metrics, in `registry`: scale decisions by direction and reason,
 * cold starts (from a replica's launch to ready, worker groups as a whole), and every
 * process app's replicas up, ready and wanted. Names are listed in `docs/metrics.md`.
 *
 * @example
 * registerScaleMetrics(metrics.registry, runtime);
 */
export function registerScaleMetrics(registry: Registry, runtime: Runtime): void {
  const decisions = new Counter({
    name: 'sluice_scale_decisions_total',
    help: 'Autoscaling decisions by app, direction (up, down) and reason (queue, min, idle)',
    labelNames: ['app', 'direction', 'reason'],
    registers: [registry],
  });
  const coldStarts = new Histogram({
    name: 'sluice_cold_start_seconds',
    help: 'Time from a replica’s (or worker group’s) launch to ready: its process start and setup',
    labelNames: ['app'],
    buckets: COLD_START_BUCKETS,
    registers: [registry],
  });
  runtime.observeScaling?.({
    decided: ({ appId, direction, reason }) => decisions.inc({ app: appId, direction, reason }),
    coldStart: (app, seconds) => coldStarts.observe({ app }, seconds),
  });
  countGauge(registry, runtime, {
    name: 'sluice_replicas',
    help: 'Replicas up or starting',
    count: 'current',
  });
  countGauge(registry, runtime, {
    name: 'sluice_replicas_ready',
    help: 'Replicas ready for runs',
    count: 'ready',
  });
  countGauge(registry, runtime, {
    name: 'sluice_replicas_desired',
    help: 'Replicas the autoscaler wants (a fixed count: that count)',
    count: 'desired',
  });
}

function countGauge(
  registry: Registry,
  runtime: Runtime,
  { name, help, count }: { name: string; help: string; count: CountName },
): void {
  new Gauge({
    name,
    help,
    labelNames: ['app'],
    registers: [registry],
    collect() {
      this.reset();
      for (const counts of runtime.replicaCounts?.() ?? [])
        this.set({ app: counts.appId }, counts[count]);
    },
  });
}
