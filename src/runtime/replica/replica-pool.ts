import { SluiceError } from '../../errors/sluice-error.js';
import type { RunOutcome } from '../execute-run.js';
import type {
  AppStatus,
  ReplicaCounts,
  ReplicaStatus,
  RuntimeJob,
  ScaleObserver,
  ScaleStatus,
} from '../runtime.js';
import type { ResolvedPlacement } from '../placement.js';
import type { Logger } from 'pino';
import { FailureLog } from '../failure-log.js';
import { ReplicaGroup, type ReplicaFailure } from './replica-group.js';
import type { ReplicaTarget } from './replica-protocol.js';
import { stateKeyOf } from '../state-key.js';
import { endWaiting } from '../end-waiting.js';
import { heldKeysFirst, scheduleRun, type KeyHolder } from '../key-placement.js';
import { PoolScaler } from './pool-scaler.js';
import type { ScaledReplica } from './scale-policy.js';

/** One replica's place in the pool, across its restarts. */
interface ReplicaSlot {
  readonly index: number;
  group: ReplicaGroup | undefined;
  /** `stopped`: an autoscaled slot with no replica, by the policy's decision. */
  state: ReplicaStatus['state'] | 'stopped';
  /** When its replica was last launched (ms), for its cold start's duration. */
  launchedAt: number;
  /** When its last run ended or it became ready with none (ms); `undefined` while busy. */
  idleSince: number | undefined;
  /** The policy is stopping it: its going down is no failure. */
  stopping: boolean;
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
 * slot. A run that finds none waits for one, unless it is cancelled first. An autoscaled
 * app (`replicas: { min, max }`) starts and stops replicas as its {@link PoolScaler} decides.
 *
 * @example
 * const pool = new ReplicaPool({ target, placement });
 * await pool.start();
 * const outcome = await pool.execute(job);
 */
export class ReplicaPool {
  private readonly slots: ReplicaSlot[];
  private readonly settled: Promise<void>[] = [];
  private started: Promise<void> | undefined;
  private waiters: Waiter[] = [];
  private closed = false;
  private switchCount = 0;
  private readonly failures = new FailureLog();
  private readonly scaler: PoolScaler<ReplicaSlot> | undefined;
  private readonly scaleObservers: ScaleObserver[] = [];
  private readonly capacityListeners = new Set<() => void>();

  constructor(
    private readonly options: {
      readonly target: ReplicaTarget;
      readonly placement: ResolvedPlacement;
      /** Requests one run slot holds: a batched endpoint's `maxSize` (default 1). */
      readonly requestsPerSlot?: number;
    },
  ) {
    const { scale } = options.placement;
    this.slots = Array.from({ length: options.placement.replicas }, (_, index) => {
      let firstSettled = () => undefined as void;
      this.settled.push(new Promise((resolve) => (firstSettled = resolve)));
      return {
        index,
        group: undefined,
        state: scale ? ('stopped' as const) : ('starting' as const),
        launchedAt: 0,
        idleSince: undefined,
        stopping: false,
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
    this.scaler = scale && this.scalerOf(scale);
  }

  /**
   * Starts every replica (an autoscaled app: its `min`); resolves once each has been ready
   * or failed once.
   */
  start(): Promise<void> {
    if (this.started) return this.started;
    if (this.scaler) this.scaler.rescale();
    else for (const slot of this.slots) if (!this.closed) this.launch(slot);
    const launched = this.slots.filter((slot) => slot.state !== 'stopped');
    this.started = Promise.all(launched.map((slot) => this.settled[slot.index]!)).then(
      () => undefined,
    );
    return this.started;
  }

  /**
   * Replicas × runs per replica: dead and restarting replicas count, as they come back.
   * An autoscaled app counts its ready replicas only (requests wait in the dispatcher's
   * queue meanwhile), or all of `max` while every replica fails its setup, so that
   * requests are refused at once.
   */
  get capacity(): number {
    if (!this.scaler || this.crashLooping())
      return this.options.placement.replicas * this.perReplica;
    return this.slots.filter((slot) => slot.state === 'ready').length * this.perReplica;
  }

  /** Whether the pool scales with demand (`replicas: { min, max }`) rather than holding a fixed count. */
  get autoscaled(): boolean {
    return this.scaler !== undefined;
  }

  /** The dispatcher's count of this app's running and waiting requests (autoscaled apps scale to it). */
  demand(requests: number): void {
    this.scaler?.demand(requests);
  }

  /** Calls `listener` when an autoscaled app's capacity changed; returns the unsubscribe. */
  onCapacityChange(listener: () => void): () => void {
    this.capacityListeners.add(listener);
    return () => this.capacityListeners.delete(listener);
  }

  /** Where scale decisions and cold starts go. */
  observeScaling(observer: ScaleObserver): void {
    this.scaleObservers.push(observer);
  }

  /** Replicas up or coming, ready, and wanted. */
  replicaCounts(): ReplicaCounts {
    const live = this.liveSlots();
    return {
      appId: targetName(this.options.target),
      current: live.length,
      ready: live.filter((slot) => slot.state === 'ready').length,
      desired: this.scaler ? this.scaler.desired : this.slots.length,
    };
  }

  /** Requests one replica holds at once: its run slots, each a whole batch for batched endpoints. */
  private get perReplica(): number {
    return this.options.placement.maxConcurrency * (this.options.requestsPerSlot ?? 1);
  }

  /** Times a replica switched from one state key to another. */
  get stateSwitches(): number {
    return this.switchCount;
  }

  /**
   * The app's state and its replicas. An autoscaled app with `min: 0` is `ready` while
   * none is up: its requests wait for the replica they start.
   */
  status(): AppStatus {
    const live = this.liveSlots();
    const replicas = live.map((slot) => this.slotStatus(slot));
    const scale = this.scaleStatus();
    const extra = scale ? { replicas, scale } : { replicas };
    if (this.crashLooping()) {
      const error = live.find((slot) => slot.lastError)?.lastError ?? 'setup failed';
      return { state: 'failed', reason: 'setup failed', error, ...extra };
    }
    if (live.some((slot) => slot.state === 'ready') || scale?.min === 0)
      return { state: 'ready', ...extra };
    return { state: 'starting', ...extra };
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
    this.scaler?.close();
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
      state: slot.state === 'stopped' ? 'starting' : slot.state,
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

  /** No replica is ready and every one up or coming failed its latest setup. */
  private crashLooping(): boolean {
    const live = this.liveSlots();
    return live.length > 0 && live.every((slot) => slot.setupFailing && slot.state !== 'ready');
  }

  /** Slots with a replica up or coming (every slot of a fixed count). */
  private liveSlots(): ReplicaSlot[] {
    return this.slots.filter((slot) => slot.state !== 'stopped');
  }

  private scaleStatus(): ScaleStatus | undefined {
    const { scale } = this.options.placement;
    if (!scale || !this.scaler) return undefined;
    return { ...scale, current: this.liveSlots().length, desired: this.scaler.desired };
  }

  private scalerOf(scale: NonNullable<ResolvedPlacement['scale']>): PoolScaler<ReplicaSlot> {
    const appId = targetName(this.options.target);
    return new PoolScaler<ReplicaSlot>({
      scale,
      perReplica: this.perReplica,
      live: () => this.liveSlots(),
      view: scaledView,
      waitingInPool: () => this.waiters.length,
      start: (count) => {
        const stopped = this.slots.filter((slot) => slot.state === 'stopped' && !slot.timer);
        for (const slot of stopped.slice(0, count)) this.launch(slot);
      },
      stop: (slots) => {
        for (const slot of slots) this.stop(slot);
      },
      decided: (direction, reason, count) => {
        for (const observer of this.scaleObservers)
          observer.decided({ appId, direction, reason, count });
      },
    });
  }

  /** Stops an idle replica the policy no longer wants. */
  private stop(slot: ReplicaSlot): void {
    if (!slot.group) return;
    slot.stopping = true;
    void slot.group.kill();
  }

  private capacityChanged(): void {
    if (!this.scaler) return;
    for (const listener of this.capacityListeners) listener();
  }

  /**
   * Where a run goes, by the keyed-state rule (`scheduleRun`): the least-loaded ready
   * replica with room; a keyed run prefers one holding its key, else takes an idle one;
   * once a replica's turn is over, a waiting key sets it aside, and it drains and switches.
   * The chosen replica holds the run's key from now on.
   */
  private place(job: RuntimeJob): ReplicaGroup | undefined {
    const views = this.slots
      .filter((slot) => slot.state === 'ready' && slot.group && !slot.stopping)
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
    if (holder) holder.slot.idleSince = undefined;
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
      this.scaler?.rescale();
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
    slot.launchedAt = Date.now();
    slot.idleSince = undefined;
    slot.group = new ReplicaGroup({
      target: this.options.target,
      placement: this.options.placement,
      events: {
        ready: () => this.ready(slot),
        down: (failure) => this.down(slot, failure),
        freed: () => {
          if (slot.group?.load === 0) slot.idleSince = Date.now();
          this.drain();
          this.scaler?.rescale();
        },
      },
    });
  }

  private ready(slot: ReplicaSlot): void {
    slot.state = 'ready';
    slot.failures = 0;
    slot.setupFailing = false;
    slot.idleSince = Date.now();
    slot.firstSettled();
    const seconds = (slot.idleSince - slot.launchedAt) / 1000;
    const appId = targetName(this.options.target);
    for (const observer of this.scaleObservers) observer.coldStart(appId, seconds);
    this.drain();
    this.capacityChanged();
    this.scaler?.rescale();
  }

  private down(slot: ReplicaSlot, failure: ReplicaFailure): void {
    if (slot.stopping) return this.stopped(slot);
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
    this.capacityChanged();
    if (this.closed) return;
    const { restartBackoffMs, maxRestartBackoffMs } = this.options.placement;
    const delay = Math.min(restartBackoffMs * 2 ** (slot.failures - 1), maxRestartBackoffMs);
    slot.timer = setTimeout(() => this.restart(slot), delay);
  }

  /** After its backoff: a fixed count's replica starts again; an autoscaled one if still wanted. */
  private restart(slot: ReplicaSlot): void {
    slot.restarts++;
    if (!this.scaler) return this.launch(slot);
    slot.timer = undefined;
    slot.state = 'stopped';
    this.scaler.rescale();
  }

  /** An idle replica the policy stopped is gone: its slot waits for the next scale-up. */
  private stopped(slot: ReplicaSlot): void {
    slot.stopping = false;
    slot.group = undefined;
    slot.state = 'stopped';
    slot.idleSince = undefined;
    this.capacityChanged();
  }
}

function scaledView(slot: ReplicaSlot): ScaledReplica {
  return {
    state: slot.state === 'ready' ? 'ready' : 'starting',
    running: slot.group?.load ?? 0,
    idleSince: slot.idleSince,
  };
}

function targetName(target: ReplicaTarget): string {
  return target.kind === 'app' ? target.appId : target.exportName;
}

function unavailable(): SluiceError {
  return new SluiceError('app_unavailable', 'The app failed to start');
}
