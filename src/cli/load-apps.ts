import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkApps } from '../app/check-app.js';
import { isApp, type App } from '../app/define-app.js';
import { recordAppSource } from '../runtime/app-sources.js';
import { importUserModule } from '../runtime/replica/import-user-module.js';

async function importNamingFile(file: string, moduleUrl: string): Promise<object> {
  try {
    return await importUserModule(moduleUrl);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${file}: ${message}`, { cause: error });
  }
}

/**
 * Imports app files (TypeScript loads through tsx) and collects every app they export,
 * default or named. Each app's file is remembered, so replica processes can load it again.
 * Each file's apps are checked as they load (zod schemas, unique ids and endpoints); a
 * problem fails the load with a message that names the file.
 *
 * @example
 * const apps = await loadApps(['examples/text.ts']);
 */
export async function loadApps(files: readonly string[]): Promise<App[]> {
  const apps: App[] = [];
  const loaded = new Map<string, string>();
  for (const file of files) {
    const moduleUrl = pathToFileURL(resolve(file)).href;
    const exports = await importNamingFile(file, moduleUrl);
    const found = [...new Set(Object.values(exports))].filter(isApp);
    if (found.length === 0) throw new Error(`${file} exports no app made with defineApp`);
    checkApps(file, found, loaded);
    for (const app of found) {
      loaded.set(app.id.toLowerCase(), file);
      recordAppSource(app, moduleUrl);
    }
    apps.push(...found);
  }
  return apps;
}
