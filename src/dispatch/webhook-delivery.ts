import type { NewEvent } from '../events/event-types.js';
import { errorFromEvent } from './terminal-outcome.js';

/** How hard to try to deliver a webhook. */
export interface WebhookPolicy {
  /** Deliveries tried in all, at least 1 (default 5). */
  readonly attempts: number;
  /** Wait before the second attempt; each later wait doubles (default 500 ms). */
  readonly baseDelayMs: number;
  /** How long one attempt may take (default 10 s). */
  readonly timeoutMs: number;
}

/**
 * Defaults of {@link WebhookPolicy}.
 *
 * @example
 * deliverWebhook({ url, body, policy: DEFAULT_WEBHOOK_POLICY });
 */
export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  timeoutMs: 10_000,
};

/** The body fal posts to a webhook, which sluice posts too. */
export interface WebhookBody {
  readonly request_id: string;
  readonly gateway_request_id: string;
  readonly status: 'OK' | 'ERROR';
  readonly payload: unknown;
  readonly error: string | null;
}

/**
 * The webhook body of a request's terminal event: `OK` with the output, or `ERROR` with
 * the message and `{detail, error_type}` as payload.
 *
 * @example
 * const body = webhookBody(requestId, terminalEvent);
 */
export function webhookBody(requestId: string, terminal: NewEvent): WebhookBody {
  const base = { request_id: requestId, gateway_request_id: requestId };
  if (terminal.type !== 'error')
    return { ...base, status: 'OK', payload: JSON.parse(terminal.json) as unknown, error: null };
  const error = errorFromEvent(terminal);
  return {
    ...base,
    status: 'ERROR',
    payload: { detail: error.message, error_type: error.code },
    error: error.message,
  };
}

/** One delivery to make. */
export interface WebhookDelivery {
  readonly url: string;
  readonly body: WebhookBody;
  readonly policy: WebhookPolicy;
  /** Called after each failed attempt, with what went wrong. */
  readonly onAttemptFailed?: (attempt: number, problem: string) => void;
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

async function attemptOnce(delivery: WebhookDelivery): Promise<'delivered' | 'retry' | 'refused'> {
  const response = await fetch(delivery.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(delivery.body),
    signal: AbortSignal.timeout(delivery.policy.timeoutMs),
  });
  await response.body?.cancel();
  if (response.ok) return 'delivered';
  return isRetryableStatus(response.status) ? 'retry' : 'refused';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POSTs a webhook body, retrying with exponential backoff on 429, 5xx and connection
 * errors, at most `policy.attempts` times. Resolves `true` once delivered, `false` when
 * every attempt failed or the receiver refused it (another 4xx). Never rejects.
 *
 * @example
 * const delivered = await deliverWebhook({ url, body, policy: DEFAULT_WEBHOOK_POLICY });
 */
export async function deliverWebhook(delivery: WebhookDelivery): Promise<boolean> {
  const { attempts, baseDelayMs } = delivery.policy;
  for (let attempt = 1; attempt <= Math.max(1, attempts); attempt++) {
    let outcome: 'delivered' | 'retry' | 'refused';
    let problem: string;
    try {
      outcome = await attemptOnce(delivery);
      problem = `answered ${outcome}`;
    } catch (error) {
      outcome = 'retry';
      problem = error instanceof Error ? error.message : String(error);
    }
    if (outcome === 'delivered') return true;
    delivery.onAttemptFailed?.(attempt, problem);
    if (outcome === 'refused') return false;
    if (attempt < attempts) await sleep(baseDelayMs * 2 ** (attempt - 1));
  }
  return false;
}
