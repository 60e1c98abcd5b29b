import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as ReplicaEnvironment from '../src/runtime/replica/replica-environment.js';
import type * as SpawnRank from '../src/runtime/replica/spawn-rank.js';
import type { StartupFixtures } from './startup-fixtures.js';
import { bounded, cpuMsOf, exited } from './startup-processes.js';
import type { StartCandidate, StartSample } from './startup-rows.js';

const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 10_000;
const TSX_ESM = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
/** The bench's own no-op app, importing sluice's sources through `../src/index.js`. */
const SOURCE_APP = new URL('./replicas-apps.ts', import.meta.url).href;

interface ReplicaModules {
  readonly spawnRank: typeof SpawnRank.spawnRank;
  readonly readRankLink: typeof SpawnRank.readRankLink;
  readonly rankEnvironment: typeof ReplicaEnvironment.rankEnvironment;
}

async function replicaModules(root: URL): Promise<ReplicaModules> {
  const [spawning, environment] = await Promise.all([
    import(new URL('runtime/replica/spawn-rank.js', root).href) as Promise<typeof SpawnRank>,
    import(new URL('runtime/replica/replica-environment.js', root).href) as Promise<
      typeof ReplicaEnvironment
    >,
  ]);
  const { spawnRank, readRankLink } = spawning;
  return { spawnRank, readRankLink, rankEnvironment: environment.rankEnvironment };
}

type MessageReader = (child: ChildProcess, listener: (message: unknown) => void) => void;

/** A bare fork's hello comes over IPC. */
const ipcMessages: MessageReader = (child, listener) => child.once('message', listener);

function firstMessage(child: ChildProcess, read: MessageReader): Promise<unknown> {
  return new Promise((resolve, reject) => {
    read(child, resolve);
    child.once('exit', (code) => reject(new Error(`the process exited (${code}) before ready`)));
  });
}

/** Forks, waits for the first message (the hello, or the replica's `ready`), disconnects. */
async function forkToReady(start: () => ChildProcess, read: MessageReader): Promise<StartSample> {
  const started = performance.now();
  const child = start();
  const message = await bounded(firstMessage(child, read), child, READY_TIMEOUT_MS);
  const ms = performance.now() - started;
  const cpuMs = cpuMsOf(child.pid!);
  child.disconnect();
  await exited(child, EXIT_TIMEOUT_MS);
  const kind = (message as { kind?: unknown }).kind;
  if (message !== 'ready' && kind !== 'ready')
    throw new Error(`not ready: ${JSON.stringify(message)}`);
  return { ms, cpuMs };
}

function helloFork(label: string, script: string, execArgv: string[]): StartCandidate {
  return {
    label,
    measure: () =>
      forkToReady(() => fork(script, [], { execArgv, serialization: 'advanced' }), ipcMessages),
  };
}

/** The target for a replica's cold start. */
const REPLICA_TARGET_MS = 400;

function replicaOf(label: string, modules: ReplicaModules, moduleUrl: string): StartCandidate {
  const environment = modules.rankEnvironment({
    target: { kind: 'app', moduleUrl, appId: 'bench/bare' },
    rank: 0,
    worldSize: 1,
    device: '',
    collectiveTimeoutMs: undefined,
  });
  return {
    label,
    targetMs: REPLICA_TARGET_MS,
    // A replica's messages come on its own pipe.
    measure: () =>
      forkToReady(
        () => modules.spawnRank({ environment, nodeOptions: [] }),
        (child, listener) =>
          void modules.readRankLink(
            child,
            ([first]) => listener(first),
            () => child.kill(),
          ),
      ),
  };
}

/**
 * The replica cold-start candidates (fork to `ready`, an app without setup): two bare
 * forks as baselines (no loader; tsx's ESM hooks, which any TypeScript app needs), then
 * replicas of sluice from its sources (a checkout) and built (an installed package).
 *
 * @example
 * const rows = await measureRounds(await replicaCandidates(fixtures), 5);
 */
export async function replicaCandidates(fixtures: StartupFixtures): Promise<StartCandidate[]> {
  const source = await replicaModules(new URL('../src/', import.meta.url));
  const built = await replicaModules(fixtures.dist);
  const { apps } = fixtures;
  const hello = fileURLToPath(fixtures.hello);
  return [
    helloFork('baseline: bare fork, IPC hello', hello, []),
    helloFork('baseline: bare fork + tsx ESM hooks, IPC hello', hello, ['--import', TSX_ESM]),
    replicaOf(
      'replica, sluice from source (checkout), app imports src/index.ts',
      source,
      SOURCE_APP,
    ),
    replicaOf('replica, built sluice, .ts app imports `sluice`', built, apps.typescript.href),
    replicaOf('replica, built sluice, .js app imports `sluice`', built, apps.javascript.href),
    replicaOf(
      'replica, built sluice, .ts app imports dist/app/define-app.js',
      built,
      apps.authoringOnly.href,
    ),
  ];
}
