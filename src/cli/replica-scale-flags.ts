import type { ReplicaScale } from '../app/define-app.js';
import type { RuntimeOverrides } from '../runtime/placement.js';

const REPLICA_RANGE = /^(\d+)-(\d+)$/;

/** `<min>-<max>` as autoscaling bounds; `undefined` when the value is not a range. */
function replicaRange(value: string): ReplicaScale | undefined {
  const match = REPLICA_RANGE.exec(value);
  if (!match) return undefined;
  const scale = { min: Number(match[1]), max: Number(match[2]) };
  if (scale.max < 1 || scale.min > scale.max) {
    throw new Error('--replicas <min>-<max> needs a max of 1 or more and a min no more than max');
  }
  return scale;
}

function replicas(value: string | undefined): number | ReplicaScale | undefined {
  if (value === undefined) return undefined;
  const range = replicaRange(value);
  if (range) return range;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error('--replicas must be a positive integer <n> or a range <min>-<max>');
  }
  return count;
}

function keepAlive(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!(Number.isFinite(ms) && ms >= 0)) {
    throw new Error('--keep-alive-ms must be a number of milliseconds, 0 or more');
  }
  return ms;
}

/**
 * What `--replicas <n|min-max>` and `--keep-alive-ms <ms>` ask for: a fixed count, or
 * autoscaling bounds, and a keep-alive for every autoscaled app. A keep-alive next to a
 * fixed count would do nothing, so it throws, as a bad value does, naming the flag.
 *
 * @example
 * replicaScaleOverrides('0-4', '300000'); // { replicas: { min: 0, max: 4 }, keepAliveMs: 300000 }
 * replicaScaleOverrides('2', undefined); // { replicas: 2, keepAliveMs: undefined }
 */
export function replicaScaleOverrides(
  replicasValue: string | undefined,
  keepAliveValue: string | undefined,
): Pick<RuntimeOverrides, 'replicas' | 'keepAliveMs'> {
  const chosen = replicas(replicasValue);
  const keepAliveMs = keepAlive(keepAliveValue);
  if (typeof chosen === 'number' && keepAliveMs !== undefined) {
    throw new Error(
      '--keep-alive-ms needs --replicas <min>-<max> (or apps that autoscale): a fixed --replicas <n> never stops its replicas',
    );
  }
  return { replicas: chosen, keepAliveMs };
}
