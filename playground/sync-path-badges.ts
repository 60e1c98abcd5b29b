import type { EndpointEntry } from './catalog.js';
import { element } from './dom.js';

function duration(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000} s` : `${milliseconds} ms`;
}

/**
 * Badges for what an endpoint's non-streaming path does (cached, batched), each with a
 * title that says what it means for a run started here: the playground streams, and the
 * stream view is neither cached nor batched. `undefined` for an endpoint that is neither.
 *
 * @example
 * element('div', {}, syncPathBadges(endpoint));
 */
export function syncPathBadges(endpoint: EndpointEntry): HTMLElement | undefined {
  const badges: HTMLElement[] = [];
  if (endpoint.cache) {
    const title = `JSON and queue calls are answered from a cache for ${duration(endpoint.cache.ttl_ms)} (header x-sluice-cache), and identical calls in flight share one run; send cache-control: no-cache to run afresh. Runs started here stream, and are never cached.`;
    badges.push(
      element(
        'span',
        { class: 'badge', 'data-testid': 'badge-cache', title },
        `cached ${duration(endpoint.cache.ttl_ms)}`,
      ),
    );
  }
  if (endpoint.batch) {
    const { max_size, max_wait_ms } = endpoint.batch;
    const title = `JSON, queue and realtime calls run in batches of up to ${max_size}, each waiting at most ${max_wait_ms} ms for others. Runs started here stream, and run alone.`;
    badges.push(
      element(
        'span',
        { class: 'badge', 'data-testid': 'badge-batch', title },
        `batched ≤ ${max_size}`,
      ),
    );
  }
  if (badges.length === 0) return undefined;
  return element('p', { class: 'badges', 'data-testid': 'sync-path-badges' }, ...badges);
}
