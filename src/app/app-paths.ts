const ID_SEGMENT = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const PATH_SEGMENT = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/** Route words that an app owner or an endpoint sub-path cannot take. */
export const RESERVED_OWNERS: ReadonlySet<string> = new Set([
  'apps',
  'docs',
  'health',
  'metrics',
  'openapi.json',
  'queue',
  'ready',
]);
export const RESERVED_SEGMENTS: ReadonlySet<string> = new Set([
  'cancel',
  'realtime',
  'requests',
  'status',
  'stream',
]);

/**
 * Throws unless `id` is `owner/name` with safe segments and an owner no route uses.
 *
 * @example
 * checkAppId('demo/text');
 */
export function checkAppId(id: string): void {
  const [owner, name, ...rest] = id.split('/');
  const valid =
    owner && name && rest.length === 0 && ID_SEGMENT.test(owner) && ID_SEGMENT.test(name);
  if (!valid) throw new TypeError(`App id "${id}" must be owner/name (letters, digits, . _ -)`);
  if (RESERVED_OWNERS.has(owner.toLowerCase())) {
    throw new TypeError(`App id "${id}" uses the reserved owner "${owner}"`);
  }
}

/**
 * Throws unless `path` is `/segment[/segment…]` and no segment is a route word.
 *
 * @example
 * checkEndpointPath('/img2img');
 */
export function checkEndpointPath(path: string): void {
  const segments = path.split('/').slice(1);
  const valid = path.startsWith('/') && segments.every((segment) => PATH_SEGMENT.test(segment));
  if (!valid)
    throw new TypeError(`Endpoint path "${path}" must be /segment (letters, digits, _ -)`);
  const reserved = segments.find((segment) => RESERVED_SEGMENTS.has(segment.toLowerCase()));
  if (reserved) throw new TypeError(`Endpoint path "${path}" uses the reserved word "${reserved}"`);
}
