import type { RequestMiddleware } from '@fal-ai/client';

/**
 * The README's recipe: a `requestMiddleware` that sends fal's hosts to a sluice server, the
 * queue host under `/queue`. The only change the fal client gets in the compatibility tests.
 *
 * @example
 * const fal = createFalClient({ credentials: key, requestMiddleware: toSluice(gateway.url) });
 */
export function toSluice(baseUrl: string): RequestMiddleware {
  return (request) =>
    Promise.resolve({
      ...request,
      url: request.url
        .replace(/^https:\/\/queue\.fal\.run(?=\/)/, `${baseUrl}/queue`)
        .replace(/^https:\/\/fal\.run(?=\/)/, baseUrl),
    });
}
