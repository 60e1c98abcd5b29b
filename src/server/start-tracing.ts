import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { envDetector, detectResources, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { disableRequestTracing, enableRequestTracing } from '../dispatch/request-trace.js';

/** Options of {@link startTracing}. */
export interface TracingOptions {
  /** Where spans go (default: one batch processor with the OTLP HTTP exporter, configured by `OTEL_*`). */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** `service.name` when `OTEL_SERVICE_NAME` does not set one (default `sluice`). */
  readonly serviceName?: string;
}

/** A started tracer provider. */
export interface Tracing {
  /** Sends what is buffered. */
  flush(): Promise<void>;
  /** Flushes, stops the provider and turns request tracing off. */
  shutdown(): Promise<void>;
}

async function otlpProcessor(): Promise<SpanProcessor> {
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  return new BatchSpanProcessor(new OTLPTraceExporter());
}

/**
 * Registers an OpenTelemetry tracer provider and turns sluice's request tracing on: each
 * request gets `sluice.request`, `sluice.queue_wait`, `sluice.run` and
 * `sluice.time_to_first_event` spans (with `sluice.prepare` and `sluice.child_run` where
 * they apply), continuing the client's W3C `traceparent`.
 *
 * @example
 * const tracing = await startTracing(); // OTLP over HTTP, configured by OTEL_* variables
 * process.once('SIGTERM', () => void tracing.shutdown());
 */
export async function startTracing(options: TracingOptions = {}): Promise<Tracing> {
  const detected = detectResources({ detectors: [envDetector] });
  const named = resourceFromAttributes({ 'service.name': options.serviceName ?? 'sluice' });
  const provider = new BasicTracerProvider({
    resource: named.merge(detected),
    spanProcessors: [...(options.spanProcessors ?? [await otlpProcessor()])],
  });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  enableRequestTracing();
  return {
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      disableRequestTracing();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
    },
  };
}

/**
 * Whether the `OTEL_*` environment asks for traces: an OTLP endpoint is set
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or
 * `OTEL_TRACES_EXPORTER=otlp`, and `OTEL_SDK_DISABLED` is not `true`.
 *
 * @example
 * if (tracingRequested(process.env)) await startTracing();
 */
export function tracingRequested(
  environment: Readonly<Record<string, string | undefined>>,
): boolean {
  if (environment.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return false;
  if (environment.OTEL_TRACES_EXPORTER === 'none') return false;
  return Boolean(
    environment.OTEL_EXPORTER_OTLP_ENDPOINT ||
    environment.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    environment.OTEL_TRACES_EXPORTER === 'otlp',
  );
}
