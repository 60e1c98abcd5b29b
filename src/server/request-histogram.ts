import type { Metric, Registry } from 'prom-client';
import type { ObservedRequest } from '../dispatch/dispatch-observer.js';

/** The labels of a request's series, in the order `/metrics` shows them. */
type RequestLabels = {
  readonly app: string;
  readonly endpoint: string;
  readonly view: string;
};

/** One sample as prom-client's registry reads it: `name_bucket{le,…} 3`, `name_sum{…} 0.2`. */
export interface HistogramSample {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/** One label set's observations: a count per bucket (the last one `+Inf`), sum and count. */
interface Series {
  readonly labels: RequestLabels;
  readonly buckets: number[];
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram labelled by app, endpoint and view, observed once or more per
 * request. prom-client's `Histogram.observe` checks and hashes its labels object on every
 * call, a few microseconds a request on the hot path; here an observation finds its series
 * through three map lookups on the strings it already has, allocates nothing, and the
 * scrape shapes the samples exactly as prom-client's histogram does.
 *
 * @example
 * const runDuration = new RequestHistogram(registry, {
 *   name: 'sluice_run_duration_seconds',
 *   help: 'Time from start to the terminal event',
 *   buckets: [0.005, 0.01, 0.05],
 * });
 * runDuration.observe({ appId: 'demo/text', endpoint: '', view: 'sync' }, 0.004);
 */
export class RequestHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly upperBounds: readonly number[];
  private readonly series = new Map<string, Map<string, Map<string, Series>>>();
  /** Every series, in the order each was first observed: the order prom-client shows them in. */
  private readonly observedOrder: Series[] = [];

  constructor(
    registry: Registry,
    options: { name: string; help: string; buckets: readonly number[] },
  ) {
    this.name = options.name;
    this.help = options.help;
    this.upperBounds = [...options.buckets].sort((a, b) => a - b);
    registry.registerMetric(this as unknown as Metric);
  }

  /** Counts `value` in the series of the request's app, endpoint (`/` for the root) and view. */
  observe(request: Pick<ObservedRequest, 'appId' | 'endpoint' | 'view'>, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Not a number to observe: ${value}`);
    const series = this.seriesOf(request.appId, request.endpoint || '/', request.view);
    const { upperBounds } = this;
    let bucket = 0;
    while (bucket < upperBounds.length && value > upperBounds[bucket]!) bucket++;
    series.buckets[bucket]!++;
    series.sum += value;
    series.count++;
  }

  /** The samples, shaped as prom-client's registry renders a histogram. */
  get() {
    const values: HistogramSample[] = [];
    for (const series of this.observedOrder) values.push(...this.samplesOf(series));
    const { name, help, type, aggregator } = this;
    return { name, help, type, aggregator, values };
  }

  /** Forgets every observation (prom-client's `registry.resetMetrics()`). */
  reset(): void {
    this.series.clear();
    this.observedOrder.length = 0;
  }

  private samplesOf({ labels, buckets, sum, count }: Series): HistogramSample[] {
    const { app, endpoint, view } = labels;
    const bucketName = `${this.name}_bucket`;
    let cumulative = 0;
    const samples: HistogramSample[] = this.upperBounds.map((le, index) => {
      cumulative += buckets[index]!;
      return { metricName: bucketName, labels: { le, app, endpoint, view }, value: cumulative };
    });
    samples.push(
      { metricName: bucketName, labels: { le: '+Inf', app, endpoint, view }, value: count },
      { metricName: `${this.name}_sum`, labels, value: sum },
      { metricName: `${this.name}_count`, labels, value: count },
    );
    return samples;
  }

  private seriesOf(app: string, endpoint: string, view: string): Series {
    let byEndpoint = this.series.get(app);
    if (!byEndpoint) this.series.set(app, (byEndpoint = new Map<string, Map<string, Series>>()));
    let byView = byEndpoint.get(endpoint);
    if (!byView) byEndpoint.set(endpoint, (byView = new Map<string, Series>()));
    let series = byView.get(view);
    if (!series) {
      const buckets = new Array<number>(this.upperBounds.length + 1).fill(0);
      byView.set(view, (series = { labels: { app, endpoint, view }, buckets, sum: 0, count: 0 }));
      this.observedOrder.push(series);
    }
    return series;
  }
}
