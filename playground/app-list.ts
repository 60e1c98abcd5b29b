import type { AppEntry } from './catalog.js';
import { element } from './dom.js';

function endpointHref(appId: string, path: string): string {
  const params = new URLSearchParams({ app: appId });
  if (path !== '') params.set('path', path);
  return `/?${params.toString()}`;
}

/**
 * The navigation: each app with its state and its endpoints as links.
 *
 * @example
 * nav.append(renderAppList(apps, { appId: 'demo/text', path: '' }));
 */
export function renderAppList(
  apps: readonly AppEntry[],
  selected: { readonly appId: string; readonly path: string },
): HTMLElement {
  const items = apps.map((app) =>
    element(
      'li',
      { class: 'app' },
      element('span', { class: 'app-id' }, app.id),
      element('span', { class: `app-state state-${app.status.state}` }, app.status.state),
      app.description ? element('p', { class: 'app-description' }, app.description) : null,
      element(
        'ul',
        { class: 'endpoints' },
        ...app.endpoints.map((endpoint) => {
          const current = app.id === selected.appId && endpoint.path === selected.path;
          return element(
            'li',
            {},
            element(
              'a',
              {
                href: endpointHref(app.id, endpoint.path),
                'aria-current': current ? 'page' : undefined,
              },
              endpoint.path === '' ? 'run' : endpoint.path,
            ),
          );
        }),
      ),
    ),
  );
  return element('ul', { class: 'apps', 'data-testid': 'apps' }, ...items);
}
