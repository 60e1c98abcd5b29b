import type { ParseArgsConfig } from 'node:util';
import type { GatewayOptions } from '../server/create-gateway.js';
import { parseCorsOrigins } from '../server/cors.js';

/** `sluice serve`'s flags, as `parseArgs` reads them. */
export const SERVE_FLAGS = {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '8000' },
  'keys-file': { type: 'string' },
  'body-limit': { type: 'string' },
  'request-timeout-ms': { type: 'string' },
  'min-body-rate': { type: 'string' },
  'public-url': { type: 'string' },
  'heartbeat-ms': { type: 'string' },
  'cancel-grace-ms': { type: 'string' },
  'retention-ms': { type: 'string' },
  'max-events': { type: 'string' },
  'max-log-bytes': { type: 'string' },
  'max-concurrent': { type: 'string' },
  'max-queued': { type: 'string' },
  'memory-budget': { type: 'string' },
  'shutdown-deadline-ms': { type: 'string' },
  'webhook-attempts': { type: 'string' },
  'webhook-backoff-ms': { type: 'string' },
  'log-level': { type: 'string', default: 'info' },
  dev: { type: 'boolean' },
  'cors-origin': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The flags' help text. */
export const SERVE_FLAGS_HELP = `Options:
  --host <host>                interface to listen on (default 127.0.0.1)
  --port <port>                port (default 8000; 0 picks a free one)
  --keys-file <file>           API keys, one per line (# starts a comment line); SLUICE_API_KEYS (comma-separated)
                               also works (default: none, no key needed)
  --body-limit <bytes>         largest request body (default 10485760)
  --request-timeout-ms <ms>    a request's headers and body must arrive within this (default 60000; 0: none)
  --min-body-rate <bytes/s>    slowest average body rate after 5 s (default 1024; 0: none)
  --public-url <url>           URL clients reach the server at, for queue answers' URLs (default: the listening address)
  --heartbeat-ms <ms>          heartbeat interval of event streams (default 15000)
  --cancel-grace-ms <ms>       how long a run outlives its last client (default 5000)
  --retention-ms <ms>          how long a request's events and result are kept after it ends (default 600000)
  --max-events <n>             most events kept per request (default 250000)
  --max-log-bytes <bytes>      most event bytes kept per request (default 67108864)
  --max-concurrent <n>         runs at once per endpoint without limits.concurrent (default unbounded)
  --max-queued <n>             waiting requests per endpoint without limits.queued (default unbounded)
  --memory-budget <bytes>      event bytes the process keeps across requests; near it ended requests
                               are dropped, past it new ones answer 503 (default: half of the heap limit less 64 MiB)
  --shutdown-deadline-ms <ms>  on SIGTERM/SIGINT, how long running runs may finish (default 30000)
  --webhook-attempts <n>       webhook deliveries tried before giving up (default 5)
  --webhook-backoff-ms <ms>    wait before the second webhook attempt, doubling after (default 500)
  --log-level <level>          pino level: fatal, error, warn, info, debug (default info)
  -h, --help                   show this help
  --cors-origin <origins>      web pages on other origins that may call the API: a comma-separated
                               list of origins (https://app.example.com), or * for any (default: none)
  --dev                        failed runs also send the app's error message and stack to the client
                               and the playground (default off; on under npm start)`;

type FlagValues = { readonly [Name in keyof typeof SERVE_FLAGS]?: string | boolean };

function numberOption(values: FlagValues, name: keyof typeof SERVE_FLAGS): number | undefined {
  const value = values[name];
  if (typeof value !== 'string') return undefined;
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

const DEFAULT_SHUTDOWN_DEADLINE_MS = 30_000;

function memoryBudgetOption(values: FlagValues): number | undefined {
  const bytes = numberOption(values, 'memory-budget');
  if (bytes === 0) throw new Error('--memory-budget must be a positive number of bytes');
  return bytes;
}

/**
 * The gateway options the flags set (every one but apps, logger and keys).
 *
 * @example
 * const options = gatewayOptionsOf(values);
 */
export function gatewayOptionsOf(
  values: FlagValues,
): Omit<GatewayOptions, 'apps' | 'logger' | 'apiKeys'> {
  return {
    bodyLimitBytes: numberOption(values, 'body-limit'),
    requestTimeoutMs: numberOption(values, 'request-timeout-ms'),
    minBodyBytesPerSecond: numberOption(values, 'min-body-rate'),
    publicUrl: typeof values['public-url'] === 'string' ? values['public-url'] : undefined,
    heartbeatMs: numberOption(values, 'heartbeat-ms'),
    cancelGraceMs: numberOption(values, 'cancel-grace-ms'),
    eventLogLimits: withoutUndefined({
      retentionMs: numberOption(values, 'retention-ms'),
      maxEvents: numberOption(values, 'max-events'),
      maxBytes: numberOption(values, 'max-log-bytes'),
    }),
    limits: withoutUndefined({
      concurrent: numberOption(values, 'max-concurrent'),
      queued: numberOption(values, 'max-queued'),
    }),
    memoryBudgetBytes: memoryBudgetOption(values),
    shutdownDeadlineMs:
      numberOption(values, 'shutdown-deadline-ms') ?? DEFAULT_SHUTDOWN_DEADLINE_MS,
    cors:
      typeof values['cors-origin'] === 'string'
        ? { origins: parseCorsOrigins(values['cors-origin']) }
        : undefined,
    webhook: withoutUndefined({
      attempts: numberOption(values, 'webhook-attempts'),
      baseDelayMs: numberOption(values, 'webhook-backoff-ms'),
    }),
  };
}

/**
 * The port flag as a number.
 *
 * @example
 * const port = portOf(values); // 8000
 */
export function portOf(values: FlagValues): number | undefined {
  return numberOption(values, 'port');
}
