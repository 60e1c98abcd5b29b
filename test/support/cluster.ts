import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { deletePrefix } from './redis.js';
import { until } from './sse-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 30_000;
const OUTPUT_KEPT = 64 * 1024;
const REPORT_KEPT = 4 * 1024;
const GATEWAY_READY = /at (http:\/\/127\.0\.0\.1:\d+)/;
const WORKER_READY = /sluice worker \S+ is running/;

/** One `sluice serve` or `sluice worker` child process of a {@link Cluster}. */
export interface ClusterProcess {
  readonly role: 'gateway' | 'worker';
  /** The pid of the current child; `undefined` while it is not running. */
  readonly pid: number | undefined;
  /** A gateway's base URL (a new port after each restart); `''` for a worker. */
  readonly url: string;
  readonly running: boolean;
  /** Everything it printed, for failure messages. */
  output(): string;
  /** SIGKILL; resolves once it exited. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful drain); resolves once it exited. */
  stop(): Promise<void>;
  /** Starts it again with the same arguments (killing it first if it runs); resolves once ready. */
  restart(): Promise<void>;
}

/** Gateways and workers of one deployment (one Redis prefix), released by `await using`. */
export interface Cluster extends AsyncDisposable {
  readonly prefix: string;
  readonly gateways: readonly ClusterProcess[];
  readonly workers: readonly ClusterProcess[];
  /** The tail of every process's output, for failure messages. */
  report(): string;
  /** The worker whose pid a run reported (`{ pid }`, as the cluster fixture apps emit). */
  workerByPid(pid: number): ClusterProcess | undefined;
}

/** What {@link startCluster} starts. */
export interface ClusterOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly gateways?: number;
  readonly workers?: number;
  /** App files of the workers (default the cluster fixture apps). */
  readonly appFiles?: readonly string[];
  /** Flags appended to every `sluice worker` (a later flag wins over the defaults). */
  readonly workerArgs?: readonly string[];
  /** Flags appended to every `sluice serve`. */
  readonly gatewayArgs?: readonly string[];
}

class ChildMember implements ClusterProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private printed = '';
  private baseUrl = '';

  constructor(
    readonly role: 'gateway' | 'worker',
    private readonly args: readonly string[],
  ) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get url(): string {
    return this.baseUrl;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && !this.child.signalCode;
  }

  output(): string {
    return this.printed;
  }

  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...this.args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const keep = (data: Buffer) => {
      this.printed = (this.printed + data.toString()).slice(-OUTPUT_KEPT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const ready = this.role === 'gateway' ? GATEWAY_READY : WORKER_READY;
    const match = await readyLine(child, ready, this.role);
    this.baseUrl = match[1] ?? '';
  }

  private signal(name: NodeJS.Signals): Promise<void> {
    if (this.running) this.child?.kill(name);
    return this.exited;
  }
}

/** Resolves with the match of `ready` in what a child prints; rejects if it exits first. */
function readyLine(child: ChildProcess, ready: RegExp, role: string): Promise<RegExpExecArray> {
  let printed = '';
  return new Promise((resolve, reject) => {
    const settle = (match: RegExpExecArray | undefined, why = '') => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (match) resolve(match);
      else reject(new Error(`${role} ${why}:\n${printed}`));
    };
    const timer = setTimeout(() => settle(undefined, 'did not start'), READY_TIMEOUT_MS);
    const onData = (data: Buffer) => {
      printed += data.toString();
      const match = ready.exec(printed);
      if (match) settle(match);
    };
    const onExit = (code: number | null) => settle(undefined, `exited (${code ?? 'signal'})`);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function commandOf(role: 'gateway' | 'worker', options: ClusterOptions): string[] {
  const redis = ['--redis', options.redisUrl, '--prefix', options.prefix, '--log-level', 'warn'];
  if (role === 'gateway') return ['serve', ...redis, '--port', '0', ...(options.gatewayArgs ?? [])];
  const apps = options.appFiles ?? ['test/fixtures/cluster-apps.ts'];
  const locks = ['--lock-ms', '1000', '--stalled-check-ms', '500'];
  return ['worker', ...apps, ...redis, ...locks, ...(options.workerArgs ?? [])];
}

async function listsApps(gateway: ClusterProcess): Promise<boolean> {
  const response = await fetch(`${gateway.url}/apps`);
  const { apps } = (await response.json()) as { apps: unknown[] };
  return apps.length > 0;
}

/**
 * Starts gateways (`sluice serve --redis … --port 0`) and workers (`sluice worker
 * <apps> --redis … --lock-ms 1000 --stalled-check-ms 500`) as real child processes on one
 * Redis prefix, and resolves once every one printed its ready line and every gateway
 * lists the workers' apps. Disposing kills them all and deletes the prefix.
 *
 * @example
 * await using cluster = await startCluster({ redisUrl: redisUrl(), prefix: uniquePrefix() });
 * await cluster.workers[0]!.kill();
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const membersOf = (role: 'gateway' | 'worker', count: number) =>
    Array.from({ length: count }, () => new ChildMember(role, commandOf(role, options)));
  const gateways = membersOf('gateway', options.gateways ?? 2);
  const workers = membersOf('worker', options.workers ?? 2);
  const members = [...gateways, ...workers];
  const cluster: Cluster = {
    prefix: options.prefix,
    gateways,
    workers,
    workerByPid: (pid) => workers.find((worker) => worker.pid === pid),
    report: () =>
      members
        .map((member) => `--- ${member.role} ${member.pid}\n${member.output().slice(-REPORT_KEPT)}`)
        .join('\n'),
    [Symbol.asyncDispose]: () => (disposed ??= dispose()),
  };
  let disposed: Promise<void> | undefined;
  const dispose = async () => {
    await Promise.all(members.map((member) => member.kill()));
    await deletePrefix(options.prefix, options.redisUrl);
  };
  // A test that timed out never reaches its `await using` disposal: this runs anyway.
  onTestFinished(() => cluster[Symbol.asyncDispose]());
  try {
    await Promise.all(members.map((member) => member.start()));
    if (workers.length > 0)
      for (const gateway of gateways) await until(() => listsApps(gateway), READY_TIMEOUT_MS);
  } catch (error) {
    await cluster[Symbol.asyncDispose]();
    throw error;
  }
  return cluster;
}
