import {
  ROOT_CONTEXT,
  SpanKind,
  propagation,
  trace,
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
 * The context a request's other spans hang under: its request span here, or the
 * `traceparent` it carried from another process.
 *
 * @example
 * tracer.startSpan('sluice.run', {}, parentOf(request.trace));
 */
export function parentOf(requestTrace: RequestTrace | undefined): Context {
  if (!requestTrace) return ROOT_CONTEXT;
  if (requestTrace.span) return trace.setSpan(ROOT_CONTEXT, requestTrace.span);
  return propagation.extract(ROOT_CONTEXT, { traceparent: requestTrace.traceparent });
}
