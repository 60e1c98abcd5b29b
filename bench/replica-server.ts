/** The sluice gateway with the firehose app in one process replica, as a benchmark child process. */
import { firehose } from './firehose-app.js';
import { serveCommands } from './serve-commands.js';
import { benchNodeFlags } from './server-children.js';
import { sluiceModule } from './sluice-source.js';
import type * as RuntimeModule from '../src/runtime/create-runtime.js';
import type * as GatewayModule from '../src/server/create-gateway.js';

const { createRuntime } = (await import(
  sluiceModule('runtime/create-runtime')
)) as typeof RuntimeModule;
const { createGateway } = (await import(
  sluiceModule('server/create-gateway')
)) as typeof GatewayModule;

/** Enough runs at once for the idle scenario's held streams. */
const MAX_CONCURRENCY = 100_000;

const runtime = createRuntime(
  [{ app: firehose, moduleUrl: new URL('./firehose-app.ts', import.meta.url).href }],
  {
    isolation: 'process',
    replicas: 1,
    maxConcurrency: MAX_CONCURRENCY,
    nodeOptions: benchNodeFlags(),
  },
);
await runtime.start();
const gateway = await createGateway({
  apps: [firehose],
  runtime,
  logger: false,
  heartbeatMs: 15_000,
  eventLogLimits: { maxEvents: 1_000_000, maxBytes: 512 * 1024 * 1024 },
});
const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
serveCommands(url, () => gateway.close());
