import type { ServedEndpoint } from '../app/define-app.js';
import type { BatchOptions, SyncPathOptions } from '../app/sync-path-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { CachePolicy } from '../dispatch/response-cache.js';

/** What a gateway must know of an endpoint's sync path to serve it without its code. */
export interface PublishedSyncPath {
  /** It has a `prepare` step (the stream view holds its first byte until it is over). */
  readonly prepares?: boolean;
  /** Its cache declaration, without a key function (gateways use the canonical hash). */
  readonly cache?: CachePolicy;
  /** Its batch declaration, for the gateway's documents (batches form on the workers). */
  readonly batch?: BatchOptions;
}

/**
 * What a worker publishes of an endpoint's sync path.
 *
 * @example
 * publishSyncPath(endpoint); // { prepares: true }
 */
export function publishSyncPath(endpoint: ServedEndpoint): PublishedSyncPath {
  const { cache, batch } = endpoint;
  return {
    ...(endpoint.prepare ? { prepares: true } : {}),
    ...(batch ? { batch: { maxSize: batch.maxSize, maxWaitMs: batch.maxWaitMs } } : {}),
    ...(cache
      ? { cache: { ttlMs: cache.ttlMs, maxEntries: cache.maxEntries, maxBytes: cache.maxBytes } }
      : {}),
  };
}

function preparesElsewhere(): never {
  throw new SluiceError('internal', 'This endpoint prepares on remote workers, not here');
}

function batchesElsewhere(): never {
  throw new SluiceError('internal', 'This endpoint runs its batches on remote workers, not here');
}

/**
 * The stand-in declarations a gateway serves for a published sync path: what its routes
 * look at, never called.
 *
 * @example
 * defineApp({ ...definition, ...standInSyncPath(published.syncPath) });
 */
export function standInSyncPath(
  published: PublishedSyncPath | undefined,
): SyncPathOptions<unknown, unknown> {
  return {
    ...(published?.prepares ? { prepare: preparesElsewhere } : {}),
    ...(published?.cache ? { cache: published.cache } : {}),
    ...(published?.batch ? { batch: published.batch, runBatch: batchesElsewhere } : {}),
  };
}
