import { readdir, readFile } from 'node:fs/promises';

/** Processes to account for, by name, e.g. `{ gateway: 1234, worker: 1235 }`. */
export type ProcessIds = Readonly<Record<string, number>>;

/** Linux's `USER_HZ`: `/proc/<pid>/stat` counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`; `NaN`
 * where there is no `/proc` or the process is gone.
 *
 * @example
 * const before = await cpuSecondsOf(pid);
 */
export async function cpuSecondsOf(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start at field 3, `state`.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds per named process.
 *
 * @example
 * const usage = await cpuSecondsOfEach({ gateway: 1234, worker: 1235 });
 */
export async function cpuSecondsOfEach(processes: ProcessIds): Promise<Record<string, number>> {
  const names = Object.keys(processes);
  const seconds = await Promise.all(names.map((name) => cpuSecondsOf(processes[name]!)));
  return Object.fromEntries(names.map((name, index) => [name, seconds[index]!]));
}

/**
 * The pid of this process's child whose command line contains `part` (e.g. the script it
 * runs); `NaN` when there is none or no `/proc`.
 *
 * @example
 * const pid = await childPidRunning('sluice-server.ts');
 */
export async function childPidRunning(part: string): Promise<number> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries.filter((name) => /^\d+$/.test(name))) {
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent !== process.pid) continue;
    const commandLine = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.includes(part)) return Number(entry);
  }
  return Number.NaN;
}
