import type { App } from '../app/define-app.js';
import { InlineRuntime, type Runtime } from './inline-runtime.js';

/**
 * The runtime for a set of apps, from their placement (`isolation`, `replicas`,
 * `worldSize`). Today every app runs inline.
 *
 * @example
 * const runtime = createRuntime([textApp]);
 */
export function createRuntime(apps: readonly App[]): Runtime {
  return new InlineRuntime(apps);
}
