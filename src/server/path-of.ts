/**
 * A request URL without its query string.
 *
 * @example
 * pathOf('/demo/text/requests/abc/stream?last_event_id=3'); // '/demo/text/requests/abc/stream'
 */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
