import type {
  CacheSlot,
  CachePolicy,
  FlightClaim,
  FlightEntry,
  ResponseCache,
} from './response-cache.js';

interface Stored {
  readonly json: string;
  readonly expiresAt: number;
}

/** One endpoint's results, oldest first (a Map keeps insertion order). */
class ScopeStore {
  readonly entries = new Map<string, Stored>();
  bytes = 0;

  get(key: string, now: number): string | undefined {
    const stored = this.entries.get(key);
    if (!stored) return undefined;
    if (stored.expiresAt > now) return stored.json;
    this.delete(key);
    return undefined;
  }

  set(key: string, json: string, policy: CachePolicy): void {
    this.delete(key);
    if (policy.maxBytes !== undefined && json.length > policy.maxBytes) return;
    this.entries.set(key, { json, expiresAt: Date.now() + policy.ttlMs });
    this.bytes += json.length;
    this.evict(policy);
  }

  delete(key: string): void {
    const stored = this.entries.get(key);
    if (!stored) return;
    this.entries.delete(key);
    this.bytes -= stored.json.length;
  }

  private evict(policy: CachePolicy): void {
    const maxEntries = policy.maxEntries ?? Infinity;
    const maxBytes = policy.maxBytes ?? Infinity;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= maxEntries && this.bytes <= maxBytes) return;
      this.delete(key);
    }
  }
}

/**
 * The response cache of one gateway, in its memory: per endpoint, results until their
 * `ttlMs`, the oldest dropped past `maxEntries` or `maxBytes` (bytes of JSON text), and
 * one flight per key.
 *
 * @example
 * const cache = new MemoryResponseCache();
 * await cache.set({ scope: 'demo/app', key, json: '{"a":1}', policy: { ttlMs: 1000 } });
 */
export class MemoryResponseCache implements ResponseCache {
  private readonly scopes = new Map<string, ScopeStore>();
  private readonly flights = new Map<string, string>();

  get({ scope, key }: CacheSlot): Promise<string | undefined> {
    return Promise.resolve(this.scopes.get(scope)?.get(key, Date.now()));
  }

  set(entry: CacheSlot & { readonly json: string; readonly policy: CachePolicy }): Promise<void> {
    let store = this.scopes.get(entry.scope);
    if (!store) this.scopes.set(entry.scope, (store = new ScopeStore()));
    store.set(entry.key, entry.json, entry.policy);
    return Promise.resolve();
  }

  claim(entry: FlightEntry): Promise<FlightClaim> {
    const flight = `${entry.scope}\n${entry.key}`;
    const leader = this.flights.get(flight);
    if (leader !== undefined && leader !== entry.replacing)
      return Promise.resolve({ leader: false, leaderRequestId: leader });
    this.flights.set(flight, entry.requestId);
    return Promise.resolve({ leader: true });
  }

  release(entry: CacheSlot & { readonly requestId: string }): Promise<void> {
    const flight = `${entry.scope}\n${entry.key}`;
    if (this.flights.get(flight) === entry.requestId) this.flights.delete(flight);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.scopes.clear();
    this.flights.clear();
    return Promise.resolve();
  }
}
