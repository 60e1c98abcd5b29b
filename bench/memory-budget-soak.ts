/**
 * `tsx bench/memory-budget-soak.ts [seconds] [heap MiB]`: a longer run of what
 * `test/cli/serve-memory-budget.test.ts` checks once. A real `sluice serve` with a small
 * heap (default `--max-old-space-size=96`) serves an app that emits 1 KB outputs in a
 * loop; every 2 s a wave of 60 such requests is queued, for `seconds` (default 60), while
 * `/health` and a probe request are polled every 100 ms. It reports whether the process
 * lived, its peak RSS, how the waves and probes were answered, and the budget's metrics.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.argv[2] ?? 60);
const HEAP_MIB = Number(process.argv[3] ?? 96);
const WAVE = 60;
const WAVE_EVERY_MS = 2_000;
const PROBE_EVERY_MS = 100;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const JSON_POST = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };

type Tally = Record<string, number>;

function count(tally: Tally, key: string | number): void {
  tally[key] = (tally[key] ?? 0) + 1;
}

function startServer(): Promise<{ url: string; pid: number; exited: () => boolean }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', 'test/fixtures/budget-apps.ts', '--port', '0'],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${HEAP_MIB}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve({ url: match[1]!, pid: child.pid!, exited: () => exited });
    });
    child.once('exit', (code) => reject(new Error(`sluice serve exited with ${code}`)));
  });
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function answerOf(call: Promise<Response>): Promise<string | number> {
  try {
    const response = await call;
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 'failed';
  }
}

async function budgetMetrics(url: string): Promise<string[]> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith('sluice_memory_'));
}

const server = await startServer();
const waves: Tally = {};
const probes: Tally = {};
const health: Tally = {};
const deadline = Date.now() + SECONDS * 1000;
let nextWave = 0;
while (Date.now() < deadline && !server.exited()) {
  if (Date.now() >= nextWave) {
    nextWave = Date.now() + WAVE_EVERY_MS;
    for (let index = 0; index < WAVE; index++) {
      void answerOf(fetch(`${server.url}/queue/budget/runaway`, JSON_POST)).then((answer) =>
        count(waves, answer),
      );
    }
  }
  count(health, await answerOf(fetch(`${server.url}/health`)));
  count(probes, await answerOf(fetch(`${server.url}/budget/echo`, JSON_POST)));
  await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
}
const alive = !server.exited();
console.log(JSON.stringify({ seconds: SECONDS, heapMiB: HEAP_MIB, alive, waves, probes, health }));
if (alive) {
  console.log(`peak RSS ${peakRssMiB(server.pid).toFixed(0)} MiB`);
  console.log((await budgetMetrics(server.url)).join('\n'));
  process.kill(server.pid, 'SIGTERM');
}
process.exitCode = alive ? 0 : 1;
