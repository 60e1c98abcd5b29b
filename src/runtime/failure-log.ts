import type { Logger } from 'pino';

/** A setup that failed or a replica that went down. */
export interface RuntimeFailure {
  readonly appId: string;
  /** The replica's number, for process apps. */
  readonly replica?: number;
  readonly inSetup: boolean;
  /** As raised: an Error (with its stack), or its text from a replica process. */
  readonly error: unknown;
  /** The stack a replica process sent with the text. */
  readonly stack?: string;
}

/** Failures kept until a logger is given; older ones are dropped past this. */
const MOST_PENDING = 100;

/**
 * Writes each failure of a runtime to the server log once, at error level: probes show
 * only a generic reason, so the log is where the operator reads the app's own error.
 * Failures before a logger is given wait for it (a runtime is often started first).
 *
 * @example
 * const failures = new FailureLog();
 * failures.record({ appId: 'demo/text', inSetup: true, error });
 * failures.logTo(logger); // writes it now
 */
export class FailureLog {
  private logger: Logger | undefined;
  private pending: RuntimeFailure[] = [];

  logTo(logger: Logger): void {
    this.logger = logger;
    for (const failure of this.pending.splice(0)) this.write(logger, failure);
  }

  record(failure: RuntimeFailure): void {
    if (this.logger) return this.write(this.logger, failure);
    this.pending.push(failure);
    if (this.pending.length > MOST_PENDING) this.pending.shift();
  }

  private write(logger: Logger, failure: RuntimeFailure): void {
    const { appId, replica, inSetup, error, stack } = failure;
    const fields = {
      app: appId,
      ...(replica === undefined ? {} : { replica }),
      err: error instanceof Error ? error : { message: String(error), stack },
    };
    logger.error(fields, inSetup ? 'app setup failed' : 'replica went down');
  }
}
