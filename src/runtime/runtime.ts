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
  /** `restarting`: it died and waits for its backoff; `failed`: its setup failed and it waits for its backoff. */
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
 * Where an app stands in its lifecycle, as `/ready` and `/apps` report it. Process apps list
 * their replicas. A failed app says `reason` to everyone; `error`, the text its setup
 * raised, is for the operator only.
 */
export type AppStatus =
  | { readonly state: 'starting'; readonly replicas?: readonly ReplicaStatus[] }
  | { readonly state: 'ready'; readonly replicas?: readonly ReplicaStatus[] }
  | {
      readonly state: 'failed';
      readonly reason: DownReason;
      readonly error?: string;
      readonly replicas?: readonly ReplicaStatus[];
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
   * `maxConcurrency`; `Infinity` when unbounded). The dispatcher starts no more than this;
   * the rest wait in its queue.
   */
  capacity(appId: string): number;
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
