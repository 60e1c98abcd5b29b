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
    if (setup.status.state === 'ready') return executeRun({ ...job, state: setup.value });
    return this.afterSetup(setup, job);
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
      const text = error instanceof Error ? error.message : String(error);
      entry.status = { state: 'failed', reason: 'setup failed', error: text };
      this.failures.record({ appId: app.id, inSetup: true, error });
      entry.state.catch(() => undefined);
    }
  }
}
