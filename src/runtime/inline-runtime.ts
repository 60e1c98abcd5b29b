import type { App } from '../app/define-app.js';
import { SluiceError } from '../errors/sluice-error.js';
import { batchSlots } from '../app/sync-path.js';
import {
  executeRun,
  lateEmitMessage,
  warnLateEmit,
  type LateEmit,
  type RunOutcome,
} from './execute-run.js';
import type { Logger } from 'pino';
import { FailureLog } from './failure-log.js';
import type { AppStatus, Runtime, RuntimeJob } from './runtime.js';
import { endWaiting } from './end-waiting.js';
import { HeldState } from './held-state.js';
import { KeyedGate } from './keyed-gate.js';
import { trackSettlement } from './replica/track-settlement.js';
import { stateKeyOf } from './state-key.js';

interface SetupState {
  status: AppStatus;
  state: Promise<unknown>;
  /** What setup returned, once it has. */
  value?: unknown;
}

const stateKeyed = new WeakMap<App, boolean>();

/** Whether any of the app's endpoints has a `stateKey`: asked once per app, not once per run. */
function hasStateKey(app: App): boolean {
  let keyed = stateKeyed.get(app);
  if (keyed === undefined) {
    keyed = [...app.endpoints.values()].some((endpoint) => endpoint.stateKey !== undefined);
    stateKeyed.set(app, keyed);
  }
  return keyed;
}

/** The keyed state of an app with a `stateKey`: who runs when, and what the process holds. */
interface KeyedState {
  readonly gate: KeyedGate;
  readonly held: HeldState;
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
  private readonly keyed = new Map<string, KeyedState>();
  private readonly failures = new FailureLog();
  private started: Promise<void> | undefined;
  private logger: Logger | undefined;

  /**
   * @param maxConcurrency Runs of each app at once, over the apps' own `maxConcurrency`
   *   (default: theirs, else unbounded).
   */
  constructor(
    private readonly apps: readonly App[],
    private readonly maxConcurrency?: number,
  ) {}

  /** Times an app of this process switched from one state key to another. */
  stateSwitches(): number {
    let switches = 0;
    for (const { gate } of this.keyed.values()) switches += gate.switches;
    return switches;
  }

  start(): Promise<void> {
    this.started ??= Promise.all(this.apps.map((app) => this.setUp(app))).then(() => undefined);
    return this.started;
  }

  status(appId: string): AppStatus {
    return this.setups.get(appId)?.status ?? { state: 'starting' };
  }

  capacity(appId: string): number {
    const app = this.apps.find((candidate) => candidate.id === appId);
    const slots = app ? batchSlots(app.endpoints.values()) : 1;
    return (this.maxConcurrency ?? app?.placement.maxConcurrency ?? Infinity) * slots;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  logTo(logger: Logger): void {
    this.logger = logger;
    this.failures.logTo(logger);
  }

  execute(runtimeJob: RuntimeJob): Promise<RunOutcome> {
    const job = { onLateEmit: this.warnLateEmit, ...runtimeJob };
    void this.start();
    const setup = this.setups.get(job.app.id);
    if (!setup) return Promise.reject(new SluiceError('not_found', 'The app is not served here'));
    if (setup.status.state === 'ready') return this.run(job, setup.value);
    return this.afterSetup(setup, job);
  }

  /**
   * Runs a job with its app's state; a keyed one in its key's turn, after `enterState`.
   * (`{ state, ...job }`, not `{ ...job, state }`: in this V8 an object literal that starts
   * with a spread and adds a property after it gets a hidden class of its own, which costs
   * each run's job about 300 bytes and makes every read of it megamorphic.)
   */
  private run(job: RuntimeJob, state: unknown): Promise<RunOutcome> {
    const keyed = this.keyedStateOf(job.app, state);
    if (!keyed) return executeRun({ state, ...job });
    return this.runKeyed(job, state, keyed);
  }

  private async runKeyed(job: RuntimeJob, state: unknown, keyed: KeyedState): Promise<RunOutcome> {
    const key = stateKeyOf(job);
    const release = await keyed.gate.acquire(key, job.control.signal);
    if (!release) return endWaiting(job);
    try {
      const tracked = trackSettlement(await keyed.held.endpointFor(job.endpoint, key));
      const outcome = await executeRun({ state, ...job, endpoint: tracked.endpoint });
      // A cancelled run ends at once; its key is held until its code has returned.
      void tracked.settled().then(release);
      return outcome;
    } catch (error) {
      release();
      throw error;
    }
  }

  private keyedStateOf(app: App, state: unknown): KeyedState | undefined {
    let keyed = this.keyed.get(app.id);
    if (keyed || !hasStateKey(app)) return keyed;
    const gate = new KeyedGate(this.capacity(app.id));
    this.keyed.set(app.id, (keyed = { gate, held: new HeldState(state) }));
    return keyed;
  }

  private readonly warnLateEmit = (late: LateEmit): void => {
    if (!this.logger) return warnLateEmit(late);
    const { requestId, app, endpoint } = late;
    this.logger.warn({ requestId, app, endpoint }, lateEmitMessage(late));
  };

  /** A request that arrives during setup waits for it, but ends at once if cancelled meanwhile. */
  private afterSetup(setup: SetupState, job: RuntimeJob): Promise<RunOutcome> {
    const cancelled = new Promise<undefined>((resolve) => {
      job.control.signal.addEventListener('abort', () => resolve(undefined), { once: true });
    });
    return Promise.race([setup.state, cancelled]).then(
      // Cancelled meanwhile: executeRun ends it at once, before any keyed state is made.
      (state) => (job.control.aborted ? executeRun({ state, ...job }) : this.run(job, state)),
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
      const text = error instanceof Error ? error.message : String(error);
      entry.status = { state: 'failed', reason: 'setup failed', error: text };
      this.failures.record({ appId: app.id, inSetup: true, error });
      entry.state.catch(() => undefined);
    }
  }
}
