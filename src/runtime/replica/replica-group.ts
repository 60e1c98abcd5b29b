import { stateKeyOf } from '../state-key.js';
import type { ChildProcess } from 'node:child_process';
import type { AppendResult } from '../../events/event-log.js';
import { SluiceError } from '../../errors/sluice-error.js';
import type { RunOutcome } from '../execute-run.js';
import type { RuntimeJob } from '../runtime.js';
import type { ResolvedPlacement } from '../placement.js';
import { ChildCalls } from './child-calls.js';
import { TickBatcher, type LinkBatch } from './link-batch.js';
import { RelayedRun } from './relayed-run.js';
import { rankEnvironment } from './replica-environment.js';
import { type ParentMessage, type ReplicaMessage, type ReplicaTarget } from './replica-protocol.js';
import { readRankLink, spawnRank } from './spawn-rank.js';

/** Why a replica went down: the error's text (and a setup error's stack), and whether in setup. */
export interface ReplicaFailure {
  readonly error: string;
  readonly inSetup: boolean;
  readonly stack?: string;
}

/** What a replica tells its pool. */
export interface ReplicaGroupEvents {
  /** Every rank has finished `setup`. */
  readonly ready: () => void;
  /** A rank died or failed its setup; every rank is being killed. */
  readonly down: (failure: ReplicaFailure) => void;
  /** A run's slot is free. */
  readonly freed: () => void;
}

/** How one replica is started. */
export interface ReplicaGroupOptions {
  readonly target: ReplicaTarget;
  readonly placement: ResolvedPlacement;
  readonly events: ReplicaGroupEvents;
}

let nextRunId = 1;

/**
 * How long a rank that exited may keep its pipe open (a process it started holds it), or a
 * rank that closed its pipe may take to exit, before it counts as gone.
 */
const LINK_CLOSE_GRACE_MS = 200;

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
}

/**
 * One replica: `worldSize` rank processes (one for a plain replica) started together,
 * serving runs together and dying together. Rank 0's events go to the event log; messages
 * between ranks go through here. When any rank dies, every rank is killed, every run ends
 * with `worker_lost`, and the pool decides when to start a new replica.
 *
 * @example
 * const group = new ReplicaGroup({ target, placement, events });
 * const outcome = await group.execute(job);
 */
export class ReplicaGroup {
  private readonly ranks: ChildProcess[];
  private readonly runs = new Map<number, RelayedRun>();
  /** Child runs (`ctx.map`, `ctx.stream`) in flight. */
  private readonly childCalls = new ChildCalls({
    send: (rank, message) => this.send(rank, message),
    jobOf: (runId) => this.runs.get(runId)?.job,
  });
  /** When each rank was last heard from (`performance.now()`): its sign of life. */
  private readonly lastHeard: number[] = [];
  /** What each rank is sent in one event-loop turn, written as one IPC message. */
  private readonly links: TickBatcher[];
  private readyRanks = 0;
  private state: 'starting' | 'ready' | 'down' = 'starting';

  constructor(private readonly options: ReplicaGroupOptions) {
    const { worldSize } = options.placement;
    this.ranks = Array.from({ length: worldSize }, (_, rank) => this.spawn(rank));
    this.links = this.ranks.map((_, rank) => new TickBatcher((batch) => this.write(rank, batch)));
  }

  /** Runs holding a slot (including cancelled runs whose code has not returned). */
  get load(): number {
    return this.runs.size;
  }

  get pids(): number[] {
    return this.ranks.map((child) => child.pid ?? 0);
  }

  execute(job: RuntimeJob): Promise<RunOutcome> {
    const runId = nextRunId++;
    const { placement } = this.options;
    const run = new RelayedRun({
      job,
      worldSize: placement.worldSize,
      cancelDeadlineMs: placement.cancelDeadlineMs,
      lastHeard: (rank) => this.lastHeard[rank] ?? 0,
      cancelRanks: (error) => this.broadcast({ kind: 'cancel', runId, error }),
      overran: (reason) => this.fail(reason),
      released: () => {
        this.runs.delete(runId);
        this.options.events.freed();
      },
    });
    this.runs.set(runId, run);
    // The run is stopped when it ends, however it ends: its children go with it. (Through
    // onAbort: the run's AbortSignal would cost each run a controller, a signal and its maps.)
    job.control.onAbort(() => this.childCalls.cancelRun(runId));
    const order = {
      runId,
      requestId: job.requestId,
      path: job.endpoint.path,
      input: job.input,
      caps: job.caps,
      childRuns: job.childRuns !== undefined,
      runTimeoutSeconds: job.runTimeoutSeconds,
      view: job.view,
      stateKey: stateKeyOf(job),
      ...(job.traceparent ? { traceparent: job.traceparent } : {}),
    };
    this.broadcast({ kind: 'run', order });
    return run.outcome;
  }

  /** Kills every rank; runs end with `worker_lost`. */
  kill(): Promise<void> {
    const exits = this.ranks.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (hasExited(child)) resolve();
          else child.once('exit', () => resolve());
        }),
    );
    this.fail('the replica was stopped');
    return Promise.all(exits).then(() => undefined);
  }

  private spawn(rank: number): ChildProcess {
    const { target, placement } = this.options;
    const child = spawnRank({
      environment: rankEnvironment({
        target,
        rank,
        worldSize: placement.worldSize,
        device: placement.deviceMap(rank),
        collectiveTimeoutMs: placement.collectiveTimeoutMs,
      }),
      nodeOptions: placement.nodeOptions,
    });
    const linkClosed = readRankLink(
      child,
      (messages) => {
        this.lastHeard[rank] = performance.now();
        for (const message of messages) this.receive(rank, message as ReplicaMessage);
      },
      (error) => this.fail(`rank ${rank} wrote what its link could not read: ${error.message}`),
    );
    // What the rank wrote before it exited (its `setup-failed`, a run's last events) is read
    // first, unless a process it started holds its pipe open.
    child.on('exit', (code, signal) => {
      const exit = `rank ${rank} ${describeExit(code, signal)}`;
      const grace = setTimeout(() => this.fail(exit), LINK_CLOSE_GRACE_MS);
      void linkClosed.then(() => {
        clearTimeout(grace);
        this.fail(exit);
      });
    });
    // A rank closes its link just before it exits; one that goes on running without it
    // (its code closed the descriptor) could never answer again, and would hold its runs.
    void linkClosed.then(() => {
      if (hasExited(child)) return;
      const grace = setTimeout(
        () => this.fail(`rank ${rank} closed its link to the gateway and still runs`),
        LINK_CLOSE_GRACE_MS,
      );
      child.once('exit', () => clearTimeout(grace));
    });
    child.on('error', (error) => this.fail(`rank ${rank} failed: ${error.message}`));
    return child;
  }

  /**
   * Sends a message to the rank with the rest of this turn's: run orders, acknowledgements
   * and child results of one turn cost one IPC write, not one each, and a burst of run
   * orders reaches the replica as the turn that accepted them ends. A cancel goes at once
   * (after what is queued before it, so every message keeps its order); the replica only
   * registers run orders as it reads them, so it is never handled behind their runs' code.
   * A child's logged events go as they are, since a batch packs only an event's type and JSON.
   */
  private send(rank: number, message: ParentMessage): void {
    const link = this.links[rank];
    if (!link) return;
    if (message.kind === 'child-events') {
      link.flush();
      return this.write(rank, message);
    }
    link.send(message);
    if (message.kind === 'cancel') link.flush();
  }

  private write(rank: number, batch: LinkBatch | ParentMessage): void {
    const child = this.ranks[rank];
    if (!child?.connected) return;
    child.send(batch, (error) => {
      if (error) this.fail(`rank ${rank} could not be reached: ${error.message}`);
    });
  }

  private broadcast(message: ParentMessage): void {
    for (let rank = 0; rank < this.ranks.length; rank++) this.send(rank, message);
  }

  private receive(rank: number, message: ReplicaMessage): void {
    switch (message.kind) {
      case 'ready':
        return this.rankReady();
      case 'setup-failed':
        return this.fail(message.error, true, message.stack);
      case 'append':
        return void this.append(message.runId, message.events);
      case 'finished':
        return this.finished(rank, message);
      case 'cancel-seen':
        return this.runs.get(message.runId)?.cancelSeen(rank);
      case 'settled':
        return this.runs.get(message.runId)?.rankSettled(rank);
      case 'child-run':
      case 'child-stream':
      case 'child-pull':
      case 'child-cancel':
        return this.childCalls.receive(rank, message);
      case 'rank-send':
        return this.relay(rank, message);
    }
  }

  /** A rank's run finished; a rank whose code returned too needs no cancel, so it settles first. */
  private finished(rank: number, message: Extract<ReplicaMessage, { kind: 'finished' }>): void {
    const run = this.runs.get(message.runId);
    if (message.settled) run?.rankSettled(rank);
    run?.rankFinished(rank, message.error, message.facts);
  }

  private rankReady(): void {
    this.readyRanks++;
    if (this.readyRanks < this.ranks.length || this.state !== 'starting') return;
    this.state = 'ready';
    this.options.events.ready();
  }

  /** Appends rank 0's batch and answers with the log's verdict (a failing log counts as a refusal). */
  private async append(runId: number, events: Parameters<RelayedRun['append']>[0]) {
    const run = this.runs.get(runId);
    let result: AppendResult = { accepted: false, reason: 'ended' };
    try {
      if (run) result = await run.append(events);
    } catch {
      result = { accepted: false, reason: 'missing' };
    }
    this.send(0, { kind: 'appended', runId, result });
  }

  private relay(fromRank: number, message: Extract<ReplicaMessage, { kind: 'rank-send' }>): void {
    const { runId, toRank } = message;
    if (!Number.isInteger(toRank) || toRank < 0 || toRank >= this.ranks.length) return;
    this.send(toRank, { kind: 'rank-message', runId, fromRank, message: message.message });
  }

  /** Takes the replica down (once): kills every rank and ends every run. */
  private fail(error: string, inSetup = this.state === 'starting', stack?: string): void {
    if (this.state === 'down') return;
    this.state = 'down';
    for (const child of this.ranks) child.kill('SIGKILL');
    const lost = new SluiceError('worker_lost', 'The replica running this request died');
    for (const run of this.runs.values()) run.lose(lost);
    this.runs.clear();
    this.childCalls.abortAll(lost);
    this.options.events.down({ error, inSetup, ...(stack ? { stack } : {}) });
  }
}
