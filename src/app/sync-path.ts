import type { EndpointDefinition } from './app-types.js';
import type { CacheOptions, ServedSyncPath } from './sync-path-types.js';

/**
 * An endpoint's sync-path declarations, checked: a misdeclared one fails `defineApp`.
 *
 * @example
 * const served = servedSyncPath(definition); // { prepare }
 */
export function servedSyncPath(definition: EndpointDefinition): ServedSyncPath {
  const served: { -readonly [Key in keyof ServedSyncPath]: ServedSyncPath[Key] } = {};
  if (definition.prepare !== undefined) {
    if (typeof definition.prepare !== 'function') throw new TypeError('prepare must be a function');
    served.prepare = definition.prepare;
  }
  if (definition.cache !== undefined) served.cache = checkCache(definition.cache);
  Object.assign(served, checkBatch(definition), checkKeyed(definition));
  return served;
}

function checkKeyed(
  definition: EndpointDefinition,
): Pick<ServedSyncPath, 'stateKey' | 'enterState'> {
  const { stateKey, enterState } = definition;
  if (stateKey === undefined && enterState === undefined) return {};
  if (typeof stateKey !== 'function') throw new TypeError('enterState needs stateKey, a function');
  if (enterState !== undefined && typeof enterState !== 'function')
    throw new TypeError('enterState must be a function');
  return {
    stateKey: stateKey,
    ...(enterState ? { enterState: enterState } : {}),
  };
}

const MAX_BATCH_SIZE = 4096;
const MAX_BATCH_WAIT_MS = 60_000;

function checkBatch(definition: EndpointDefinition): Pick<ServedSyncPath, 'batch' | 'runBatch'> {
  const { batch, runBatch } = definition;
  if (batch === undefined && runBatch === undefined) return {};
  if (typeof runBatch !== 'function' || batch === undefined)
    throw new TypeError('batch and runBatch go together: declare both');
  const { maxSize, maxWaitMs } = batch;
  if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > MAX_BATCH_SIZE)
    throw new TypeError(`batch.maxSize must be an integer from 1 to ${MAX_BATCH_SIZE}`);
  if (!(maxWaitMs >= 0 && maxWaitMs <= MAX_BATCH_WAIT_MS))
    throw new TypeError(`batch.maxWaitMs must be from 0 to ${MAX_BATCH_WAIT_MS}`);
  return { batch: { maxSize, maxWaitMs }, runBatch: runBatch };
}

/**
 * How many requests one run slot of an app holds at once: its largest `batch.maxSize`
 * (1 without batching), so batches can fill.
 *
 * @example
 * const capacity = replicas * maxConcurrency * batchSlots(app.endpoints.values());
 */
export function batchSlots(endpoints: Iterable<ServedSyncPath>): number {
  let slots = 1;
  for (const endpoint of endpoints) slots = Math.max(slots, endpoint.batch?.maxSize ?? 1);
  return slots;
}

function checkCount(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name} must be a positive integer`);
}

function checkCache(cache: CacheOptions): CacheOptions {
  if (!(Number.isFinite(cache.ttlMs) && cache.ttlMs > 0))
    throw new TypeError('cache.ttlMs must be a positive number of milliseconds');
  if (cache.key !== undefined && typeof cache.key !== 'function')
    throw new TypeError('cache.key must be a function');
  checkCount('cache.maxEntries', cache.maxEntries);
  checkCount('cache.maxBytes', cache.maxBytes);
  return cache;
}
