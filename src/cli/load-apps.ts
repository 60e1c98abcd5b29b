import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isApp, type App } from '../app/define-app.js';

/**
 * Imports app files (TypeScript loads through tsx) and collects every app they export,
 * default or named.
 *
 * @example
 * const apps = await loadApps(['examples/text.ts']);
 */
export async function loadApps(files: readonly string[]): Promise<App[]> {
  const apps: App[] = [];
  for (const file of files) {
    const exports = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
    const found = [...new Set(Object.values(exports))].filter(isApp);
    if (found.length === 0) throw new Error(`${file} exports no app made with defineApp`);
    apps.push(...found);
  }
  return apps;
}
