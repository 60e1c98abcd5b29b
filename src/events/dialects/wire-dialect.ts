/**
 * The renderings of an event stream: `sluice` (`id`, `event` and the payload as `data`),
 * `data` (fal's frames: the payload as `data` and nothing else) and `typed` (sheaf's frames:
 * `data: {"type": kind, …}`). Each renders the same cursor over the same event log.
 *
 * @example
 * WIRE_DIALECTS.includes('typed'); // true
 */
export const WIRE_DIALECTS = ['sluice', 'data', 'typed'] as const;

/** One of {@link WIRE_DIALECTS}. */
export type WireDialect = (typeof WIRE_DIALECTS)[number];

/** The dialect of an endpoint that names none. */
export const DEFAULT_WIRE_DIALECT: WireDialect = 'sluice';

const KNOWN: ReadonlySet<string> = new Set(WIRE_DIALECTS);

/**
 * Whether a value names a wire dialect.
 *
 * @example
 * isWireDialect('data'); // true
 */
export function isWireDialect(value: unknown): value is WireDialect {
  return typeof value === 'string' && KNOWN.has(value);
}
