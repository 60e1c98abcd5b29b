import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, all threads) a live process has used so far, in ms; `NaN` where
 * `/proc` is missing. Read at "ready", it is the start's cost, which a busy neighbour
 * inflates less than wall time.
 *
 * @example
 * cpuMsOf(child.pid!); // 212
 */
export function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

let taskset: boolean | undefined;

/** Whether `taskset` exists and there are at least two cores to pin to. */
export function canPin(): boolean {
  if (taskset === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      taskset = true;
    } catch {
      taskset = false;
    }
  }
  return taskset;
}

/**
 * Pins every thread of this process to `cores` (a `taskset` list such as `0` or `0,1`);
 * does nothing where `taskset` is missing.
 *
 * @example
 * pinSelf('0');
 */
export function pinSelf(cores: string): void {
  if (!canPin()) return;
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(process.pid)], { stdio: 'ignore' });
}

/**
 * The command and arguments that run `node` with `args` on `core` (through `taskset`), or
 * unpinned where it is missing.
 *
 * @example
 * const [command, ...rest] = nodeOnCore('1', ['-e', '1']);
 */
export function nodeOnCore(core: string, args: readonly string[]): [string, ...string[]] {
  if (!canPin()) return [process.execPath, ...args];
  return ['taskset', '-c', core, process.execPath, ...args];
}

/**
 * Resolves when `child` exits; kills it with SIGKILL if it has not after `timeoutMs`.
 *
 * @example
 * await exited(child, 10_000);
 */
export function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Rejects after `timeoutMs` unless `work` settles first; kills `child` then.
 *
 * @example
 * const message = await bounded(firstMessage, child, 30_000);
 */
export function bounded<Value>(
  work: Promise<Value>,
  child: ChildProcess,
  timeoutMs: number,
): Promise<Value> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
