/** How an endpoint's results are kept: its `cache` declaration, without the key function. */
export interface CachePolicy {
  readonly ttlMs: number;
  readonly maxEntries?: number;
  readonly maxBytes?: number;
}

/** Who runs a key's request: this caller (`leader`), or the request already in flight. */
export type FlightClaim =
  { readonly leader: true } | { readonly leader: false; readonly leaderRequestId: string };

/**
 * The response-cache port: results by key, and the single flight of each key. The memory
 * cache serves one gateway; the Redis one (`src/redis/`) every gateway of a deployment,
 * with Redis's own expiry. Keys arrive namespaced by app and endpoint (`scope`), so caps
 * apply per endpoint.
 *
 * Semantics every backend keeps:
 * - `get` answers a stored result's JSON until `ttlMs` after its `set`, then `undefined`.
 * - `set` keeps at most `maxEntries` results and `maxBytes` bytes of them per scope,
 *   dropping the least recently stored (memory) first; a result larger than `maxBytes` is
 *   not kept.
 * - `claim` is atomic: of callers claiming one key, one leads until it `release`s it (or
 *   `flightTtlMs` passes); the others learn the leader's request id. A caller that gave up
 *   on a leader (it never started) names it as `replacing`: if the flight still holds that
 *   leader, the caller takes the flight over; if another has already, it learns that one.
 *
 * @example
 * const claim = await cache.claim({ scope, key, requestId, flightTtlMs: 600_000 });
 * if (claim.leader) { ... await cache.set({ scope, key, json, policy }); await cache.release({ scope, key, requestId }); }
 */
export interface ResponseCache {
  get(entry: CacheSlot): Promise<string | undefined>;
  set(entry: CacheSlot & { readonly json: string; readonly policy: CachePolicy }): Promise<void>;
  claim(entry: FlightEntry): Promise<FlightClaim>;
  release(entry: CacheSlot & { readonly requestId: string }): Promise<void>;
  close(): Promise<void>;
}

/** One key of one endpoint's cache. */
export interface CacheSlot {
  /** `appId` and endpoint path: caps are per scope. */
  readonly scope: string;
  readonly key: string;
}

/** A claim of one key's flight by the request `requestId`. */
export interface FlightEntry extends CacheSlot {
  readonly requestId: string;
  readonly flightTtlMs: number;
  /** A leader the caller has given up on: the flight is taken over if it still holds it. */
  readonly replacing?: string;
}
