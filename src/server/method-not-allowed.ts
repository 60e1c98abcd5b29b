import type { AppRoutes } from './app-routes.js';

const ATTACH_PATH = /^\/[^/]+\/[^/]+\/requests\/[^/]+\/stream$/;
const DISCOVERY_PATHS: ReadonlySet<string> = new Set([
  '/health',
  '/ready',
  '/apps',
  '/openapi.json',
]);

/**
 * The methods a path does answer, for a `405` with `Allow`; empty when nothing is there.
 *
 * @example
 * allowedMethods(routes, '/demo/text'); // ['POST']
 */
export function allowedMethods(routes: AppRoutes, path: string): string[] {
  if (DISCOVERY_PATHS.has(path) || ATTACH_PATH.test(path)) return ['GET', 'HEAD'];
  if (routes.resolveRun(path)) return ['POST'];
  return [];
}
