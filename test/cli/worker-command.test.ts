import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cli-server.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';
import { readEvents, send, until } from '../support/sse-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = 'test/fixtures/queue-apps.ts';
const READY = /sluice worker (\S+) is running (.+) from (\S+)/;
const READY_TIMEOUT_MS = 20_000;

/** A `sluice worker` child process, its output so far and its exit code once it exits. */
interface WorkerProcess extends AsyncDisposable {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

function spawnWorker(args: readonly string[]): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    output: () => output,
    exited,
    [Symbol.asyncDispose]: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs `sluice worker` with arguments it must refuse; resolves with its exit code and output. */
async function refused(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  await using worker = spawnWorker(args);
  const code = await worker.exited;
  return { code, output: worker.output() };
}

/** Starts `sluice worker` and resolves once it printed that it is running. */
async function startWorker(args: readonly string[]): Promise<WorkerProcess> {
  const worker = spawnWorker([...args, '--log-level', 'error']);
  const exitedEarly = worker.exited.then((code) => {
    throw new Error(`sluice worker exited with ${code}:\n${worker.output()}`);
  });
  await Promise.race([until(() => READY.test(worker.output()), READY_TIMEOUT_MS), exitedEarly]);
  return worker;
}

describe('sluice worker: usage errors', () => {
  const url = 'redis://127.0.0.1:1';

  it('without --redis or without app files, prints the usage and exits 2', async () => {
    const [withoutRedis, withoutFiles] = await Promise.all([
      refused([FIXTURE]),
      refused(['--redis', url]),
    ]);
    for (const { code, output } of [withoutRedis, withoutFiles]) {
      expect(code).toBe(2);
      expect(output).toContain('Usage: sluice worker <app files…> --redis <url>');
    }
  });

  it('a URL that is not redis:// and --prefix without --redis say so and exit 1', async () => {
    const [badUrl, strayPrefix] = await Promise.all([
      refused([FIXTURE, '--redis', 'http://127.0.0.1:6379']),
      refused([FIXTURE, '--prefix', 'mine:']),
    ]);
    expect(badUrl).toEqual({
      code: 1,
      output: 'sluice worker: --redis must be a redis:// or rediss:// URL\n',
    });
    expect(strayPrefix).toEqual({ code: 1, output: 'sluice worker: --prefix needs --redis\n' });
  });
});

describe('sluice worker with sluice serve --redis', () => {
  it('runs the calls a gateway takes, and on SIGTERM drains its runs, then exits 0', async () => {
    const prefix = uniquePrefix();
    const redis = ['--redis', redisUrl(), '--prefix', prefix];
    try {
      await using worker = await startWorker([FIXTURE, ...redis]);
      expect(READY.exec(worker.output())?.slice(2)).toEqual([
        expect.stringContaining('qtest/pid') as string,
        redisUrl(),
      ]);
      await using gateway = await startCli(redis);
      await until(async () => {
        const ready = (await (await fetch(`${gateway.url}/ready`)).json()) as {
          apps: Record<string, { state: string }>;
        };
        return ready.apps['qtest/pid']?.state === 'ready';
      });
      const call = await fetch(`${gateway.url}/qtest/pid`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(call.status).toBe(200);
      expect(await call.json()).toEqual({ pid: worker.child.pid });
      const exchange = await send(`${gateway.url}/qtest/ticker/stream`, {
        method: 'POST',
        body: JSON.stringify({ n: 20, delay_ms: 50 }),
      });
      let signalled = false;
      const events = readEvents(exchange, (event) => {
        if (event.event !== 'output' || signalled) return;
        signalled = true;
        worker.child.kill('SIGTERM');
      });
      expect(await worker.exited).toBe(0);
      const received = await events;
      expect(signalled).toBe(true);
      expect(received.filter((event) => event.event === 'output')).toHaveLength(20);
      expect(received.at(-1)).toMatchObject({ event: 'result', data: '{"ticks":20}' });
    } finally {
      await deletePrefix(prefix);
    }
  });
});
