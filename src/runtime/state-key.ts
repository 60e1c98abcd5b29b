import type { ServedEndpoint } from '../app/define-app.js';

/**
 * The state key a request needs, from its endpoint's `stateKey` (`undefined` without one).
 *
 * @example
 * stateKeyOf({ endpoint, input }); // 'adapter-a'
 */
export function stateKeyOf(job: {
  readonly endpoint: ServedEndpoint;
  readonly input: unknown;
}): string | undefined {
  const { stateKey } = job.endpoint;
  return stateKey ? String(stateKey(job.input)) : undefined;
}
