import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { App } from '../app/define-app.js';
import { handleStrayErrors } from '../runtime/stray-errors.js';
import { parseApiKeys } from '../server/api-keys.js';
import { createGateway } from '../server/create-gateway.js';
import { loadApps } from './load-apps.js';

const USAGE = `Usage: sluice serve <app files…> [options]

Options:
  --host <host>            interface to listen on (default 127.0.0.1)
  --port <port>            port (default 8000; 0 picks a free one)
  --keys-file <file>       API keys, one per line; SLUICE_API_KEYS (comma-separated) also works
  --body-limit <bytes>     largest request body (default 10485760)
  --heartbeat-ms <ms>      heartbeat interval of event streams (default 15000)
  --cancel-grace-ms <ms>   how long a run outlives its last client (default 5000)
  --retention-ms <ms>      how long a request's events are kept after it ends (default 600000)
  --max-events <n>         most events kept per request (default 250000)
  --max-log-bytes <bytes>  most event bytes kept per request (default 67108864)
  --log-level <level>      pino level: fatal, error, warn, info, debug (default info)`;

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0)
    throw new Error(`--${name} must be a non-negative number`);
  return number;
}

function withoutUndefined<Value extends object>(value: Value): Partial<Value> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<Value>;
}

async function readKeys(file: string | undefined): Promise<string[]> {
  const fromEnvironment = parseApiKeys(process.env.SLUICE_API_KEYS ?? '');
  const fromFile = file ? parseApiKeys(await readFile(file, 'utf8')) : [];
  return [...fromEnvironment, ...fromFile];
}

function printUrls(apps: readonly App[], url: string, keysRequired: boolean): void {
  const lines = [
    `sluice is serving ${apps.length} app(s) at ${url}${keysRequired ? ' (API key required)' : ''}`,
  ];
  for (const app of apps) {
    for (const endpoint of app.endpoints.values()) {
      const base = `${url}/${app.id}${endpoint.path}`;
      lines.push(
        `  ${app.id}${endpoint.path}`,
        `    POST ${base}          (JSON)`,
        `    POST ${base}/stream   (SSE)`,
      );
    }
    lines.push(`    GET  ${url}/${app.id}/requests/{request_id}/stream   (attach / resume)`);
  }
  lines.push(`  docs: ${url}/openapi.json   apps: ${url}/apps   ready: ${url}/ready`);
  process.stdout.write(lines.join('\n') + '\n');
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
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8000' },
      'keys-file': { type: 'string' },
      'body-limit': { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      'cancel-grace-ms': { type: 'string' },
      'retention-ms': { type: 'string' },
      'max-events': { type: 'string' },
      'max-log-bytes': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE + '\n');
    if (!values.help) process.exitCode = 2;
    return;
  }
  const logger = pino({ level: values['log-level'] });
  handleStrayErrors(logger);
  const apiKeys = await readKeys(values['keys-file']);
  const apps = await loadApps(positionals);
  const gateway = await createGateway({
    apps,
    logger,
    apiKeys,
    bodyLimitBytes: numberOption(values['body-limit'], 'body-limit'),
    heartbeatMs: numberOption(values['heartbeat-ms'], 'heartbeat-ms'),
    cancelGraceMs: numberOption(values['cancel-grace-ms'], 'cancel-grace-ms'),
    eventLogLimits: withoutUndefined({
      retentionMs: numberOption(values['retention-ms'], 'retention-ms'),
      maxEvents: numberOption(values['max-events'], 'max-events'),
      maxBytes: numberOption(values['max-log-bytes'], 'max-log-bytes'),
    }),
  });
  const stop = () => {
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const url = await gateway.listen({ host: values.host, port: numberOption(values.port, 'port') });
  printUrls(apps, url, apiKeys.length > 0);
}
