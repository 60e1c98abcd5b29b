import { Counter, Gauge, Registry } from 'prom-client';
import type { DispatchObserver, ObservedRequest } from '../dispatch/dispatch-observer.js';
import type { MemoryBudget } from '../events/memory-budget.js';
import type { RunFacts } from '../runtime/execute-run.js';
import { PendingCounts } from './pending-counts.js';
import { RequestHistogram } from './request-histogram.js';
import { processMemoryBudget } from '../events/process-memory-budget.js';

const SECONDS_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];
const REQUEST_LABELS = ['app', 'endpoint', 'view'] as const;
type RequestLabel = (typeof REQUEST_LABELS)[number];

/** The labels of `sluice_requests_total`: the request's app, endpoint and view, and the outcome. */
function outcomeLabels(request: ObservedRequest, outcome: string) {
  return { app: request.appId, endpoint: request.endpoint || '/', view: request.view, outcome };
}

/**
 * The gateway's Prometheus metrics, in a registry of its own (never prom-client's global
 * one, so gateways in one process do not share counters). It observes the dispatcher and
 * the event streams; `/metrics` renders it. Names are listed in `docs/metrics.md`.
 *
 * @example
 * const metrics = new GatewayMetrics(() => dispatcher.queueDepth);
 * const text = await metrics.registry.metrics();
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  /** `sluice_requests_total`, counted per request and handed over at each scrape. */
  private readonly requests = new PendingCounts<RequestLabel | 'outcome'>();
  readonly activeStreams = new Gauge({
    name: 'sluice_active_streams',
    help: 'Event streams open now',
    registers: [this.registry],
  });
  readonly eventsSent = new Counter({
    name: 'sluice_events_sent_total',
    help: 'Events written to event streams',
    registers: [this.registry],
  });
  readonly eventsSkipped = new Counter({
    name: 'sluice_events_skipped_total',
    help: 'Superseded progress and preview events a slow stream skipped',
    registers: [this.registry],
  });
  readonly queueWait = this.histogram('sluice_queue_wait_seconds', 'Time from submission to start');
  readonly runDuration = this.histogram(
    'sluice_run_duration_seconds',
    'Time from start to the terminal event',
  );
  readonly firstEvent = this.histogram(
    'sluice_time_to_first_event_seconds',
    'Time from submission to the first event',
  );
  readonly prepareDuration = this.histogram(
    'sluice_prepare_duration_seconds',
    'Time of the endpoint’s prepare step, apart from its run',
  );
  readonly batchSize = new RequestHistogram(this.registry, {
    name: 'sluice_batch_size',
    help: 'Requests per call of a batched endpoint’s runBatch',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  });
  readonly webhookFailures = new Counter({
    name: 'sluice_webhook_failures_total',
    help: 'Webhooks not delivered after every attempt',
    labelNames: ['app'],
    registers: [this.registry],
  });

  constructor(queueDepth: () => number, budget: MemoryBudget = processMemoryBudget()) {
    this.countRequests();
    this.gauge('sluice_queue_depth', 'Requests waiting to start', queueDepth);
    this.gauge(
      'sluice_memory_budget_bytes',
      'Bytes of events the process may keep (its memory budget)',
      () => budget.limitBytes,
    );
    this.gauge(
      'sluice_memory_used_bytes',
      'Bytes of events the process keeps now: live and ended logs, unappended buffers',
      () => budget.usedBytes,
    );
    this.countedDrops(budget);
  }

  /** Counts the runtime's state-key switches (`sluice_state_switches_total`). */
  countStateSwitches(read: () => number): void {
    let counted = 0;
    new Counter({
      name: 'sluice_state_switches_total',
      help: 'Times a replica, or an inline app’s process, switched from one state key to another',
      registers: [this.registry],
      collect() {
        const now = read();
        this.inc(now - counted);
        counted = now;
      },
    });
  }

  /** The dispatcher's view of these metrics. */
  observer(): DispatchObserver {
    return {
      refused: (request, code) => this.requests.add(outcomeLabels(request, code)),
      started: (request, seconds) => this.queueWait.observe(request, seconds),
      firstEvent: (request, seconds) => this.firstEvent.observe(request, seconds),
      finished: (request, outcome, runSeconds) => {
        this.requests.add(outcomeLabels(request, outcome));
        if (runSeconds !== undefined) this.runDuration.observe(request, runSeconds);
      },
      webhookFailed: (request) => this.webhookFailures.inc({ app: request.appId }),
      measured: (request, facts) => this.measured(request, facts),
    };
  }

  private measured(request: ObservedRequest, facts: RunFacts): void {
    if (facts.prepareSeconds !== undefined)
      this.prepareDuration.observe(request, facts.prepareSeconds);
    if (facts.batchSize !== undefined) this.batchSize.observe(request, facts.batchSize);
  }

  private gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  private countRequests(): void {
    const pending = this.requests;
    new Counter({
      name: 'sluice_requests_total',
      help: 'Requests by app, endpoint, view and outcome (ok, or the error code)',
      labelNames: [...REQUEST_LABELS, 'outcome'],
      registers: [this.registry],
      collect() {
        pending.flushInto(this);
      },
    });
  }

  private countedDrops(budget: MemoryBudget): void {
    let counted = budget.droppedLogs; // a gateway counts the drops made since it started
    new Counter({
      name: 'sluice_memory_dropped_logs_total',
      help: 'Ended logs dropped before their retention ended, to stay within the memory budget',
      registers: [this.registry],
      collect() {
        this.inc(budget.droppedLogs - counted);
        counted = budget.droppedLogs;
      },
    });
  }

  private histogram(name: string, help: string): RequestHistogram {
    return new RequestHistogram(this.registry, { name, help, buckets: SECONDS_BUCKETS });
  }
}
