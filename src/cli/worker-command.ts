import { parseArgs } from 'node:util';
import { Gauge, type Registry } from 'prom-client';
import { pino } from 'pino';
import { DEV_MODE_VARIABLE } from '../runtime/dev-mode.js';
import { safeUrl } from '../redis/redis-hub.js';
import { startWorkerNode } from '../cluster/worker-node.js';
import { createRuntime } from '../runtime/create-runtime.js';
import { handleStrayErrors } from '../runtime/stray-errors.js';
import { loadApps } from './load-apps.js';
import { stopOnSignals } from './stop-on-signals.js';
import { REDIS_FLAG_OPTIONS, REDIS_FLAG_USAGE, redisOptionsOf } from './redis-flags.js';
import { gatewayOptionsOf } from './serve-options.js';
import { GatewayMetrics } from '../server/metrics.js';
import { registerQueueMetrics } from '../server/queue-metrics.js';
import { registerScaleMetrics } from '../server/scale-metrics.js';
import { serveMetrics } from './metrics-server.js';
import { startTracing, tracingRequested } from '../server/start-tracing.js';
import { RUNTIME_FLAG_OPTIONS, RUNTIME_FLAG_USAGE, runtimeOverrides } from './runtime-flags.js';

const USAGE = `Usage: sluice worker <app files…> --redis <url> [options]

Takes the apps' requests from the Redis queue and runs them. No HTTP: gateways
(sluice serve --redis <url>) serve the clients.

Options:
${REDIS_FLAG_USAGE}
  --max-concurrent <n>           runs at once per endpoint, over the whole cluster, for endpoints without limits.concurrent (default unbounded)
  --retention-ms <ms>            how long a request's events are kept after it ends (default 600000; as on the gateways)
  --max-events <n>               most events kept per request (default 250000; as on the gateways)
  --max-log-bytes <bytes>        most event bytes kept per request (default 67108864; as on the gateways)
  --shutdown-deadline-ms <ms>    on SIGTERM/SIGINT, how long running runs may finish (default 30000)
  --log-level <level>            pino level: fatal, error, warn, info, debug (default info)
  --dev                          failed runs also send the app's error message and stack to the client (default off)
  --metrics-port <port>          serve this worker's metrics at GET /metrics on this port (0: any free port; default: none)
  --metrics-host <host>          interface of the metrics port (default 127.0.0.1)
  -h, --help                     show this help
${RUNTIME_FLAG_USAGE}`;

/** `sluice worker`'s flags, as `parseArgs` reads them. */
export const WORKER_FLAGS = {
  ...REDIS_FLAG_OPTIONS,
  ...RUNTIME_FLAG_OPTIONS,
  'max-concurrent': { type: 'string' },
  'retention-ms': { type: 'string' },
  'max-events': { type: 'string' },
  'max-log-bytes': { type: 'string' },
  'shutdown-deadline-ms': { type: 'string', default: '30000' },
  'log-level': { type: 'string', default: 'info' },
  dev: { type: 'boolean' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string', default: '127.0.0.1' },
  help: { type: 'boolean', short: 'h' },
} as const;

function countRunsHeld(registry: Registry, read: () => number): void {
  new Gauge({
    name: 'sluice_worker_runs',
    help: 'Runs this worker holds now',
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

function metricsPort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65_535))
    throw new Error('--metrics-port must be a port number from 0 to 65535');
  return port;
}

function maxConcurrent(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!(Number.isInteger(number) && number > 0))
    throw new Error('--max-concurrent must be a positive integer');
  return number;
}

/**
 * `sluice worker <app files…> --redis <url>`: runs the apps' requests from the shared queue
 * until SIGINT or SIGTERM, then lets running runs finish up to the shutdown deadline.
 *
 * @example
 * await workerCommand(['examples/text.ts', '--redis', 'redis://127.0.0.1:6379']);
 */
export async function workerCommand(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: WORKER_FLAGS,
  });
  const redis = redisOptionsOf(values);
  if (values.help || positionals.length === 0 || !redis) {
    if (!values.help && !redis) process.stderr.write('sluice worker: --redis <url> is required\n');
    process.stdout.write(USAGE + '\n');
    if (!values.help) process.exitCode = 2;
    return;
  }
  const deadlineMs = Number(values['shutdown-deadline-ms']);
  if (!(deadlineMs >= 0)) throw new Error('--shutdown-deadline-ms must be a non-negative number');
  if (values.dev) process.env[DEV_MODE_VARIABLE] = '1';
  const logger = pino({ level: values['log-level'] });
  handleStrayErrors(logger);
  const tracing = tracingRequested(process.env) ? await startTracing() : undefined;
  const apps = await loadApps(positionals);
  const runtime = createRuntime(apps, runtimeOverrides(values));
  const defaultLimits = { concurrent: maxConcurrent(values['max-concurrent']) };
  const { eventLogLimits } = gatewayOptionsOf(values);
  const port = metricsPort(values['metrics-port']);
  let held = () => 0;
  // A worker queues nothing itself (its queue is the shared one): its queue depth is 0.
  const metrics = port === undefined ? undefined : new GatewayMetrics(() => 0);
  if (metrics) countRunsHeld(metrics.registry, () => held());
  metrics?.countStateSwitches(() => runtime.stateSwitches?.() ?? 0);
  if (metrics) registerScaleMetrics(metrics.registry, runtime);
  const node = await startWorkerNode({
    redis,
    apps,
    runtime,
    logger,
    defaultLimits,
    eventLogLimits,
    observer: metrics?.observer(),
  });
  held = () => node.holding();
  if (metrics) {
    const appIds = apps.map((app) => app.id);
    registerQueueMetrics(metrics.registry, {
      appIds: () => appIds,
      stats: (appId) => node.queueStats(appId),
    });
  }
  const server =
    metrics &&
    (await serveMetrics(metrics.registry, { host: values['metrics-host'], port: port ?? 0 }));
  const close = async () => {
    await node.close(deadlineMs);
    await server?.close();
    await tracing?.shutdown();
  };
  if (server) process.stdout.write(`sluice worker metrics at ${server.url}\n`);
  stopOnSignals(logger, close, {
    deadlineMs,
    holding: () => node.holding(),
  });
  await node.ready;
  const names = apps.map((app) => app.id).join(', ');
  process.stdout.write(
    `sluice worker ${node.workerId} is running ${names} from ${safeUrl(redis.url)}\n`,
  );
}
