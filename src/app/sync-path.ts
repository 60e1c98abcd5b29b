import type { EndpointDefinition } from './app-types.js';
import type { ServedSyncPath } from './sync-path-types.js';

/**
 * An endpoint's sync-path declarations, checked: a misdeclared one fails `defineApp`.
 *
 * @example
 * const served = servedSyncPath(definition); // { prepare }
 */
export function servedSyncPath(definition: EndpointDefinition): ServedSyncPath {
  const served: { -readonly [Key in keyof ServedSyncPath]: ServedSyncPath[Key] } = {};
  if (definition.prepare !== undefined) {
    if (typeof definition.prepare !== 'function') throw new TypeError('prepare must be a function');
    served.prepare = definition.prepare;
  }
  return served;
}
