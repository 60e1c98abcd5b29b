import { SluiceError } from '../errors/sluice-error.js';
import type { AppRoutes } from './app-routes.js';
import { unknownRunTarget } from './unknown-app.js';

/** A path outside the fixed routes is a run path (`/owner/name`, or `/name` alone): name the apps. */
function notFoundAt(routes: AppRoutes, path: string): SluiceError {
  const segments = path.split('/').filter(Boolean);
  if (segments.length === 0 || segments[0] === 'playground')
    return new SluiceError('not_found', 'Nothing is served at this path');
  return unknownRunTarget(routes, path);
}

const ATTACH_PATH = /^(?:\/[^/]+){1,2}\/requests\/[^/]+\/stream$/;
const PLAYGROUND_FILE = /^\/playground\/[^/]+$/;
/** Every fixed path the gateway answers with GET (and HEAD). */
const GET_PATHS: ReadonlySet<string> = new Set([
  '/health',
  '/ready',
  '/apps',
  '/openapi.json',
  '/metrics',
  '/',
  '/docs',
]);

/**
 * The methods a path does answer, for a `405` with `Allow`; empty when nothing is there.
 *
 * @example
 * allowedMethods(routes, '/demo/text'); // ['POST']
 */
export function allowedMethods(routes: AppRoutes, path: string): string[] {
  if (GET_PATHS.has(path) || ATTACH_PATH.test(path) || PLAYGROUND_FILE.test(path))
    return ['GET', 'HEAD'];
  if (routes.resolveRun(path)) return ['POST'];
  return [];
}

/**
 * The error for a request no route took: `method_not_allowed` (with the methods that path
 * does answer) or `not_found`.
 *
 * @example
 * throw noRouteError(routes, '/demo/text/requests/abc/stream'); // 405, allowed: GET, HEAD
 */
export function noRouteError(routes: AppRoutes, path: string): SluiceError & { allowed: string[] } {
  const allowed = allowedMethods(routes, path);
  const error =
    allowed.length === 0
      ? notFoundAt(routes, path)
      : new SluiceError('method_not_allowed', `Use ${allowed.join(' or ')} here`);
  return Object.assign(error, { allowed });
}
