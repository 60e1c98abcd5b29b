/**
 * Startup benchmarks (issue 12), each figure measured in the same run as its baseline:
 * - import time of `sluice` (the built authoring entry) in a fresh process, against a bare
 *   `import('zod')`;
 * - a replica's cold start (fork to ready, no setup), against bare forks;
 * - `sluice call` from its spawn to its first request, against a bare `fetch` process
 *   (the server here pinned to core 0, the command to core 1).
 *
 * Run: `npx tsx bench/startup.ts [--quick]`. Builds sluice into a temporary directory first
 * (deleted at the end); prints Markdown and writes `bench/results/startup.md`.
 */
import os from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { currentLoad, describeMachine, type MachineInfo } from './report.js';
import { callCandidates, FirstRequestServer } from './startup-call.js';
import { prepareStartupFixtures, type StartupFixtures } from './startup-fixtures.js';
import { importCandidates, modulesLoadedBy, sluiceEntry } from './startup-import.js';
import { canPin, pinSelf } from './startup-processes.js';
import { replicaCandidates } from './startup-replica.js';
import { measureRounds } from './startup-rows.js';
import { renderStartup, type StartupSection } from './startup-table.js';

const QUICK = process.argv.includes('--quick');
const ROUNDS = { import: QUICK ? 3 : 7, replica: QUICK ? 2 : 5, call: QUICK ? 2 : 5 };

async function importSection(fixtures: StartupFixtures): Promise<StartupSection> {
  process.stderr.write('startup: import time…\n');
  const zod = await modulesLoadedBy('zod');
  const sluice = await modulesLoadedBy(sluiceEntry(fixtures));
  const loaded = sluice.serverPackages.join(', ') || 'none of them';
  return {
    title: "Import time of `sluice` (authoring entry) vs `import('zod')`",
    rows: await measureRounds(importCandidates(fixtures), ROUNDS.import),
    notes: [
      `Modules loaded: zod ${zod.count}, sluice ${sluice.count}. Of Fastify, BullMQ, ioredis, esbuild, prom-client and sharp, importing sluice loads: ${loaded}.`,
      'Import ms is `performance.now()` around the `import()` in a fresh process; CPU ms is the whole process (Node start included).',
    ],
  };
}

async function replicaSection(fixtures: StartupFixtures): Promise<StartupSection> {
  process.stderr.write('startup: replica cold start…\n');
  return {
    title: 'Replica cold start (fork to ready, no setup)',
    rows: await measureRounds(await replicaCandidates(fixtures), ROUNDS.replica),
    notes: [
      'Unpinned: no server is involved. CPU ms is the forked process (all its threads) when it says ready.',
    ],
  };
}

async function callSection(fixtures: StartupFixtures): Promise<StartupSection> {
  process.stderr.write('startup: sluice call to first request…\n');
  pinSelf('0');
  const server = new FirstRequestServer();
  try {
    const url = await server.listen();
    return {
      title: '`sluice call`: spawn to its first request',
      rows: await measureRounds(callCandidates({ fixtures, server, url }), ROUNDS.call),
      notes: [
        canPin()
          ? 'The server runs in the bench process, pinned to core 0; each command runs on core 1 (`taskset`).'
          : 'Unpinned: `taskset` is missing here.',
      ],
    };
  } finally {
    await server.close();
    pinSelf(`0-${os.cpus().length - 1}`);
  }
}

async function main(): Promise<void> {
  const machine = describeMachine();
  process.stderr.write('startup: building sluice into a temporary directory…\n');
  const fixtures = await prepareStartupFixtures();
  try {
    const sections = [
      await importSection(fixtures),
      await replicaSection(fixtures),
      await callSection(fixtures),
    ];
    await report(machine, sections);
  } finally {
    await fixtures.remove();
  }
}

async function report(machine: MachineInfo, sections: StartupSection[]): Promise<void> {
  const markdown = renderStartup({ machine, loadAtEnd: currentLoad(), sections });
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/startup.md', import.meta.url), markdown);
  process.stdout.write(markdown);
}

await main();
