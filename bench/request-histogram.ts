/**
 * What one observation of a per-request histogram costs: prom-client's `Histogram.observe`
 * with a labels object, as sluice called it before, against {@link RequestHistogram}, in one
 * process, over the same four label sets and values. `SLUICE_BENCH_BUILT=1` measures the
 * build in `dist/`.
 *
 *   taskset -c 1 npx tsx bench/request-histogram.ts
 */
import { performance } from 'node:perf_hooks';
import { Histogram, Registry } from 'prom-client';
import type * as RequestHistogramModule from '../src/server/request-histogram.js';
import { sluiceModule } from './sluice-source.js';

const OBSERVATIONS = 2_000_000;
const ROUNDS = 3;
const BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

const { RequestHistogram } = (await import(
  sluiceModule('server/request-histogram')
)) as typeof RequestHistogramModule;

const registry = new Registry();
const promClient = new Histogram({
  name: 'prom_client_seconds',
  help: 'prom-client',
  labelNames: ['app', 'endpoint', 'view'],
  buckets: BUCKETS,
  registers: [registry],
});
const ours = new RequestHistogram(registry, {
  name: 'sluice_seconds',
  help: 'sluice',
  buckets: BUCKETS,
});
const requests = Array.from({ length: 4 }, (_, index) => ({
  appId: `bench/echo-${index}`,
  endpoint: '',
  view: 'realtime' as const,
}));

/** Nanoseconds per call of `observe(index)`. */
function timed(observe: (index: number) => void): number {
  const started = performance.now();
  for (let index = 0; index < OBSERVATIONS; index++) observe(index);
  return ((performance.now() - started) * 1e6) / OBSERVATIONS;
}

for (let round = 0; round < ROUNDS; round++) {
  const before = timed((index) => {
    const request = requests[index & 3]!;
    const labels = { app: request.appId, endpoint: request.endpoint || '/', view: request.view };
    promClient.observe(labels, (index & 7) * 0.001);
  });
  const after = timed((index) => ours.observe(requests[index & 3]!, (index & 7) * 0.001));
  console.log(
    `prom-client ${before.toFixed(0)} ns, RequestHistogram ${after.toFixed(0)} ns an observation`,
  );
}
