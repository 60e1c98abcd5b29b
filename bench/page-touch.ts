/**
 * What fresh memory costs on this machine: a server that keeps what it sends (sluice's
 * event log keeps every event for resumption) writes each byte it keeps into a page it
 * touches for the first time, where a server that keeps nothing reuses the same young pages.
 * On a bare machine a page's first touch costs a fraction of a microsecond; in some virtual
 * machines it costs ten or more, and then scenario (iii), 400 MB kept, moves by seconds.
 */
import { execFileSync } from 'node:child_process';

/** Microseconds per 4 KiB page: written for the first time, and written again. */
export interface PageTouchCost {
  readonly firstTouchMicroseconds: number;
  readonly rewriteMicroseconds: number;
}

const MEBIBYTES = 64;
const PAGES = (MEBIBYTES * 2 ** 20) / 4096;

// Run in a process of its own, so that every page it writes is new to it.
const PROBE = `
const chunks = [];
let started = performance.now();
for (let i = 0; i < ${MEBIBYTES}; i++) chunks.push(Buffer.allocUnsafeSlow(2 ** 20).fill(1));
const first = performance.now() - started;
started = performance.now();
for (const chunk of chunks) chunk.fill(2);
const again = performance.now() - started;
console.log(JSON.stringify({ first, again }));
`;

function perPage(milliseconds: number): number {
  return Math.round(((milliseconds * 1000) / PAGES) * 100) / 100;
}

/**
 * Times writing 64 MiB of pages new to a fresh process, then writing them again.
 *
 * @example
 * const { firstTouchMicroseconds } = measurePageTouch(); // 0.3 on a bare machine
 */
export function measurePageTouch(): PageTouchCost {
  const output = execFileSync(process.execPath, ['-e', PROBE], { encoding: 'utf8' });
  const { first, again } = JSON.parse(output) as { first: number; again: number };
  return { firstTouchMicroseconds: perPage(first), rewriteMicroseconds: perPage(again) };
}
