import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pause } from './clock.js';
import type { ServerHandle } from './server-process.js';
import {
  clockOffsetOf,
  benchNodeFlags,
  questioner,
  statsOf,
  stopChild,
  trackChild,
} from './server-children.js';
import { sluiceModule } from './sluice-source.js';

/** Where the Redis deployment under test keeps its keys. */
export interface RedisLocation {
  readonly url: string;
  readonly prefix: string;
}

/** The Redis-mode server: the gateway's streams, the worker's clock, and both pids. */
export interface RedisModeHandle extends ServerHandle {
  readonly processIds: { readonly gateway: number; readonly worker: number };
}

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHIM = new URL('./redis-ipc-shim.ts', import.meta.url).href;
const START_TIMEOUT_MS = 30_000;
const CATALOG_POLL_MS = 50;

interface CliProcess {
  readonly child: ChildProcess;
  /** What `ready` matched in the process's output. */
  readonly match: RegExpExecArray;
}

/** Forks `sluice <args>` with the IPC shim; resolves once its output matches `ready`. */
function forkCli(args: readonly string[], ready: RegExp): Promise<CliProcess> {
  // Resolved at each start, not at import: the bench sets SLUICE_BENCH_BUILT after its imports.
  const child = fork(sluiceModule('cli/main'), [...args, '--log-level', 'error'], {
    execArgv: ['--import', 'tsx', '--import', SHIM, '--expose-gc', ...benchNodeFlags()],
    cwd: REPOSITORY_ROOT,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  trackChild(child);
  let output = '';
  return new Promise<CliProcess>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stopChild(child);
      reject(new Error(`sluice ${args[0]} ${why}:\n${output}`));
    };
    const timer = setTimeout(() => fail('did not start in time'), START_TIMEOUT_MS);
    const onExit = (code: number | null) => fail(`exited with ${code}`);
    child.once('exit', onExit);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.removeAllListeners('data').pipe(process.stderr); // its error logs
      resolve({ child, match });
    });
  });
}

async function waitForApp(baseUrl: string, appId: string): Promise<void> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const body = await (await fetch(`${baseUrl}/apps`)).text();
    if (body.includes(`"${appId}"`)) return;
    await pause(CATALOG_POLL_MS);
  }
  throw new Error(`the gateway at ${baseUrl} never listed ${appId}`);
}

/**
 * Starts Redis mode as deployed: `sluice worker bench/firehose-app.ts --redis` and
 * `sluice serve --redis` (no apps of its own), two processes, and resolves once the
 * gateway lists the firehose app. Streams go to the gateway; the clock offset is the
 * worker's (where events are stamped); memory and sockets are the gateway's.
 *
 * @example
 * const server = await startRedisMode({ url: redis.url, prefix: 'bench:' });
 * try { await measureLatency({ server, agent }, workload); } finally { await server.stop(); }
 */
export async function startRedisMode(redis: RedisLocation): Promise<RedisModeHandle> {
  const location = ['--redis', redis.url, '--prefix', redis.prefix];
  const worker = await forkCli(['worker', 'bench/firehose-app.ts', ...location], /is running/);
  let gateway: CliProcess | undefined;
  try {
    gateway = await forkCli(['serve', ...location, '--port', '0'], /at (http:\/\/[\d.:]+)/);
    const baseUrl = gateway.match[1]!;
    await waitForApp(baseUrl, 'bench/firehose');
    return redisModeHandle(baseUrl, { gateway: gateway.child, worker: worker.child });
  } catch (error) {
    if (gateway !== undefined) await stopChild(gateway.child);
    await stopChild(worker.child);
    throw error;
  }
}

function redisModeHandle(
  baseUrl: string,
  processes: { readonly gateway: ChildProcess; readonly worker: ChildProcess },
): RedisModeHandle {
  const askGateway = questioner(processes.gateway);
  const askWorker = questioner(processes.worker);
  return {
    kind: 'sluice',
    pid: processes.gateway.pid ?? Number.NaN,
    processIds: {
      gateway: processes.gateway.pid ?? Number.NaN,
      worker: processes.worker.pid ?? Number.NaN,
    },
    baseUrl,
    streamUrl: `${baseUrl}/bench/firehose/stream`,
    ...statsOf(askGateway),
    clockOffset: () => clockOffsetOf(askWorker),
    stop: async () => {
      await Promise.all([stopChild(processes.gateway), stopChild(processes.worker)]);
    },
  };
}
