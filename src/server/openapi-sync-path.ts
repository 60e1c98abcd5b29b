import type { EndpointEntry } from './app-catalog.js';

type Operation = Record<string, unknown>;

/** `x-sluice-cache` on a cached endpoint's answers: how its cache answered. */
const CACHE_HEADER = {
  description:
    'How the response cache answered: hit (a stored result), miss (ran and stored), coalesced (shared a run already in flight) or bypass (cache-control: no-cache)',
  schema: { type: 'string', enum: ['hit', 'miss', 'coalesced', 'bypass'] },
};

/** `cache-control: no-cache` from the client: run afresh. */
const CACHE_CONTROL_PARAMETER = {
  name: 'cache-control',
  in: 'header',
  required: false,
  description:
    'no-cache (or no-store) skips the response cache and the request coalescing: the request runs afresh and its result replaces the stored one',
  schema: { type: 'string' },
};

function seconds(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000} s` : `${milliseconds} ms`;
}

/**
 * What a cached or batched endpoint does, in words, for an operation's description: empty
 * for an endpoint that is neither.
 *
 * @example
 * syncPathNote(entry); // 'Cached: results are kept for 30 s …'
 */
export function syncPathNote(endpoint: EndpointEntry, view: 'call' | 'stream'): string {
  const notes: string[] = [];
  const { cache, batch } = endpoint;
  if (cache && view === 'stream') notes.push('Never served from the response cache.');
  else if (cache)
    notes.push(
      `Cached: a result is kept for ${seconds(cache.ttl_ms)} and answers an identical input at once (x-sluice-cache: hit); identical requests still running share one run (coalesced). Send cache-control: no-cache to run afresh.`,
    );
  if (batch && view === 'stream') notes.push('Runs alone, never in a batch.');
  else if (batch)
    notes.push(
      `Batched: runs with other requests, up to ${batch.max_size} per batch, after waiting at most ${batch.max_wait_ms} ms for them to arrive.`,
    );
  return notes.join(' ');
}

/** The endpoint's description with the note after it, or `undefined` when both are empty. */
export function describedWithNote(
  endpoint: EndpointEntry,
  view: 'call' | 'stream',
): string | undefined {
  const text = [endpoint.description, syncPathNote(endpoint, view)].filter(Boolean).join('\n\n');
  return text || undefined;
}

/**
 * The `x-sluice-cache` and `x-sluice-batch` extensions of a cached or batched endpoint's
 * operations: its cache and batch declarations, machine-readable.
 *
 * @example
 * syncPathExtensions(entry); // { 'x-sluice-cache': { ttlMs: 30000 } }
 */
export function syncPathExtensions(endpoint: EndpointEntry): Operation {
  const { cache, batch } = endpoint;
  return {
    ...(cache
      ? {
          'x-sluice-cache': {
            ttlMs: cache.ttl_ms,
            ...(cache.max_entries === undefined ? {} : { maxEntries: cache.max_entries }),
            ...(cache.max_bytes === undefined ? {} : { maxBytes: cache.max_bytes }),
          },
        }
      : {}),
    ...(batch
      ? { 'x-sluice-batch': { maxSize: batch.max_size, maxWaitMs: batch.max_wait_ms } }
      : {}),
  };
}

/** The `cache-control` request header, on a cached endpoint's JSON and queue views. */
export function cacheParameters(endpoint: EndpointEntry): readonly Operation[] {
  return endpoint.cache ? [CACHE_CONTROL_PARAMETER] : [];
}

/** The `x-sluice-cache` response header, on a cached endpoint's answers. */
export function cacheHeaders(endpoint: EndpointEntry): Operation {
  return endpoint.cache ? { headers: { 'x-sluice-cache': CACHE_HEADER } } : {};
}
