import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { DEV_MODE_VARIABLE } from '../runtime/dev-mode.js';
import type { App } from '../app/define-app.js';
import { handleStrayErrors } from '../runtime/stray-errors.js';
import { parseKeyList, parseKeysFile } from '../server/api-keys.js';
import { createRuntime } from '../runtime/create-runtime.js';
import { createGateway } from '../server/create-gateway.js';
import { loadApps } from './load-apps.js';
import { stopOnSignals } from './stop-on-signals.js';
import { startTracing, tracingRequested } from '../server/start-tracing.js';
import { RUNTIME_FLAG_OPTIONS, RUNTIME_FLAG_USAGE, runtimeOverrides } from './runtime-flags.js';
import { REDIS_FLAG_OPTIONS, REDIS_FLAG_USAGE, redisOptionsOf } from './redis-flags.js';
import { SERVE_FLAGS, SERVE_FLAGS_HELP, gatewayOptionsOf, portOf } from './serve-options.js';

const USAGE = `Usage: sluice serve <app files…> [options]
       sluice serve [app files…] --redis <url> [options]   (a gateway of a Redis deployment)

${SERVE_FLAGS_HELP}
${REDIS_FLAG_USAGE}
${RUNTIME_FLAG_USAGE}`;

async function readKeys(file: string | undefined): Promise<string[]> {
  const fromEnvironment = parseKeyList(process.env.SLUICE_API_KEYS ?? '');
  const fromFile = file ? parseKeysFile(await readFile(file, 'utf8'), file) : [];
  return [...fromEnvironment, ...fromFile];
}

/** `SLUICE_TOKEN_SECRET` signs realtime tokens; an environment variable keeps it out of `ps`. */
function tokenSecretFromEnvironment(): string | undefined {
  const secret = process.env.SLUICE_TOKEN_SECRET;
  return secret === undefined || secret === '' ? undefined : secret;
}

function endpointLines(url: string, app: App): string[] {
  const lines: string[] = [];
  for (const endpoint of app.endpoints.values()) {
    const path = `${app.id}${endpoint.path}`;
    lines.push(
      `  ${path}${endpoint.path === '' ? '' : '   (endpoint)'}`,
      `    POST ${url}/${path}          JSON: the result`,
      `    POST ${url}/${path}/stream   SSE: every event, then the result`,
      `    POST ${url}/queue/${path}    queue: answers at once with status and result URLs`,
    );
  }
  lines.push(
    `    GET  ${url}/${app.id}/requests/{request_id}/stream   attach to a run (resumable)`,
  );
  return lines;
}

/**
 * The startup banner: every endpoint's real URLs, then the playground and the docs.
 *
 * @example
 * process.stdout.write(banner(apps, 'http://127.0.0.1:8000', false));
 */
export function banner(apps: readonly App[], url: string, keysRequired: boolean): string {
  const lines = [
    `sluice is serving ${apps.length} app(s) at ${url}${keysRequired ? ' (API key required)' : ''}`,
    ...apps.flatMap((app) => endpointLines(url, app)),
    `  playground: ${url}/   docs: ${url}/docs   openapi: ${url}/openapi.json`,
    `  apps: ${url}/apps   ready: ${url}/ready   metrics: ${url}/metrics`,
  ];
  return lines.join('\n') + '\n';
}

/**
 * `sluice serve <app files…>`: loads the apps and serves them until SIGINT or SIGTERM.
 *
 * @example
 * await serveCommand(['examples/text.ts', '--port', '8000']);
 */
export async function serveCommand(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { ...SERVE_FLAGS, ...RUNTIME_FLAG_OPTIONS, ...REDIS_FLAG_OPTIONS },
  });
  const redis = redisOptionsOf(values);
  if (values.help || (positionals.length === 0 && !redis)) {
    process.stdout.write(USAGE + '\n');
    if (!values.help) process.exitCode = 2;
    return;
  }
  if (values.dev) process.env[DEV_MODE_VARIABLE] = '1';
  const logger = pino({ level: values['log-level'] });
  handleStrayErrors(logger);
  const apiKeys = await readKeys(values['keys-file']);
  const tracing = tracingRequested(process.env) ? await startTracing() : undefined;
  const apps = await loadApps(positionals);
  const gatewayOptions = gatewayOptionsOf(values);
  const gateway = await createGateway({
    apps,
    runtime: createRuntime(apps, runtimeOverrides(values)),
    logger,
    apiKeys,
    tokenSecret: tokenSecretFromEnvironment(),
    redis,
    ...gatewayOptions,
  });
  const close = async () => {
    await gateway.close();
    await tracing?.shutdown();
  };
  stopOnSignals(logger, close, {
    deadlineMs: gatewayOptions.shutdownDeadlineMs ?? 0,
    holding: () => gateway.dispatcher.activeRuns,
  });
  const url = await gateway.listen({ host: values.host, port: portOf(values) });
  process.stdout.write(banner(gateway.apps(), url, apiKeys.length > 0));
}
