/** What the page's URL says: the endpoint shown and the request being followed. */
export interface UrlState {
  readonly app: string | undefined;
  readonly path: string;
  readonly request: string | undefined;
}

/**
 * Reads `?app=demo/text&path=/sub&request=<id>` from the page's URL.
 *
 * @example
 * const { app, request } = readUrlState();
 */
export function readUrlState(): UrlState {
  const params = new URL(location.href).searchParams;
  return {
    app: params.get('app') ?? undefined,
    path: params.get('path') ?? '',
    request: params.get('request') ?? undefined,
  };
}

/**
 * Writes the state into the URL without reloading, so a reload (or a shared link)
 * re-attaches to the same request.
 *
 * @example
 * writeUrlState({ app: 'demo/text', path: '', request: requestId });
 */
export function writeUrlState(state: UrlState): void {
  const url = new URL(location.href);
  url.search = '';
  if (state.app !== undefined) url.searchParams.set('app', state.app);
  if (state.path !== '') url.searchParams.set('path', state.path);
  if (state.request !== undefined) url.searchParams.set('request', state.request);
  history.replaceState(null, '', url);
}
