import { until } from '../support/sse-client.js';

/** One HTTP answer: status, headers and JSON body. */
export interface JsonAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

async function json(response: Response): Promise<JsonAnswer> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** Options of {@link QueueClient} calls. */
export interface CallOptions {
  readonly headers?: Record<string, string>;
  readonly query?: string;
}

/**
 * A thin queue client over fetch for tests: every call is a real HTTP request.
 *
 * @example
 * const queue = new QueueClient(gateway.url, 'qtest/gate');
 * const { body } = await queue.submit({ key: 'a' });
 */
export class QueueClient {
  constructor(
    private readonly base: string,
    private readonly appId: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async submit(input: unknown, options: CallOptions = {}): Promise<JsonAnswer> {
    const query = options.query ? `?${options.query}` : '';
    const response = await fetch(`${this.base}/queue/${this.appId}${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers, ...options.headers },
      body: JSON.stringify(input),
    });
    return json(response);
  }

  /** Submits and returns the request id, failing unless the submit was accepted. */
  async submitId(input: unknown, options: CallOptions = {}): Promise<string> {
    const answer = await this.submit(input, options);
    if (answer.status !== 200)
      throw new Error(`submit answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return String(answer.body.request_id);
  }

  async status(requestId: string, logs = false): Promise<JsonAnswer> {
    const query = logs ? '?logs=1' : '';
    return json(
      await fetch(`${this.requestUrl(requestId)}/status${query}`, { headers: this.headers }),
    );
  }

  async result(requestId: string): Promise<JsonAnswer> {
    return json(await fetch(this.requestUrl(requestId), { headers: this.headers }));
  }

  async cancel(
    requestId: string,
    headers: Record<string, string> = this.headers,
  ): Promise<JsonAnswer> {
    return json(await fetch(`${this.requestUrl(requestId)}/cancel`, { method: 'PUT', headers }));
  }

  /** Polls the status until it is `wanted` (bounded by `until`'s timeout). */
  waitFor(requestId: string, wanted: string): Promise<JsonAnswer> {
    return this.waitUntil(requestId, (status) => status.status === wanted);
  }

  /** Polls the status, with logs, until `check` accepts its body (bounded by `until`'s timeout). */
  async waitUntil(
    requestId: string,
    check: (status: Record<string, unknown>) => boolean,
  ): Promise<JsonAnswer> {
    let last: JsonAnswer | undefined;
    await until(async () => {
      last = await this.status(requestId, true);
      return check(last.body);
    });
    return last!;
  }

  requestUrl(requestId: string): string {
    return `${this.base}/queue/${this.appId}/requests/${requestId}`;
  }
}
