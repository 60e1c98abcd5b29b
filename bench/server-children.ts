import type { ChildProcess } from 'node:child_process';
import { wallClockMs } from './clock.js';
import type { ServerCommand, ServerMessage } from './server-protocol.js';

const ANSWER_TIMEOUT_MS = 30_000;
const CLOCK_PINGS = 20;

const runningChildren = new Set<ChildProcess>();

/** Counts a benchmark server process as running, so {@link killAllChildren} reaches it. */
export function trackChild(child: ChildProcess): ChildProcess {
  runningChildren.add(child);
  return child;
}

/**
 * Kills every benchmark server process still running, at once (safe in an `exit` handler).
 *
 * @example
 * process.on('exit', killAllChildren);
 */
export function killAllChildren(): void {
  for (const child of runningChildren) child.kill('SIGKILL');
}

/** How long a profiled server may take to exit on its own (writing its profile) before it is killed. */
const PROFILED_EXIT_MS = 10_000;

/**
 * Kills one server process and waits for it to exit. When profiling, it is asked to exit
 * instead (its IPC channel closes: see `serveCommands`), since a killed process writes no
 * profile.
 */
export function stopChild(child: ChildProcess): Promise<void> {
  runningChildren.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (writesProfiles() && child.connected) {
    child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), PROFILED_EXIT_MS);
    void exited.then(() => clearTimeout(timer));
  } else child.kill('SIGKILL');
  return exited;
}

/**
 * The first IPC message `pick` accepts; rejects if the process exits or stays silent.
 *
 * @example
 * const url = await waitForMessage(child, (message) => ('ready' in message ? message.ready : undefined));
 */
export function waitForMessage<T>(
  child: ChildProcess,
  pick: (message: ServerMessage) => T | undefined,
): Promise<T> {
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
    }, ANSWER_TIMEOUT_MS);
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Asks a server process questions over IPC, numbering them. */
export type Question = <T>(
  cmd: ServerCommand['cmd'],
  pick: (message: ServerMessage) => T | undefined,
) => Promise<T>;

/**
 * A {@link Question} for one server process.
 *
 * @example
 * const memory = await questioner(child)('memory', (message) => ('memory' in message ? message.memory : undefined));
 */
export function questioner(child: ChildProcess): Question {
  let nextId = 1;
  return (cmd, pick) => {
    const id = nextId++;
    const answered = waitForMessage(child, (message) =>
      'id' in message && message.id === id ? pick(message) : undefined,
    );
    child.send({ id, cmd } satisfies ServerCommand);
    return answered;
  };
}

/**
 * How far a server process's clock is ahead of ours, in ms, from the best of several pings.
 *
 * @example
 * const offset = await clockOffsetOf(questioner(child));
 */
export async function clockOffsetOf(question: Question): Promise<number> {
  let best = { roundTrip: Infinity, offset: 0 };
  for (let ping = 0; ping < CLOCK_PINGS; ping++) {
    const sentAt = wallClockMs();
    const clock = await question('clock', (message) =>
      'clock' in message ? message.clock : undefined,
    );
    const receivedAt = wallClockMs();
    if (receivedAt - sentAt < best.roundTrip)
      best = { roundTrip: receivedAt - sentAt, offset: clock - (sentAt + receivedAt) / 2 };
  }
  return best.offset;
}

/** The `memory` and `sockets` answers of a server process. */
export function statsOf(question: Question) {
  return {
    memory: () =>
      question('memory', (message) => ('memory' in message ? message.memory : undefined)),
    sockets: () =>
      question('sockets', (message) => ('sockets' in message ? message.sockets : undefined)),
  };
}

/**
 * Extra Node flags for every benchmark server process: with `SLUICE_BENCH_CPU_PROF=<dir>`,
 * `--cpu-prof` into that directory (profiles are written when a server exits cleanly); with
 * `SLUICE_BENCH_NODE_FLAGS`, those flags too (split at spaces, e.g. `--trace-gc`).
 *
 * @example
 * fork(script, [], { execArgv: ['--import', 'tsx', ...benchNodeFlags()] });
 */
export function benchNodeFlags(): string[] {
  const directory = process.env.SLUICE_BENCH_CPU_PROF;
  const extra = process.env.SLUICE_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  return [...(directory ? ['--cpu-prof', '--cpu-prof-dir', directory] : []), ...extra];
}

/** Whether bench servers write CPU profiles, which they do only when they exit by themselves. */
function writesProfiles(): boolean {
  return Boolean(process.env.SLUICE_BENCH_CPU_PROF);
}
