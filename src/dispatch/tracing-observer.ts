import { ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import type { RunFacts } from '../runtime/execute-run.js';
import type { DispatchObserver, ObservedRequest } from './dispatch-observer.js';
import { endWith, parentOf, requestTracer, traceparentOfSpan } from './request-trace.js';

/**
 * Which spans a process records: a Redis gateway only ends the request span (the worker
 * records the rest), a Redis worker records the rest, a memory-mode gateway all of them.
 */
export type TracingRole = 'all' | 'gateway' | 'worker';

function attributesOf(request: ObservedRequest) {
  return {
    'sluice.app': request.appId,
    'sluice.endpoint': request.endpoint || '/',
    'sluice.view': request.view,
    ...(request.requestId ? { 'sluice.request_id': request.requestId } : {}),
  };
}

/** A span from the request's submission to now, under its request span. */
function spanSinceSubmission(request: ObservedRequest, name: string): void {
  const tracer = requestTracer();
  if (!tracer || request.createdAt === undefined) return;
  const options = { startTime: request.createdAt, attributes: attributesOf(request) };
  tracer.startSpan(name, options, parentOf(request.trace)).end();
}

/** `sluice.prepare`, under the run's span, from the times the run measured wherever it ran. */
function prepareSpan(request: ObservedRequest, run: Span | undefined, facts: RunFacts): void {
  const tracer = requestTracer();
  const { prepare } = facts;
  if (!tracer || !run || !prepare) return;
  const options = { startTime: prepare.startedAt, attributes: attributesOf(request) };
  const span = tracer.startSpan('sluice.prepare', options, trace.setSpan(ROOT_CONTEXT, run));
  endWith(span, prepare.outcome, prepare.startedAt + prepare.seconds * 1000);
}

/**
 * Wraps an observer so that it also records a request's spans: `sluice.queue_wait`
 * (submission to start), `sluice.run` (start to end), `sluice.prepare` (under the run, from
 * the times it measured), `sluice.time_to_first_event` (submission to the first event), and
 * ends `sluice.request`. Each hook first checks that tracing is on: off, it costs one
 * comparison, and none runs per event.
 *
 * @example
 * const observer = tracingObserver(metrics.observer(), 'all');
 */
export function tracingObserver(inner: DispatchObserver, role: TracingRole): DispatchObserver {
  const runs = new Map<string, Span>();
  const recordsRuns = role !== 'gateway';
  return {
    ...inner,
    refused: (request, code) => {
      inner.refused(request, code);
      endWith(request.trace?.span, code);
    },
    started: (request, waitSeconds) => {
      inner.started(request, waitSeconds);
      const tracer = requestTracer();
      if (!tracer || !recordsRuns || !request.requestId) return;
      spanSinceSubmission(request, 'sluice.queue_wait');
      const attributes = attributesOf(request);
      runs.set(
        request.requestId,
        tracer.startSpan('sluice.run', { attributes }, parentOf(request.trace)),
      );
    },
    measured: (request, facts) => {
      inner.measured?.(request, facts);
      if (request.requestId) prepareSpan(request, runs.get(request.requestId), facts);
    },
    runTraceparent: (requestId) => {
      const span = runs.get(requestId);
      return span && traceparentOfSpan(span);
    },
    firstEvent: (request, seconds) => {
      inner.firstEvent(request, seconds);
      if (recordsRuns) spanSinceSubmission(request, 'sluice.time_to_first_event');
    },
    finished: (request, outcome, runSeconds) => {
      inner.finished(request, outcome, runSeconds);
      if (!request.requestId) return;
      endWith(runs.get(request.requestId), outcome);
      runs.delete(request.requestId);
      if (role !== 'worker') endWith(request.trace?.span, outcome);
    },
  };
}
