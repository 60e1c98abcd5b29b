import { spawn } from 'node:child_process';
import { REPOSITORY_ROOT, type StartupFixtures } from './startup-fixtures.js';
import { exited } from './startup-processes.js';
import type { StartCandidate, StartSample } from './startup-rows.js';

const CHILD_TIMEOUT_MS = 30_000;
/** The packages `sluice` (the authoring entry) must not load. */
export const SERVER_PACKAGES = ['fastify', 'bullmq', 'ioredis', 'esbuild', 'prom-client', 'sharp'];

/** Times one dynamic import in a fresh process; prints `{importMs, cpuMs}`. */
const TIME_IMPORT = `
const started = performance.now();
await import(process.argv[1]);
const importMs = performance.now() - started;
const { user, system } = process.cpuUsage();
process.stdout.write(JSON.stringify({ importMs, cpuMs: (user + system) / 1000 }));
`;

/** Collects the modules the hooks thread sees load, and answers with them when asked. */
const LIST_HOOKS = `
const seen = [];
export function initialize(port) { port.on('message', () => port.postMessage(seen)); }
export async function load(url, context, next) { seen.push(url); return next(url, context); }
`;

/** Imports once with {@link LIST_HOOKS} on; prints every ES module and CommonJS file loaded. */
const LIST_MODULES = `
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(LIST_HOOKS)}), {
  data: port2, transferList: [port2],
});
await import(process.argv[1]);
const modules = await new Promise((resolve) => {
  port1.once('message', resolve);
  port1.postMessage('list');
});
port1.close();
const required = Object.keys(createRequire(process.cwd() + '/').cache);
process.stdout.write(JSON.stringify([...modules, ...required]));
`;

async function runProbe(source: string, specifier: string): Promise<string> {
  const args = ['--input-type=module', '-e', source, specifier];
  const child = spawn(process.execPath, args, {
    cwd: REPOSITORY_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  await exited(child, CHILD_TIMEOUT_MS);
  if (child.exitCode !== 0) throw new Error(`importing ${specifier} failed (${child.exitCode})`);
  return output;
}

function importOf(label: string, specifier: string, targetMs?: number): StartCandidate {
  return {
    label,
    targetMs,
    measure: async (): Promise<StartSample> => {
      const { importMs, cpuMs } = JSON.parse(await runProbe(TIME_IMPORT, specifier)) as {
        importMs: number;
        cpuMs: number;
      };
      return { ms: importMs, cpuMs };
    },
  };
}

/** What importing `sluice`'s built entry loads, counted once, untimed. */
export interface LoadedModules {
  readonly count: number;
  readonly serverPackages: readonly string[];
}

/**
 * Counts the modules one import loads, and which {@link SERVER_PACKAGES} are among them.
 *
 * @example
 * (await modulesLoadedBy('zod')).count; // 95
 */
export async function modulesLoadedBy(specifier: string): Promise<LoadedModules> {
  const files = JSON.parse(await runProbe(LIST_MODULES, specifier)) as string[];
  const loaded = SERVER_PACKAGES.filter((name) =>
    files.some((file) => file.includes(`/node_modules/${name}/`)),
  );
  return { count: new Set(files).size, serverPackages: loaded };
}

/**
 * The built `sluice` entry: what `import … from 'sluice'` loads once installed.
 *
 * @example
 * await modulesLoadedBy(sluiceEntry(fixtures));
 */
export function sluiceEntry(fixtures: StartupFixtures): string {
  return new URL('index.js', fixtures.dist).href;
}

/**
 * The import-time candidates: a bare `import 'zod'` (the baseline: every app imports it)
 * and `import('sluice')`'s built entry, each in a fresh process. No server is involved, so
 * nothing is pinned.
 *
 * @example
 * const rows = await measureRounds(importCandidates(fixtures), 7);
 */
export function importCandidates(fixtures: StartupFixtures): StartCandidate[] {
  return [
    importOf("baseline: import('zod')", 'zod'),
    importOf("import('sluice') (built dist/index.js)", sluiceEntry(fixtures), 150),
  ];
}
