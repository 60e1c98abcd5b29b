import type { App, ServedEndpoint } from '../app/define-app.js';

/** How a run is served: the JSON call or the SSE stream. */
export type RunView = 'sync' | 'stream';

/** A run route resolved to its app, endpoint and view. */
export interface ResolvedRunRoute {
  readonly app: App;
  readonly endpoint: ServedEndpoint;
  readonly view: RunView;
}

/** How many resolved paths {@link AppRoutes} remembers before it starts over. */
const RESOLVED_PATHS_KEPT = 1_024;

/**
 * Maps URL paths to apps: `/{owner}/{name}{endpoint}` and `…/stream`, and for a one-segment
 * app id `/{name}{endpoint}` and `…/stream`. Pure: no sockets.
 *
 * @example
 * const routes = new AppRoutes([textApp]);
 * routes.resolveRun('/demo/text/stream'); // { app, endpoint, view: 'stream' }
 */
export class AppRoutes {
  private apps = new Map<string, App>();
  private changes = 0;
  /** Paths resolved since the apps last changed: each request would split and join its path. */
  private readonly resolved = new Map<string, ResolvedRunRoute | undefined>();

  constructor(apps: readonly App[]) {
    this.replace(apps);
  }

  /** Serves these apps from now on (a Redis gateway's catalog changes as workers come and go). */
  replace(apps: readonly App[]): void {
    const byId = new Map<string, App>();
    for (const app of apps) {
      if (byId.has(app.id)) throw new TypeError(`Two apps share the id "${app.id}"`);
      byId.set(app.id, app);
    }
    this.apps = byId;
    this.changes++;
    this.resolved.clear();
  }

  /** Grows each time the apps change: what was derived from an older one is stale. */
  get generation(): number {
    return this.changes;
  }

  list(): readonly App[] {
    return [...this.apps.values()];
  }

  get(appId: string): App | undefined {
    return this.apps.get(appId);
  }

  /**
   * Resolves a POST path (without its query string); `undefined` when no endpoint is there.
   * An `owner/name` app is looked for first, then a one-segment app (`/flux`, `/flux/stream`):
   * where both could take a path, the `owner/name` app has it.
   */
  resolveRun(path: string): ResolvedRunRoute | undefined {
    if (this.resolved.has(path)) return this.resolved.get(path);
    const segments = path.split('/').slice(1);
    const route = this.resolveFor(segments, 2) ?? this.resolveFor(segments, 1);
    if (this.resolved.size >= RESOLVED_PATHS_KEPT) this.resolved.clear();
    this.resolved.set(path, route);
    return route;
  }

  /** Resolves `segments` as an app id of `idLength` segments, then its endpoint and view. */
  private resolveFor(segments: readonly string[], idLength: number): ResolvedRunRoute | undefined {
    if (segments.length < idLength) return undefined;
    const app = this.apps.get(segments.slice(0, idLength).join('/'));
    if (!app) return undefined;
    const rest = segments.slice(idLength);
    const view: RunView = rest.at(-1) === 'stream' ? 'stream' : 'sync';
    const endpointSegments = view === 'stream' ? rest.slice(0, -1) : rest;
    const endpointPath = endpointSegments.length > 0 ? `/${endpointSegments.join('/')}` : '';
    const endpoint = app.endpoints.get(endpointPath);
    return endpoint ? { app, endpoint, view } : undefined;
  }
}
