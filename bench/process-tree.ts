import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSecondsOf } from './redis-process-cpu.js';

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return Number.NaN;
  }
}

/**
 * The processes `roots` and all their descendants (from `/proc`; just `roots` without it).
 *
 * @example
 * const pids = processTree([gatewayPid, workerPid]);
 */
export function processTree(roots: readonly number[]): number[] {
  const all = new Set(roots.filter(Number.isFinite));
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [...all];
  }
  const parents = new Map(entries.map((entry) => [Number(entry), parentOf(Number(entry))]));
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (!all.has(pid) && all.has(parent)) {
        all.add(pid);
        grew = true;
      }
    }
  }
  return [...all];
}

function residentKilobytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Resident set size of `roots` and their descendants together, in bytes.
 *
 * @example
 * const before = treeRssBytes([server.pid]);
 */
export function treeRssBytes(roots: readonly number[]): number {
  let kilobytes = 0;
  for (const pid of processTree(roots)) kilobytes += residentKilobytes(pid);
  return kilobytes * 1024;
}

/**
 * CPU seconds (user + system) that `roots` and their descendants have used so far.
 *
 * @example
 * const before = await treeCpuSeconds([server.pid]);
 */
export async function treeCpuSeconds(roots: readonly number[]): Promise<number> {
  const seconds = await Promise.all(processTree(roots).map(cpuSecondsOf));
  return seconds.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0);
}

/**
 * Pins every thread of each process to `core` with `taskset` (children forked later
 * inherit it); does nothing on a machine with one core or without `taskset`.
 *
 * @example
 * pinToCore(process.pid, 1);
 */
export function pinToCore(pids: readonly number[], core: number): void {
  for (const pid of pids) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
    } catch {
      // gone already, or no taskset: the run then notes that it is unpinned
    }
  }
}
