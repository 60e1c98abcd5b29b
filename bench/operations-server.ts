/**
 * The gateway of `bench/operations.ts`, as a child process: the firehose app with a chat
 * view. With `SLUICE_BENCH_TRACING=on` it records every span to an in-memory exporter.
 */
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createGateway } from '../src/server/create-gateway.js';
import { startTracing } from '../src/server/start-tracing.js';
import { operationsApp } from './operations-app.js';
import { serveCommands } from './serve-commands.js';

const exporter = new InMemorySpanExporter();
if (process.env.SLUICE_BENCH_TRACING === 'on') {
  await startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  // Keep the exporter from growing through the run: a collector would take them away.
  setInterval(() => exporter.reset(), 1_000).unref();
}
const gateway = await createGateway({
  apps: [operationsApp],
  logger: false,
  eventLogLimits: { maxEvents: 1_000_000, maxBytes: 512 * 1024 * 1024 },
});
const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
serveCommands(url, () => gateway.close());
