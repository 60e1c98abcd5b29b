import type { App } from './define-app.js';

/** Whether a value is a zod schema (of any copy of zod 4). */
function isZodSchema(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    '_zod' in value &&
    typeof (value as { safeParseAsync?: unknown }).safeParseAsync === 'function'
  );
}

function endpointName(app: App, path: string): string {
  return path === '' ? `${app.id} (default endpoint)` : `${app.id}${path}`;
}

/** Problems of one app: schemas that are not zod, endpoints that differ only in case. */
function problemsOf(app: App): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const endpoint of app.endpoints.values()) {
    const name = endpointName(app, endpoint.path);
    if (!isZodSchema(endpoint.input))
      problems.push(`${name}: input must be a zod schema such as z.object({ … })`);
    if (endpoint.output !== undefined && !isZodSchema(endpoint.output))
      problems.push(`${name}: output must be a zod schema, or left out`);
    if (typeof endpoint.run !== 'function') problems.push(`${name}: run must be a function`);
    const key = endpoint.path.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined)
      problems.push(`${name}: its path differs only in case from ${endpointName(app, other)}`);
    seen.set(key, endpoint.path);
  }
  return problems;
}

/**
 * Checks the apps one file exports, against each other and against apps already loaded:
 * input and output are zod schemas, `run` is a function, endpoints are unique, and no app
 * id is served twice. Throws one error listing every problem, naming the file.
 *
 * @example
 * checkApps('examples/text.ts', [textApp], new Map());
 */
export function checkApps(
  file: string,
  apps: readonly App[],
  loaded: ReadonlyMap<string, string>,
): void {
  const problems = apps.flatMap(problemsOf);
  const ids = new Map(loaded);
  for (const app of apps) {
    const earlier = ids.get(app.id.toLowerCase());
    if (earlier !== undefined)
      problems.push(
        `${app.id}: this app id is already served${earlier === file ? '' : ` (by ${earlier})`}`,
      );
    ids.set(app.id.toLowerCase(), file);
  }
  if (problems.length > 0) throw new TypeError(`${file}: ${problems.join('; ')}`);
}
