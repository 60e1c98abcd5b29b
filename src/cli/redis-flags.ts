import type { RedisModeOptions } from '../cluster/redis-backends.js';

/** The `parseArgs` options of Redis mode, shared by `sluice serve` and `sluice worker`. */
export const REDIS_FLAG_OPTIONS = {
  redis: { type: 'string' },
  prefix: { type: 'string' },
  'lock-ms': { type: 'string' },
  'stalled-check-ms': { type: 'string' },
} as const;

/** The usage lines of the Redis flags. */
export const REDIS_FLAG_USAGE = `  --redis <url>                  Redis mode: shared event logs (Streams) and queue (BullMQ), e.g. redis://127.0.0.1:6379 (default: none, memory mode)
  --prefix <prefix>              key prefix of this deployment in Redis (default sluice:)
  --lock-ms <ms>                 a worker silent this long has lost its runs (default 10000)
  --stalled-check-ms <ms>        how often workers look for runs of lost workers (default 5000)`;

/** The values `parseArgs` returns for {@link REDIS_FLAG_OPTIONS}. */
export type RedisFlagValues = { readonly [Name in keyof typeof REDIS_FLAG_OPTIONS]?: string };

function milliseconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!(Number.isInteger(number) && number > 0))
    throw new Error(`--${name} must be a positive whole number of milliseconds`);
  return number;
}

/**
 * Redis mode as the flags set it; `undefined` without `--redis`.
 *
 * @example
 * redisOptionsOf({ redis: 'redis://127.0.0.1:6379' }); // { url: 'redis://127.0.0.1:6379' }
 */
export function redisOptionsOf(values: RedisFlagValues): RedisModeOptions | undefined {
  const url = values.redis;
  if (url === undefined) {
    const stray = (['prefix', 'lock-ms', 'stalled-check-ms'] as const).find((name) => values[name]);
    if (stray) throw new Error(`--${stray} needs --redis`);
    return undefined;
  }
  if (!/^rediss?:\/\//.test(url)) throw new Error('--redis must be a redis:// or rediss:// URL');
  return {
    url,
    prefix: values.prefix,
    lockMs: milliseconds(values['lock-ms'], 'lock-ms'),
    stalledCheckMs: milliseconds(values['stalled-check-ms'], 'stalled-check-ms'),
  };
}
