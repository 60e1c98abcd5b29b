/**
 * `tsx bench/dialects.ts [--quick] [--runs N]`: first the cost of rendering scenario (ii)'s events (100
 * streams × 2,000 output events of 100 bytes) in each wire dialect, as the gateway's cursor
 * does (batches of frames in groups of whole frames), relative to the default `sluice`
 * dialect (5 repetitions of 200,000 events; rendering only). Then the same workload end to
 * end over HTTP against the benchmark server, per dialect (see bench/dialect-throughput.ts;
 * `--quick`: 50 streams × 1,000 events; 5 runs unless `--runs`), with the target: within
 * 5 % of `sluice`, compared run by run.
 */
import { performance } from 'node:perf_hooks';
import { encodeDialectFrames } from '../src/events/dialects/dialect-frames.js';
import { WIRE_DIALECTS, type WireDialect } from '../src/events/dialects/wire-dialect.js';
import type { LoggedEvent } from '../src/events/event-types.js';
import { groupForWrites } from '../src/events/sse.js';
import { killAllChildren } from './server-children.js';
import { median } from './statistics.js';
import { measureDialectThroughput, renderDialectThroughput } from './dialect-throughput.js';

const STREAMS = 100;
const EVENTS = 2_000;
const BATCH = 1_024;
const REPETITIONS = 5;

function eventsOfOneStream(): LoggedEvent[] {
  const filler = 'x'.repeat(100 - '{"i":0000,"text":""}'.length);
  return Array.from({ length: EVENTS }, (_, index) => ({
    seq: index + 1,
    type: 'output' as const,
    json: `{"i":${String(index).padStart(4, '0')},"text":"${filler}"}`,
  }));
}

function renderAll(dialect: WireDialect, events: readonly LoggedEvent[]): number {
  let bytes = 0;
  for (let stream = 0; stream < STREAMS; stream++) {
    for (let start = 0; start < events.length; start += BATCH) {
      const groups = groupForWrites(events.slice(start, start + BATCH));
      for (const group of groups) bytes += encodeDialectFrames(dialect, group).length;
    }
  }
  return bytes;
}

const events = eventsOfOneStream();
const timings = new Map<WireDialect, number[]>(WIRE_DIALECTS.map((dialect) => [dialect, []]));
for (let repetition = 0; repetition <= REPETITIONS; repetition++) {
  for (const dialect of WIRE_DIALECTS) {
    const started = performance.now();
    renderAll(dialect, events);
    // Repetition 0 warms the JIT and is not counted.
    if (repetition > 0) timings.get(dialect)!.push(performance.now() - started);
  }
}
const base = median(timings.get('sluice')!);
console.log('\nWire dialects: rendering scenario (ii)’s 200,000 events (median of 5)');
console.log('| dialect | ms | ns/event | vs sluice |');
console.log('|---|---|---|---|');
for (const dialect of WIRE_DIALECTS) {
  const ms = median(timings.get(dialect)!);
  const perEvent = (ms * 1e6) / (STREAMS * EVENTS);
  const ratio = `${(((ms - base) / base) * 100).toFixed(1)} %`;
  console.log(`| ${dialect} | ${ms.toFixed(1)} | ${perEvent.toFixed(0)} | ${ratio} |`);
}

const quick = process.argv.includes('--quick');
const runsArgument = process.argv.indexOf('--runs');
const runs = runsArgument === -1 ? 5 : Number(process.argv[runsArgument + 1]);
process.on('exit', killAllChildren);
console.log(
  `\nWire dialects end to end: scenario (ii) over HTTP, ${quick ? '50 streams × 1,000' : '100 streams × 2,000'} events of 100 bytes (${runs} runs after a warm-up, dialects rotated)`,
);
console.log(renderDialectThroughput(await measureDialectThroughput({ quick, runs })));
process.exit(0);
