import { closestMatch } from '../app/closest-match.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { AppRoutes } from './app-routes.js';

/** Apps listed by name in a 404 at most; a server with more says how many. */
const MOST_LISTED = 20;

function listed(ids: readonly string[]): string {
  if (ids.length === 0) return 'No app is served here yet';
  const shown = ids.slice(0, MOST_LISTED).join(', ');
  const more = ids.length > MOST_LISTED ? ` and ${ids.length - MOST_LISTED} more (GET /apps)` : '';
  return `Apps served here: ${shown}${more}`;
}

/**
 * The `not_found` of a run path that names no served app or endpoint: it lists what is
 * served and the closest id, so a typo is one glance away. The path itself is not echoed.
 *
 * @example
 * unknownRunTarget(routes, '/demo/txt').message;
 * // 'No app is served at this path. Apps served here: demo/text. Did you mean demo/text?'
 */
export function unknownRunTarget(routes: AppRoutes, path: string): SluiceError {
  const [, owner = '', name = ''] = path.split('/');
  const app = routes.get(`${owner}/${name}`) ?? routes.get(owner);
  if (app) {
    const paths = [...app.endpoints.keys()].map((endpoint) => endpoint || '(default)');
    return new SluiceError(
      'not_found',
      `The app has no endpoint at this path. Its endpoints: ${paths.join(', ')}`,
    );
  }
  const ids = routes.list().map((served) => served.id);
  const closest = closestMatch(name ? `${owner}/${name}` : owner, ids);
  const hint = closest === undefined ? '' : `. Did you mean ${closest}?`;
  return new SluiceError('not_found', `No app is served at this path. ${listed(ids)}${hint}`);
}
