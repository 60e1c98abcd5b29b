import { SluiceError } from '../../errors/sluice-error.js';
import type { AppRoutes } from '../app-routes.js';

const QUEUE_REQUEST =
  /^\/queue(?:\/[^/]+){1,2}\/requests\/[^/]+(\/status|\/status\/stream|\/cancel)?$/;
const QUEUE_PREFIX = '/queue';

/**
 * The methods a queue path answers (for a `405` with `Allow`); empty when it is not one.
 *
 * @example
 * queueAllowedMethods(routes, '/queue/demo/text/requests/abc/cancel'); // ['PUT']
 */
export function queueAllowedMethods(routes: AppRoutes, path: string): string[] {
  const match = QUEUE_REQUEST.exec(path);
  if (match) return match[1] === '/cancel' ? ['PUT'] : ['GET', 'HEAD'];
  if (!path.startsWith(`${QUEUE_PREFIX}/`)) return [];
  const route = routes.resolveRun(path.slice(QUEUE_PREFIX.length));
  return route?.view === 'sync' ? ['POST'] : [];
}

/**
 * The error for a queue path with the wrong method: `method_not_allowed` with the methods
 * it answers, or `undefined` when the path is not a queue path.
 *
 * @example
 * const error = queueMethodError(routes, '/queue/demo/text'); // 405, allowed: POST
 */
export function queueMethodError(
  routes: AppRoutes,
  path: string,
): (SluiceError & { allowed: string[] }) | undefined {
  const allowed = queueAllowedMethods(routes, path);
  if (allowed.length === 0) return undefined;
  const error = new SluiceError('method_not_allowed', `Use ${allowed.join(' or ')} here`);
  return Object.assign(error, { allowed });
}
