/** File names that need a TypeScript loader. */
const TYPESCRIPT_FILE = /\.(?:[cm]?ts|tsx)(?:[?#].*)?$/;
/** sluice itself runs from its TypeScript sources, so a TypeScript loader is already on. */
const RUNNING_FROM_SOURCE = TYPESCRIPT_FILE.test(import.meta.url);

let registered: Promise<void> | undefined;

/**
 * Registers tsx's ESM hooks once. Only here, on the first TypeScript file a user gives:
 * the hooks run on a thread of their own that every later import waits on, so sluice's own
 * (built) modules and a JavaScript app load without them.
 */
function registerTypeScriptLoader(): Promise<void> {
  registered ??= import('tsx/esm/api').then(({ register }) => void register());
  return registered;
}

/**
 * Imports a user's module (an app file, a distributed worker's file): TypeScript files
 * load through tsx, JavaScript files as they are.
 *
 * @example
 * const exports = await importUserModule(pathToFileURL('apps/countdown.ts').href);
 */
export async function importUserModule(moduleUrl: string): Promise<Record<string, unknown>> {
  if (TYPESCRIPT_FILE.test(moduleUrl) && !RUNNING_FROM_SOURCE) await registerTypeScriptLoader();
  return (await import(moduleUrl)) as Record<string, unknown>;
}
