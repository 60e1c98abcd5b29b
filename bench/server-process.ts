import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  clockOffsetOf,
  benchNodeFlags,
  questioner,
  statsOf,
  stopChild,
  trackChild,
  waitForMessage,
} from './server-children.js';

/** The two servers under comparison. */
export type ServerKind = 'baseline' | 'sluice';

/** A running benchmark server process. */
export interface ServerHandle {
  readonly kind: ServerKind;
  /** The server's (main) process id. */
  readonly pid: number;
  /** Where the server listens: `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** Where to `POST` a firehose input to get its event stream. */
  readonly streamUrl: string;
  /** The server's memory usage after two full garbage collections. */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Open TCP sockets in the server process (listening socket included). */
  sockets(): Promise<number>;
  /** How far the server's clock is ahead of ours, in ms (from the best of several pings). */
  clockOffset(): Promise<number>;
  /** Kills the process and waits for it to exit. */
  stop(): Promise<void>;
}

const SCRIPTS: Record<ServerKind, string> = {
  baseline: 'baseline-server.ts',
  sluice: 'sluice-server.ts',
};
const STREAM_PATHS: Record<ServerKind, string> = {
  baseline: '/stream',
  sluice: '/bench/firehose/stream',
};
/** The repository root: `--import tsx` resolves from the child's working directory. */
const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

function makeHandle(kind: ServerKind, child: ChildProcess, url: string): ServerHandle {
  const question = questioner(child);
  return {
    kind,
    pid: child.pid ?? Number.NaN,
    baseUrl: url,
    streamUrl: url + STREAM_PATHS[kind],
    ...statsOf(question),
    clockOffset: () => clockOffsetOf(question),
    stop: () => stopChild(child),
  };
}

/**
 * Starts a benchmark server in its own process (with `--expose-gc`) and waits until it
 * listens on 127.0.0.1. `script` (a file in bench/) replaces the kind's own server, e.g.
 * `replica-server.ts`; `onSpawn` sees the child as soon as it is forked (to pin it to a core).
 *
 * @example
 * const server = await startServer('baseline');
 * try { ... } finally { await server.stop(); }
 */
export async function startServer(
  kind: ServerKind,
  options: {
    readonly script?: string;
    readonly onSpawn?: (pid: number) => void;
    /** Another checkout of the repository whose bench server (and build) to run. */
    readonly root?: string;
  } = {},
): Promise<ServerHandle> {
  const root = options.root ?? REPOSITORY_ROOT;
  const script = join(root, 'bench', options.script ?? SCRIPTS[kind]);
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...benchNodeFlags()],
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  trackChild(child);
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  const started = waitForMessage(child, (message) =>
    'ready' in message ? message.ready : undefined,
  );
  try {
    return makeHandle(kind, child, await started);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
