import type { Isolation } from '../app/define-app.js';
import type { RuntimeOverrides } from '../runtime/placement.js';
import { replicaScaleOverrides } from './replica-scale-flags.js';

/** The `parseArgs` options of the runtime flags of `sluice serve`. */
export const RUNTIME_FLAG_OPTIONS = {
  isolation: { type: 'string' },
  replicas: { type: 'string' },
  'keep-alive-ms': { type: 'string' },
  'max-concurrency': { type: 'string' },
  'world-size': { type: 'string' },
  'cancel-deadline-ms': { type: 'string' },
  'collective-timeout-ms': { type: 'string' },
  'replica-node-options': { type: 'string' },
} as const;

/** The usage lines of the runtime flags. */
export const RUNTIME_FLAG_USAGE = `  --isolation <mode>             inline or process: where every app runs (default: each app's own, else inline)
  --replicas <n|min-max>         replica processes per app: a fixed count, or min-max to autoscale between
                                 (min may be 0: scale to zero) (default: each app's own, else 1)
  --keep-alive-ms <ms>           how long an autoscaled replica stays up after its last run; refused with a
                                 fixed --replicas <n> (default: each autoscaled app's own, else 60000)
  --max-concurrency <n>          runs one replica executes at once (default: each app's own, else 1)
  --world-size <n>               ranks per replica (a worker group of n processes; default: each app's own, else 1)
  --cancel-deadline-ms <ms>      how long a cancelled run may go on before its replica is killed (default 5000)
  --collective-timeout-ms <ms>   default timeout of every collective (default: each app's own, else 60000)
  --replica-node-options <flags> extra Node flags of replica processes: --replica-node-options="--max-old-space-size=512" (default none)`;

/** The values `parseArgs` returns for {@link RUNTIME_FLAG_OPTIONS}. */
export type RuntimeFlagValues = { readonly [Name in keyof typeof RUNTIME_FLAG_OPTIONS]?: string };

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new Error(`--${name} must be a positive integer`);
  }
  return number;
}

function positiveMs(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!(Number.isFinite(number) && number > 0)) {
    throw new Error(`--${name} must be a positive number of milliseconds`);
  }
  return number;
}

function isolation(value: string | undefined): Isolation | undefined {
  if (value === undefined || value === 'inline' || value === 'process') return value;
  throw new Error('--isolation must be inline or process');
}

/**
 * The runtime overrides the flags ask for; throws a message naming the bad flag.
 *
 * @example
 * const { values } = parseArgs({ args, options: { ...RUNTIME_FLAG_OPTIONS } });
 * const runtime = createRuntime(apps, runtimeOverrides(values));
 */
export function runtimeOverrides(values: RuntimeFlagValues): RuntimeOverrides {
  const nodeOptions = values['replica-node-options']?.split(/\s+/).filter(Boolean);
  const overrides: RuntimeOverrides = {
    isolation: isolation(values.isolation),
    ...replicaScaleOverrides(values.replicas, values['keep-alive-ms']),
    maxConcurrency: positiveInteger(values['max-concurrency'], 'max-concurrency'),
    worldSize: positiveInteger(values['world-size'], 'world-size'),
    cancelDeadlineMs: positiveMs(values['cancel-deadline-ms'], 'cancel-deadline-ms'),
    collectiveTimeoutMs: positiveMs(values['collective-timeout-ms'], 'collective-timeout-ms'),
    nodeOptions,
  };
  return Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
}
