import { readFile } from 'node:fs/promises';
import { pause } from '../clock.js';
import { treeRssBytes } from '../process-tree.js';
import { measureIdleMemory } from '../scenarios/idle-memory.js';
import type { LimitContext, LimitScenario } from './limit-scenario.js';

const TIMEOUT_MS = 300_000;
const SETTLE_MS = 500;
/** Descriptors a process needs beyond one per stream (modules, pipes, the listener). */
const SPARE_DESCRIPTORS = 200;

/** This process's soft limit of open files (the servers inherit it), from `/proc/self/limits`. */
async function openFilesLimit(): Promise<number> {
  const limits = await readFile('/proc/self/limits', 'utf8').catch(() => '');
  const line = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  return !line || line[1] === 'unlimited' ? Infinity : Number(line[1]);
}

/** Fails at once, saying what to raise, when the client or the server cannot hold `streams` sockets. */
async function checkDescriptors(streams: number): Promise<void> {
  const limit = await openFilesLimit();
  const needed = streams + SPARE_DESCRIPTORS;
  if (limit < needed)
    throw new Error(
      `holding ${streams} streams needs ${needed} open files in the client and in the server; this shell allows ${limit} (raise it with ulimit -n before running)`,
    );
}

async function measureHeld(context: LimitContext, streams: number) {
  await checkDescriptors(streams);
  await pause(SETTLE_MS);
  const before = treeRssBytes(context.processes());
  return measureIdleMemory(context, { streams, timeoutMs: TIMEOUT_MS }, () => {
    const rssKb = (treeRssBytes(context.processes()) - before) / streams / 1024;
    return Promise.resolve({ treeRssKbPerStream: rssKb, streamsHeld: streams });
  });
}

/**
 * Issue 19's "20,000 idle streams held inline" as a case of its own, on raw and inline: every
 * stream open at once with its response headers, and the RSS per stream of the whole
 * process tree. A stream that cannot be opened fails the case. (`quick`: 2,000 streams.)
 *
 * @example
 * const scenario = heldStreamsScenario(false); // 20,000 streams
 */
export function heldStreamsScenario(quick: boolean): LimitScenario {
  const streams = quick ? 2_000 : 20_000;
  return {
    id: 'v20k',
    title: `${streams.toLocaleString('en-US')} idle streams held inline`,
    repetitions: 1,
    timeoutMs: TIMEOUT_MS,
    modes: ['raw', 'inline'],
    rows: [
      {
        metric: 'streamsHeld',
        label: 'streams held at once',
        format: (value) => value.toLocaleString('en-US'),
        only: ['raw', 'inline'],
      },
      {
        metric: 'treeRssKbPerStream',
        label: 'RSS per stream, whole process tree',
        format: (value) => `${value.toFixed(1)} KB`,
        targets: { inline: { kind: 'at-most', value: 24, unit: 'KB' } },
        only: ['raw', 'inline'],
      },
    ],
    measure: (context) => measureHeld(context, streams),
  };
}
