import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestHistogram } from '../../src/server/request-histogram.js';

const BUCKETS = [0.005, 0.01, 0.05, 0.1, 1];
// Apps interleaved: /metrics lists series in the order each was first observed.
const OBSERVATIONS = [
  { request: { appId: 'demo/a', endpoint: '', view: 'sync' as const }, value: 0.004 },
  { request: { appId: 'demo/b', endpoint: '', view: 'queue' as const }, value: 0.2 },
  { request: { appId: 'demo/a', endpoint: '', view: 'sync' as const }, value: 0.01 },
  { request: { appId: 'demo/a', endpoint: '', view: 'stream' as const }, value: 0.07 },
  { request: { appId: 'demo/a', endpoint: '/edit', view: 'sync' as const }, value: 0.3 },
  { request: { appId: 'demo/b', endpoint: '', view: 'queue' as const }, value: 12 },
  { request: { appId: 'demo/b', endpoint: '', view: 'queue' as const }, value: 0 },
];

function renderedByPromClient(): Promise<string> {
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'test_seconds',
    help: 'A test histogram',
    labelNames: ['app', 'endpoint', 'view'],
    buckets: BUCKETS,
    registers: [registry],
  });
  for (const { request, value } of OBSERVATIONS) {
    const labels = { app: request.appId, endpoint: request.endpoint || '/', view: request.view };
    histogram.observe(labels, value);
  }
  return registry.metrics();
}

describe('RequestHistogram', () => {
  it('renders exactly what prom-client’s histogram renders for the same observations', async () => {
    const registry = new Registry();
    const histogram = new RequestHistogram(registry, {
      name: 'test_seconds',
      help: 'A test histogram',
      buckets: BUCKETS,
    });
    for (const { request, value } of OBSERVATIONS) histogram.observe(request, value);
    const rendered = await registry.metrics();
    expect(rendered).toBe(await renderedByPromClient());
    expect(rendered).toContain(
      'test_seconds_bucket{le="0.01",app="demo/a",endpoint="/",view="sync"} 2',
    );
    expect(rendered).toContain(
      'test_seconds_bucket{le="+Inf",app="demo/b",endpoint="/",view="queue"} 3',
    );
  });

  it('refuses a value that is not a finite number, and forgets everything on reset', async () => {
    const registry = new Registry();
    const histogram = new RequestHistogram(registry, {
      name: 'test_seconds',
      help: 'h',
      buckets: BUCKETS,
    });
    const request = { appId: 'demo/a', endpoint: '', view: 'sync' as const };
    expect(() => histogram.observe(request, Number.NaN)).toThrow(TypeError);
    histogram.observe(request, 1);
    registry.resetMetrics();
    expect(await registry.metrics()).toBe('# HELP test_seconds h\n# TYPE test_seconds histogram\n');
  });
});
