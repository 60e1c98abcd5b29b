import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

let tracer: Tracer | undefined;

/**
 * Turns request tracing on, with the tracer of the globally registered provider (see
 * `startTracing` in `sluice/server`). Off by default: until then no span, context or
 * header is touched.
 *
 * @example
 * enableRequestTracing();
 */
export function enableRequestTracing(): void {
  tracer = trace.getTracer('sluice');
}

/** Turns request tracing off again (tests). */
export function disableRequestTracing(): void {
  tracer = undefined;
}

/** The tracer while tracing is on, else `undefined`: the one check every hook makes. */
export function requestTracer(): Tracer | undefined {
  return tracer;
}

/** A request's trace: its span in this process (if any) and the W3C context to continue it elsewhere. */
export interface RequestTrace {
  /** The `sluice.request` span, in the process that accepted the request. */
  readonly span?: Span;
  /** `traceparent` of the request span, carried to replicas and Redis workers. */
  readonly traceparent: string;
}

function traceparentOf(context: Context): string {
  const carrier: Record<string, string> = {};
  propagation.inject(context, carrier);
  return carrier.traceparent ?? '';
}

/**
 * Starts a request's `sluice.request` span, continuing the client's `traceparent` header
 * when it sent one; `undefined` while tracing is off.
 *
 * @example
 * const trace = beginRequestTrace(request.headers);
 */
export function beginRequestTrace(
  headers: Readonly<Record<string, unknown>>,
): RequestTrace | undefined {
  if (!tracer) return undefined;
  const parent = propagation.extract(ROOT_CONTEXT, headers, {
    keys: (carrier) => Object.keys(carrier),
    get: (carrier, key) => {
      const value = carrier[key];
      return typeof value === 'string' ? value : undefined;
    },
  });
  const span = tracer.startSpan('sluice.request', { kind: SpanKind.SERVER }, parent);
  return { span, traceparent: traceparentOf(trace.setSpan(ROOT_CONTEXT, span)) };
}

/**
 * The W3C `traceparent` of a span, carried to where its children start (a replica process,
 * a child run).
 *
 * @example
 * traceparentOfSpan(span); // '00-4bf92f35…-00f067aa…-01'
 */
export function traceparentOfSpan(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/**
 * The context a span continues from a W3C `traceparent` carried from elsewhere.
 *
 * @example
 * tracer.startSpan('sluice.child_run', {}, contextOf(traceparent));
 */
export function contextOf(traceparent: string): Context {
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/**
 * Ends a span with its outcome: `sluice.outcome` (`ok` or the error code), and a status of
 * `ERROR` when it is not `ok`. Nothing without a span.
 *
 * @example
 * endWith(request.trace?.span, 'timeout');
 */
export function endWith(span: Span | undefined, outcome: string, endTime?: number): void {
  if (!span) return;
  span.setAttribute('sluice.outcome', outcome);
  if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  span.end(endTime);
}

/**
 * Ends a child run's span with how the child ended.
 *
 * @example
 * endChildTrace(child, 'ok');
 */
export function endChildTrace(child: ChildTrace, outcome: string): void {
  endWith(child.span, outcome);
}

/** A child run's span and the trace its request carries. */
export interface ChildTrace {
  /** `sluice.child_run`, which its starter ends. */
  readonly span: Span;
  /** What the child's request carries: its queue wait, run and first-event spans hang under the child span. */
  readonly trace: RequestTrace;
}

/**
 * Starts a child run's `sluice.child_run` span under its parent run's span (given as a
 * `traceparent`, which may have crossed from a replica process); `undefined` while tracing
 * is off or without a parent.
 *
 * @example
 * const child = beginChildTrace(traceparent, { 'sluice.app': 'demo/echo' });
 */
export function beginChildTrace(
  traceparent: string | undefined,
  attributes: Attributes,
): ChildTrace | undefined {
  if (!tracer || !traceparent) return undefined;
  const span = tracer.startSpan('sluice.child_run', { attributes }, contextOf(traceparent));
  return { span, trace: { traceparent: traceparentOfSpan(span) } };
}

/**
 * The context a request's other spans hang under: its request span here, or the
 * `traceparent` it carried from another process.
 *
 * @example
 * tracer.startSpan('sluice.run', {}, parentOf(request.trace));
 */
export function parentOf(requestTrace: RequestTrace | undefined): Context {
  if (!requestTrace) return ROOT_CONTEXT;
  if (requestTrace.span) return trace.setSpan(ROOT_CONTEXT, requestTrace.span);
  return contextOf(requestTrace.traceparent);
}
