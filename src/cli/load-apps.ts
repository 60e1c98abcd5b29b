import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isApp, type App } from '../app/define-app.js';
import { recordAppSource } from '../runtime/app-sources.js';
import { importUserModule } from '../runtime/replica/import-user-module.js';

/**
 * Imports app files (TypeScript loads through tsx) and collects every app they export,
 * default or named. Each app's file is remembered, so replica processes can load it again.
 *
 * @example
 * const apps = await loadApps(['examples/text.ts']);
 */
export async function loadApps(files: readonly string[]): Promise<App[]> {
  const apps: App[] = [];
  for (const file of files) {
    const moduleUrl = pathToFileURL(resolve(file)).href;
    const exports = await importUserModule(moduleUrl);
    const found = [...new Set(Object.values(exports))].filter(isApp);
    if (found.length === 0) throw new Error(`${file} exports no app made with defineApp`);
    for (const app of found) recordAppSource(app, moduleUrl);
    apps.push(...found);
  }
  return apps;
}
