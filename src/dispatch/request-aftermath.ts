import type { Logger } from 'pino';
import type { EventLog } from '../events/event-log.js';
import type { NewEvent } from '../events/event-types.js';
import { readTerminal } from '../events/read-terminal.js';
import { WEBHOOK_SETTLE_MS } from './dispatch-defaults.js';
import type { DispatchObserver } from './dispatch-observer.js';
import { outcomeOf } from './terminal-outcome.js';
import { observed, type TrackedRequest } from './tracked-request.js';
import { deliverWebhook, webhookBody, type WebhookPolicy } from './webhook-delivery.js';

/** The signal of a read that is never abandoned. */
const NEVER = new AbortController().signal;

/** What the aftermath needs. */
export interface AftermathOptions {
  readonly eventLog: EventLog;
  readonly logger: Logger;
  readonly observer: DispatchObserver;
  readonly webhookPolicy: WebhookPolicy;
}

/** Where the webhook goes, when not the submission's own URL. */
export interface WebhookTarget {
  /** `undefined`: no webhook (another process delivers it). */
  readonly webhookUrl: string | undefined;
}

/**
 * What follows a request's terminal event: its outcome in the metrics and the logs, and
 * its webhook, delivered in the background with retries.
 *
 * @example
 * await aftermath.record(tracked);
 */
export class RequestAftermath {
  private readonly deliveries = new Set<Promise<void>>();

  constructor(private readonly options: AftermathOptions) {}

  /**
   * Resolves once every webhook in delivery has settled, or after `WEBHOOK_SETTLE_MS`:
   * one settle time for every backend's shutdown.
   */
  async webhooksSettled(): Promise<void> {
    if (this.deliveries.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, WEBHOOK_SETTLE_MS);
    });
    await Promise.race([Promise.all(this.deliveries), timeout]);
    clearTimeout(timer);
  }

  /** Records an ended request's outcome and sends its webhook (to `target`'s URL if given). */
  async record(tracked: TrackedRequest, target?: WebhookTarget): Promise<void> {
    const { requestId } = tracked.record;
    const terminal = await readTerminal(this.options.eventLog, requestId, NEVER).catch(
      () => undefined,
    );
    this.recordEnded(tracked, terminal, target);
  }

  /**
   * {@link record} for a request whose terminal event the caller knows (a cache hit, a
   * request that shared another's run, a run whose terminal event went through the
   * dispatcher): the log is not read again.
   */
  recordEnded(
    tracked: TrackedRequest,
    terminal: NewEvent | undefined,
    target?: WebhookTarget,
  ): void {
    const { requestId } = tracked.record;
    this.recordOutcome(tracked, outcomeOf(terminal));
    const url = target ? target.webhookUrl : tracked.submission.webhookUrl;
    if (!url || !terminal) return;
    const delivery = this.sendWebhook(tracked, { url, body: webhookBody(requestId, terminal) });
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }

  /**
   * Records how a request ended (`ok` or an error code) as another process reported it,
   * with no webhook: that process sends it.
   */
  recordOutcome(tracked: TrackedRequest, outcome: string): void {
    const { startedAt, endedAt } = tracked;
    const runSeconds =
      startedAt === undefined || endedAt === undefined ? undefined : (endedAt - startedAt) / 1000;
    this.options.observer.finished(observed(tracked), outcome, runSeconds);
    this.logOutcome(tracked, outcome);
  }

  private async sendWebhook(
    tracked: TrackedRequest,
    { url, body }: { url: string; body: ReturnType<typeof webhookBody> },
  ): Promise<void> {
    const { logger } = this.options;
    const { requestId } = tracked.record;
    const delivered = await deliverWebhook({
      url,
      body,
      policy: this.options.webhookPolicy,
      onAttemptFailed: (attempt, problem) =>
        logger.warn({ requestId, attempt, problem }, 'webhook delivery failed'),
    });
    if (delivered) return logger.debug({ requestId }, 'webhook delivered');
    logger.error({ requestId }, 'webhook not delivered');
    this.options.observer.webhookFailed(observed(tracked));
  }

  private logOutcome(tracked: TrackedRequest, outcome: string): void {
    const { logger } = this.options;
    if (outcome === 'ok' && !logger.isLevelEnabled('info')) return; // the busiest case, unlogged
    const { requestId, appId } = tracked.record;
    const fields = { requestId, app: appId, view: tracked.submission.view ?? 'sync' };
    if (outcome === 'ok') return logger.info(fields, 'run completed');
    if (outcome === 'cancelled')
      return logger.info({ ...fields, code: outcome }, 'request cancelled');
    logger.warn({ ...fields, code: outcome }, 'request failed');
  }
}
