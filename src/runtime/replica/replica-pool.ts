import { SluiceError } from '../../errors/sluice-error.js';
import type { RunOutcome } from '../execute-run.js';
import type { AppStatus, ReplicaStatus, RuntimeJob } from '../runtime.js';
import type { ResolvedPlacement } from '../placement.js';
import type { Logger } from 'pino';
import { FailureLog } from '../failure-log.js';
import { ReplicaGroup, type ReplicaFailure } from './replica-group.js';
import type { ReplicaTarget } from './replica-protocol.js';
import { stateKeyOf } from '../state-key.js';
import { endWaiting } from '../end-waiting.js';
import { heldKeysFirst, scheduleRun, type KeyHolder } from '../key-placement.js';

/** One replica's place in the pool, across its restarts. */
interface ReplicaSlot {
  readonly index: number;
  group: ReplicaGroup | undefined;
  state: ReplicaStatus['state'];
  restarts: number;
  /** Failures since it was last ready: the exponent of its backoff. */
  failures: number;
  /** Its latest failure happened during setup (it is crash-looping if it stays so). */
  setupFailing: boolean;
  lastError: string | undefined;
  timer: NodeJS.Timeout | undefined;
  /** The state key its process holds (`stateKey`), if any. */
  heldKey: string | undefined;
  /** Kept for a key that waits: it takes no other key's runs until it switches. */
  drainingFor: string | undefined;
  /** Runs started since it took its key (its turn, `scheduleRun`). */
  turnRuns: number;
  /** Resolves once it has been ready or failed for the first time. */
  firstSettled: () => void;
}

interface Waiter {
  readonly job: RuntimeJob;
  readonly start: (group: ReplicaGroup) => void;
  readonly reject: (error: SluiceError) => void;
}

/**
 * The replicas of one process app: starts them, restarts them with exponential backoff
 * when they die (a replica whose setup keeps failing waits longer each time, and `/ready`
 * shows its last error), and hands each run to the least-loaded ready replica with a free
 * slot. A run that finds none waits for one, unless it is cancelled first.
 *
 * @example
 * const pool = new ReplicaPool({ target, placement });
 * await pool.start();
 * const outcome = await pool.execute(job);
 */
export class ReplicaPool {
  private readonly slots: ReplicaSlot[];
  private readonly started: Promise<void>;
  private waiters: Waiter[] = [];
  private closed = false;
  private switchCount = 0;
  private readonly failures = new FailureLog();

  constructor(
    private readonly options: {
      readonly target: ReplicaTarget;
      readonly placement: ResolvedPlacement;
      /** Requests one run slot holds: a batched endpoint's `maxSize` (default 1). */
      readonly requestsPerSlot?: number;
    },
  ) {
    const settled: Promise<void>[] = [];
    this.slots = Array.from({ length: options.placement.replicas }, (_, index) => {
      let firstSettled = () => undefined as void;
      settled.push(new Promise((resolve) => (firstSettled = resolve)));
      return {
        index,
        group: undefined,
        state: 'starting' as const,
        restarts: 0,
        failures: 0,
        setupFailing: false,
        lastError: undefined,
        timer: undefined,
        heldKey: undefined,
        drainingFor: undefined,
        turnRuns: 0,
        firstSettled,
      };
    });
    this.started = Promise.all(settled).then(() => undefined);
  }

  /** Starts every replica; resolves once each has been ready or failed once. */
  start(): Promise<void> {
    for (const slot of this.slots)
      if (!slot.group && !slot.timer && !this.closed) this.launch(slot);
    return this.started;
  }

  /** Replicas × runs per replica: dead and restarting replicas count, as they come back. */
  get capacity(): number {
    return this.options.placement.replicas * this.perReplica;
  }

  /** Requests one replica holds at once: its run slots, each a whole batch for batched endpoints. */
  private get perReplica(): number {
    return this.options.placement.maxConcurrency * (this.options.requestsPerSlot ?? 1);
  }

  /** Times a replica switched from one state key to another. */
  get stateSwitches(): number {
    return this.switchCount;
  }

  status(): AppStatus {
    const replicas = this.slots.map((slot) => this.slotStatus(slot));
    if (this.slots.some((slot) => slot.state === 'ready')) return { state: 'ready', replicas };
    if (this.crashLooping()) {
      const error = this.slots.find((slot) => slot.lastError)?.lastError ?? 'setup failed';
      return { state: 'failed', reason: 'setup failed', error, replicas };
    }
    return { state: 'starting', replicas };
  }

  execute(job: RuntimeJob): Promise<RunOutcome> {
    void this.start();
    if (this.closed)
      return Promise.reject(new SluiceError('app_unavailable', 'The server is shutting down'));
    const group = this.place(job);
    if (group) return group.execute(job);
    if (this.crashLooping()) return Promise.reject(unavailable());
    return this.wait(job);
  }

  /** Where each replica's setup failure or death is logged, once. */
  logTo(logger: Logger): void {
    this.failures.logTo(logger);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new SluiceError('app_unavailable', 'The server is shutting down'));
    }
    const kills = this.slots.map((slot) => {
      clearTimeout(slot.timer);
      slot.firstSettled();
      return slot.group?.kill() ?? Promise.resolve();
    });
    await Promise.all(kills);
  }

  private slotStatus(slot: ReplicaSlot): ReplicaStatus {
    return {
      replica: slot.index,
      state: slot.state,
      pids: slot.group?.pids ?? [],
      running: slot.group?.load ?? 0,
      restarts: slot.restarts,
      ...(slot.lastError === undefined
        ? {}
        : {
            reason: slot.setupFailing ? 'setup failed' : 'replica went down',
            lastError: slot.lastError,
          }),
    };
  }

  /** No replica is ready and every one failed its latest setup. */
  private crashLooping(): boolean {
    return this.slots.every((slot) => slot.setupFailing && slot.state !== 'ready');
  }

  /**
   * Where a run goes, by the keyed-state rule (`scheduleRun`): the least-loaded ready
   * replica with room; a keyed run prefers one holding its key, else takes an idle one;
   * once a replica's turn is over, a waiting key sets it aside, and it drains and switches.
   * The chosen replica holds the run's key from now on.
   */
  private place(job: RuntimeJob): ReplicaGroup | undefined {
    const views = this.slots
      .filter((slot) => slot.state === 'ready' && slot.group)
      .map((slot): KeyHolder & { slot: ReplicaSlot } => ({
        slot,
        heldKey: slot.heldKey,
        drainingFor: slot.drainingFor,
        turnRuns: slot.turnRuns,
        load: slot.group!.load,
      }));
    const { holder, switched } = scheduleRun(views, stateKeyOf(job), { limit: this.perReplica });
    for (const view of views) {
      view.slot.heldKey = view.heldKey;
      view.slot.drainingFor = view.drainingFor;
      view.slot.turnRuns = view.turnRuns;
    }
    if (switched) this.switchCount++;
    return holder?.slot.group;
  }

  /** Gives back replicas set aside for keys no waiting run needs any more (their runs were cancelled). */
  private releaseReservations(): void {
    const waiting = new Set(this.waiters.map((waiter) => stateKeyOf(waiter.job)));
    for (const slot of this.slots)
      if (slot.drainingFor !== undefined && !waiting.has(slot.drainingFor))
        slot.drainingFor = undefined;
  }

  private wait(job: RuntimeJob): Promise<RunOutcome> {
    const { signal } = job.control;
    return new Promise<RunOutcome>((resolve, reject) => {
      const leave = () => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        leave();
        this.releaseReservations();
        this.drain();
        resolve(endWaiting(job));
      };
      const entry: Waiter = {
        job,
        start: (group) => (leave(), resolve(group.execute(job))),
        reject: (error) => (leave(), reject(error)),
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(entry);
    });
  }

  /** Hands waiting runs to free slots: runs of held keys first, each in arrival order (`heldKeysFirst`). */
  private drain(): void {
    const holders = this.slots.filter((slot) => slot.group);
    const held = heldKeysFirst(this.waiters, (waiter) => stateKeyOf(waiter.job), holders);
    for (const waiter of held) {
      const group = this.place(waiter.job);
      if (group) waiter.start(group);
    }
  }

  private recordFailure(slot: ReplicaSlot, failure: ReplicaFailure): void {
    const { error, inSetup, stack } = failure;
    const appId = targetName(this.options.target);
    this.failures.record({ appId, replica: slot.index, inSetup, error, stack });
  }

  private launch(slot: ReplicaSlot): void {
    slot.timer = undefined;
    slot.heldKey = undefined; // a new process holds no state yet
    slot.drainingFor = undefined;
    slot.turnRuns = 0;
    slot.state = 'starting';
    slot.group = new ReplicaGroup({
      target: this.options.target,
      placement: this.options.placement,
      events: {
        ready: () => {
          slot.state = 'ready';
          slot.failures = 0;
          slot.setupFailing = false;
          slot.firstSettled();
          this.drain();
        },
        down: (failure) => this.down(slot, failure),
        freed: () => this.drain(),
      },
    });
  }

  private down(slot: ReplicaSlot, failure: ReplicaFailure): void {
    if (!this.closed) this.recordFailure(slot, failure);
    slot.group = undefined;
    slot.lastError = failure.error;
    slot.setupFailing = failure.inSetup;
    slot.state = failure.inSetup ? 'failed' : 'restarting';
    slot.failures++;
    slot.firstSettled();
    if (this.crashLooping()) {
      for (const waiter of this.waiters.splice(0)) waiter.reject(unavailable());
    }
    if (this.closed) return;
    const { restartBackoffMs, maxRestartBackoffMs } = this.options.placement;
    const delay = Math.min(restartBackoffMs * 2 ** (slot.failures - 1), maxRestartBackoffMs);
    slot.timer = setTimeout(() => {
      slot.restarts++;
      this.launch(slot);
    }, delay);
  }
}

function targetName(target: ReplicaTarget): string {
  return target.kind === 'app' ? target.appId : target.exportName;
}

function unavailable(): SluiceError {
  return new SluiceError('app_unavailable', 'The app failed to start');
}
