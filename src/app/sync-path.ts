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
  return served;
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
