/**
 * What the replica link costs per event on each side, in one process: a replica packing one
 * turn's messages (20 runs × 100 output events of about 90 bytes, as in scenario (ii)) and
 * the parent restoring them. `SLUICE_BENCH_BUILT=1` measures the build in `dist/`.
 *
 *   npx tsx bench/link-pack.ts
 */
import { performance } from 'node:perf_hooks';
import type * as LinkBatchModule from '../src/runtime/replica/link-batch.js';
import { sluiceModule } from './sluice-source.js';

const RUNS = 20;
const EVENTS_PER_RUN = 100;
const WARM_UP = 500;
const ROUNDS = 2_000;

const { packBatch, unpackBatch } = (await import(
  sluiceModule('runtime/replica/link-batch')
)) as typeof LinkBatchModule;

function turnOfMessages() {
  const pad = 'x'.repeat(60);
  return Array.from({ length: RUNS }, (_, runId) => ({
    kind: 'append',
    runId,
    events: Array.from({ length: EVENTS_PER_RUN }, (_, seq) => ({
      type: 'output' as const,
      json: JSON.stringify({ seq, sent_at: Date.now(), pad }),
    })),
  }));
}

/** Nanoseconds per event of `work`, after a warm-up. */
function perEvent(work: () => unknown): number {
  for (let round = 0; round < WARM_UP; round++) work();
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) work();
  return ((performance.now() - started) * 1e6) / ROUNDS / (RUNS * EVENTS_PER_RUN);
}

const messages = turnOfMessages();
const batch = packBatch(messages);
console.log(`pack:   ${perEvent(() => packBatch(messages)).toFixed(0)} ns an event`);
console.log(`unpack: ${perEvent(() => unpackBatch(batch)).toFixed(0)} ns an event`);
