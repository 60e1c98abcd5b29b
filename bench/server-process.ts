import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wallClockMs } from './clock.js';
import type { ServerCommand, ServerMessage } from './server-protocol.js';

/** The two servers under comparison. */
export type ServerKind = 'baseline' | 'sluice';

/** A running benchmark server process. */
export interface ServerHandle {
  readonly kind: ServerKind;
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
const COMMAND_TIMEOUT_MS = 30_000;
const CLOCK_PINGS = 20;
/** The repository root: `--import tsx` resolves from the child's working directory. */
const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

const runningChildren = new Set<ChildProcess>();

/**
 * Kills every server process still running, at once (safe to call from an `exit` handler).
 *
 * @example
 * process.on('exit', killAllServers);
 */
export function killAllServers(): void {
  for (const child of runningChildren) child.kill('SIGKILL');
}

function waitForMessage<T>(child: ChildProcess, pick: (message: ServerMessage) => T | undefined) {
  return new Promise<T>((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: ServerMessage) => {
      const picked = pick(message);
      if (picked === undefined) return;
      cleanup();
      resolve(picked);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`server process exited (code ${code})`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('server process did not answer in time'));
    }, COMMAND_TIMEOUT_MS);
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  runningChildren.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}

function makeHandle(kind: ServerKind, child: ChildProcess, url: string): ServerHandle {
  let nextId = 1;
  const ask = <T>(cmd: ServerCommand['cmd'], pick: (message: ServerMessage) => T | undefined) => {
    const id = nextId++;
    const answered = waitForMessage(child, (message) =>
      'id' in message && message.id === id ? pick(message) : undefined,
    );
    child.send({ id, cmd } satisfies ServerCommand);
    return answered;
  };
  const clockSample = async () => {
    const sentAt = wallClockMs();
    const serverClock = await ask('clock', (message) =>
      'clock' in message ? message.clock : undefined,
    );
    const receivedAt = wallClockMs();
    return { roundTrip: receivedAt - sentAt, offset: serverClock - (sentAt + receivedAt) / 2 };
  };
  return {
    kind,
    streamUrl: url + STREAM_PATHS[kind],
    memory: () => ask('memory', (message) => ('memory' in message ? message.memory : undefined)),
    sockets: () =>
      ask('sockets', (message) => ('sockets' in message ? message.sockets : undefined)),
    async clockOffset() {
      let best = await clockSample();
      for (let ping = 1; ping < CLOCK_PINGS; ping++) {
        const sample = await clockSample();
        if (sample.roundTrip < best.roundTrip) best = sample;
      }
      return best.offset;
    },
    stop: () => stopChild(child),
  };
}

/**
 * Starts a benchmark server in its own process (with `--expose-gc`) and waits until it
 * listens on 127.0.0.1.
 *
 * @example
 * const server = await startServer('baseline');
 * try { ... } finally { await server.stop(); }
 */
export async function startServer(kind: ServerKind): Promise<ServerHandle> {
  const script = fileURLToPath(new URL(SCRIPTS[kind], import.meta.url));
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    cwd: REPOSITORY_ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  runningChildren.add(child);
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
