import type { App } from '../app/define-app.js';

const sources = new WeakMap<App, string>();

/**
 * Remembers the module an app was loaded from, so a replica process can import it again.
 * `loadApps` records every app it loads.
 *
 * @example
 * recordAppSource(app, pathToFileURL('examples/text.ts').href);
 */
export function recordAppSource(app: App, moduleUrl: string): void {
  sources.set(app, moduleUrl);
}

/**
 * The module URL an app was loaded from, if known.
 *
 * @example
 * const moduleUrl = appSourceOf(app); // 'file:///srv/apps/text.ts'
 */
export function appSourceOf(app: App): string | undefined {
  return sources.get(app);
}
