const ID_SEGMENT = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const PATH_SEGMENT = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/**
 * The gateway's own top-level paths: no app owner, and no one-segment app id, may take
 * them, since `/{owner}/…` and `/{id}` are where apps are served.
 */
export const RESERVED_OWNERS: ReadonlySet<string> = new Set([
  'apps',
  'docs',
  'health',
  'metrics',
  'openapi.json',
  'playground',
  'queue',
  'ready',
  'requests',
  'tokens',
  'v1',
]);
export const RESERVED_SEGMENTS: ReadonlySet<string> = new Set([
  'cancel',
  'realtime',
  'requests',
  'status',
  'stream',
]);

/**
 * Throws unless `id` is `owner/name`, or a single `name` (served at `POST /{name}`, as sheaf
 * serves its deployments), with safe segments and no reserved word where a route begins.
 *
 * @example
 * checkAppId('demo/text');
 * checkAppId('flux');
 */
export function checkAppId(id: string): void {
  const segments = id.split('/');
  const [first = ''] = segments;
  const valid = segments.length <= 2 && segments.every((segment) => ID_SEGMENT.test(segment));
  if (!valid)
    throw new TypeError(`App id "${id}" must be owner/name or name (letters, digits, . _ -)`);
  if (!RESERVED_OWNERS.has(first.toLowerCase())) return;
  if (segments.length === 2)
    throw new TypeError(`App id "${id}" uses the reserved owner "${first}"`);
  throw new TypeError(
    `App id "${id}" is reserved: the gateway serves /${first.toLowerCase()} itself. Choose another name`,
  );
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
