/**
 * `tsx bench/builds-ab.ts --base <checkout> [--candidate <checkout>] [--streams N]
 * [--events N] [--rounds N] [--script replica-server.ts]`: two builds of sluice on scenario
 * (ii)'s shape (100 streams of 2,000 small events by default), each build's own bench gateway
 * (`bench/sluice-server.ts`, or the `--script` named, run from its checkout), both up at once on core 0, the client here on core 1. Their
 * rounds are paired and rotated, and the comparison is taken round by round: candidate ÷
 * base in events/s and in events per second of gateway CPU, as median (range) and a 95 %
 * interval of the median (bootstrap). The candidate defaults to this checkout. Checkouts
 * may share one `node_modules` (a symlink), which holds the dependencies equal.
 *
 * @example
 * git worktree add /tmp/before 45b8023 && ln -s "$PWD/node_modules" /tmp/before/
 * git worktree add /tmp/after 5283c27 && ln -s "$PWD/node_modules" /tmp/after/
 * npx tsx bench/builds-ab.ts --base /tmp/before --candidate /tmp/after --rounds 11
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  concurrentStreams,
  efficiency,
  interval,
  pairedRounds,
  perUnitMicroseconds,
  postJson,
  rate,
  ratios,
  spread,
  type Round,
} from './paired-rounds.js';
import { pinToCore } from './process-tree.js';
import { killAllChildren } from './server-children.js';
import { startServer, type ServerHandle } from './server-process.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    candidate: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    streams: { type: 'string', default: '100' },
    events: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '9' },
    script: { type: 'string', default: 'sluice-server.ts' },
  },
});
if (values.base === undefined) throw new Error('--base <checkout> is required');
const STREAMS = Number(values.streams);
const EVENTS = Number(values.events);
const ROUNDS = Number(values.rounds);

function start(root: string): Promise<ServerHandle> {
  const onSpawn = (pid: number) => pinToCore([pid], 0); // a replica it forks inherits the core
  return startServer('sluice', { root: resolve(root), script: values.script, onSpawn });
}

pinToCore([process.pid], 1);
process.on('exit', killAllChildren);
const base = await start(values.base);
const candidate = await start(values.candidate);
try {
  const [baseRounds, candidateRounds] = (await pairedRounds(
    [base, candidate].map((server) => ({
      server,
      work: concurrentStreams(STREAMS, () =>
        postJson(server.streamUrl, { events: EVENTS, bytes: 100 }),
      ),
    })),
    ROUNDS,
  )) as [Round[], Round[]];
  console.log(
    `builds A/B (${values.script}): ${STREAMS} streams × ${EVENTS} events, ${ROUNDS} paired rounds, median (range)`,
  );
  console.log(`base ${values.base}; candidate ${values.candidate}`);
  console.log('| figure | value |\n| --- | --- |');
  console.log(`| base: events/s | ${spread(baseRounds.map(rate), 0)} |`);
  console.log(`| candidate: events/s | ${spread(candidateRounds.map(rate), 0)} |`);
  console.log(
    `| base: gateway CPU per event | ${spread(baseRounds.map(perUnitMicroseconds), 2, ' µs')} |`,
  );
  console.log(
    `| candidate: gateway CPU per event | ${spread(candidateRounds.map(perUnitMicroseconds), 2, ' µs')} |`,
  );
  for (const [name, figure] of [
    ['events/s', rate],
    ['events per CPU second', efficiency],
  ] as const) {
    const perRound = ratios(candidateRounds, baseRounds, figure);
    console.log(`| candidate ÷ base, ${name}, per round | ${spread(perRound, 3, '×')} |`);
    console.log(`| same, 95 % interval of the median | ${interval(perRound, 3, '×')} |`);
  }
} finally {
  await Promise.all([base.stop(), candidate.stop()]);
}
process.exit(0);
