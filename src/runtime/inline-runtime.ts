import type { App } from '../app/define-app.js';
import { SluiceError } from '../errors/sluice-error.js';
import { executeRun, type RunJob, type RunOutcome } from './execute-run.js';

/** One replica of a process app, as `/ready` and `/apps` report it. */
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
  /** Why it last went down, if it has. */
  readonly lastError?: string;
}

/** Where an app stands in its lifecycle, as `/ready` and `/apps` report it. Process apps list their replicas. */
export type AppStatus =
  | { readonly state: 'starting'; readonly replicas?: readonly ReplicaStatus[] }
  | { readonly state: 'ready'; readonly replicas?: readonly ReplicaStatus[] }
  | {
      readonly state: 'failed';
      readonly error: string;
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
}

interface SetupState {
  status: AppStatus;
  state: Promise<unknown>;
  /** What setup returned, once it has. */
  value?: unknown;
}

/**
 * Runs apps in the gateway's own process: the embedded default. `setup` runs once per app;
 * runs that arrive while it is still going wait for it.
 *
 * @example
 * const runtime = new InlineRuntime([textApp]);
 * await runtime.start();
 */
export class InlineRuntime implements Runtime {
  private readonly setups = new Map<string, SetupState>();
  private started: Promise<void> | undefined;

  /**
   * @param maxConcurrency Runs of each app at once, over the apps' own `maxConcurrency`
   *   (default: theirs, else unbounded).
   */
  constructor(
    private readonly apps: readonly App[],
    private readonly maxConcurrency?: number,
  ) {}

  start(): Promise<void> {
    this.started ??= Promise.all(this.apps.map((app) => this.setUp(app))).then(() => undefined);
    return this.started;
  }

  status(appId: string): AppStatus {
    return this.setups.get(appId)?.status ?? { state: 'starting' };
  }

  capacity(appId: string): number {
    const app = this.apps.find((candidate) => candidate.id === appId);
    return this.maxConcurrency ?? app?.placement.maxConcurrency ?? Infinity;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  execute(job: RuntimeJob): Promise<RunOutcome> {
    void this.start();
    const setup = this.setups.get(job.app.id);
    if (!setup) return Promise.reject(new SluiceError('not_found', 'The app is not served here'));
    if (setup.status.state === 'ready') return executeRun({ ...job, state: setup.value });
    return this.afterSetup(setup, job);
  }

  /** A request that arrives during setup waits for it, but ends at once if cancelled meanwhile. */
  private afterSetup(setup: SetupState, job: RuntimeJob): Promise<RunOutcome> {
    const cancelled = new Promise<undefined>((resolve) => {
      job.control.signal.addEventListener('abort', () => resolve(undefined), { once: true });
    });
    return Promise.race([setup.state, cancelled]).then(
      (state) => executeRun({ ...job, state }),
      () => Promise.reject(new SluiceError('app_unavailable', 'The app failed to start')),
    );
  }

  private async setUp(app: App): Promise<void> {
    const entry: SetupState = { status: { state: 'starting' }, state: Promise.resolve() };
    this.setups.set(app.id, entry);
    entry.state = Promise.resolve().then(() => app.setup());
    try {
      entry.value = await entry.state;
      entry.status = { state: 'ready' };
    } catch (error) {
      entry.status = {
        state: 'failed',
        error: error instanceof Error ? error.message : String(error),
      };
      entry.state.catch(() => undefined);
    }
  }
}
