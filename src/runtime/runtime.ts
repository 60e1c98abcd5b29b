import type { Logger } from 'pino';
import type { RunJob, RunOutcome } from './execute-run.js';

/** Why an app or replica is down, in words safe for anyone to read (never the app's own error text). */
export type DownReason = 'setup failed' | 'replica went down';

/**
 * One replica of a process app, as `/ready` and `/apps` report it. `pids` and `lastError`
 * are for the operator: open routes leave them out (see `publicStatus`).
 */
export interface ReplicaStatus {
  /** The replica's number, 0 to `replicas - 1`. */
  readonly replica: number;
  /**
   * `restarting`: it died and waits for its backoff; `failed`: its setup failed and it
   * waits for its backoff. An autoscaled app lists only the replicas that are up or coming.
   */
  readonly state: 'starting' | 'ready' | 'restarting' | 'failed';
  /** Process ids of its ranks (one unless it is a worker group); empty while it waits. */
  readonly pids: readonly number[];
  /** Runs it holds now. */
  readonly running: number;
  /** How many times it has been restarted. */
  readonly restarts: number;
  /** Why it last went down, if it has: a generic reason. */
  readonly reason?: DownReason;
  /** Why it last went down, as raised (the app's setup error may hold secrets). */
  readonly lastError?: string;
}

/**
 * An autoscaled app's replica counts, as `/ready` reports them: its bounds, how many
 * replicas are up or starting (`current`), and how many the policy wants (`desired`).
 */
export interface ScaleStatus {
  readonly min: number;
  readonly max: number;
  readonly keepAliveMs: number;
  readonly current: number;
  readonly desired: number;
}

/** Which way a scale decision went, and why (see `decideScale`). */
export type ScaleDirection = 'up' | 'down';

/** One scale decision that started or stopped `count` replicas of an app. */
export interface ScaleEvent {
  readonly appId: string;
  readonly direction: ScaleDirection;
  /** `queue`: requests wait; `min`: below the app's `min`; `idle`: idle past the keep-alive. */
  readonly reason: 'queue' | 'min' | 'idle';
  readonly count: number;
}

/** What sees an app's replicas scale and start (the gateway's metrics). */
export interface ScaleObserver {
  /** Replicas started (`up`) or stopped (`down`), and why. */
  readonly decided: (decision: ScaleEvent) => void;
  /** A replica (or worker group) took this long from its start to ready. */
  readonly coldStart: (appId: string, seconds: number) => void;
}

/** An app's replicas now and wanted, for every process app (a fixed count wants itself). */
export interface ReplicaCounts {
  readonly appId: string;
  readonly current: number;
  readonly ready: number;
  readonly desired: number;
}

/**
 * Where an app stands in its lifecycle, as `/ready` and `/apps` report it. Process apps list
 * their replicas; autoscaled ones add their `scale`. A failed app says `reason` to everyone; `error`, the text its setup
 * raised, is for the operator only.
 */
export type AppStatus =
  | {
      readonly state: 'starting';
      readonly replicas?: readonly ReplicaStatus[];
      readonly scale?: ScaleStatus;
    }
  | {
      readonly state: 'ready';
      readonly replicas?: readonly ReplicaStatus[];
      readonly scale?: ScaleStatus;
    }
  | {
      readonly state: 'failed';
      readonly reason: DownReason;
      readonly error?: string;
      readonly replicas?: readonly ReplicaStatus[];
      readonly scale?: ScaleStatus;
    };

/** A run to execute, before the runtime adds the app's state. */
export type RuntimeJob = Omit<RunJob, 'state'>;

/**
 * Where run code executes. The gateway and dispatcher know only this interface; inline,
 * replica pools and worker groups implement it.
 */
export interface Runtime {
  /** Starts every app's `setup`; resolves when all have finished or failed. */
  start(): Promise<void>;
  status(appId: string): AppStatus;
  /**
   * How many runs of this app the runtime can execute at once (replicas × their
   * `maxConcurrency`; `Infinity` when unbounded; an autoscaled app counts its ready
   * replicas). The dispatcher starts no more than this; the rest wait in its queue.
   */
  capacity(appId: string): number;
  /** The apps whose replicas scale with demand (`replicas: { min, max }`). Optional. */
  readonly autoscaledApps?: readonly string[];
  /**
   * How many requests of an app run or wait (the dispatcher tells it for each of
   * `autoscaledApps` whenever it has looked at its queue): an autoscaled app scales its
   * replicas to them. Optional.
   */
  demand?(appId: string, requests: number): void;
  /**
   * Calls `listener` when an app's capacity changed on its own (an autoscaled replica is
   * ready or stopped), so the dispatcher looks at its queue again; returns the unsubscribe.
   * Optional.
   */
  onCapacityChange?(listener: (appId: string) => void): () => void;
  /** Where scale decisions and cold starts are reported (the gateway's metrics). Optional. */
  observeScaling?(observer: ScaleObserver): void;
  /** Every process app's replica counts, for metrics. Optional. */
  replicaCounts?(): readonly ReplicaCounts[];
  execute(job: RuntimeJob): Promise<RunOutcome>;
  /** Stops every replica and releases what the runtime holds. */
  close(): Promise<void>;
  /** Times a replica switched from one state key to another (`stateKey`); optional. */
  stateSwitches?(): number;
  /**
   * Where setup failures and replica deaths are logged, once each, with the app, replica
   * and stack: failures from before the call are written then. Optional for a runtime of
   * your own.
   */
  logTo?(logger: Logger): void;
}
