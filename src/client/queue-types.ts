/** A log line of a queued request, in fal's shape. */
export interface QueueLog {
  readonly message: string;
  readonly level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly source: 'USER';
  readonly timestamp: string;
}

/** The URLs every queue answer carries. */
export interface QueueUrls {
  readonly status_url: string;
  readonly response_url: string;
  readonly cancel_url: string;
  readonly stream_url: string;
}

/** A queued request's status, as the gateway answers it (fal's shape). */
export type QueueStatus = QueueUrls & { readonly request_id: string } & (
    | { readonly status: 'IN_QUEUE'; readonly queue_position: number }
    | { readonly status: 'IN_PROGRESS'; readonly logs?: readonly QueueLog[] }
    | {
        readonly status: 'COMPLETED';
        readonly logs?: readonly QueueLog[];
        readonly metrics?: { readonly inference_time: number | null };
        readonly error?: string;
        readonly error_type?: string;
      }
  );

/** The answer of `client.queue.submit`: the request waits in the queue. */
export type QueueSubmitted = QueueUrls & {
  readonly request_id: string;
  readonly status: 'IN_QUEUE';
  readonly queue_position: number;
};

/** Options of `client.queue.submit` (and of `client.subscribe`). */
export interface SubmitOptions<Path extends `/${string}` = `/${string}`> {
  /** An endpoint's sub-path such as `/img2img` (default: the app's default endpoint). */
  readonly path?: Path;
  /** Higher starts first, from -1000 to 1000 (`x-sluice-priority`; default 0). */
  readonly priority?: number;
  /** End with `timeout` if not started within this many seconds (`x-fal-request-timeout`). */
  readonly startTimeoutSeconds?: number;
  /** End the run with `timeout` after this many seconds; it only shortens the app's deadline. */
  readonly runTimeoutSeconds?: number;
  /** An `http(s)` URL the gateway POSTs the outcome to. */
  readonly webhookUrl?: string;
  readonly signal?: AbortSignal;
}

/** Options of `client.queue.status` and `client.queue.statusStream`. */
export interface StatusOptions {
  /** Include the request's log lines (`?logs=1`). */
  readonly logs?: boolean;
  readonly signal?: AbortSignal;
}

/** Options of `client.queue.result`: the endpoint path types the output. */
export interface ResultOptions<Path extends `/${string}` = `/${string}`> {
  readonly path?: Path;
  readonly signal?: AbortSignal;
}

/** Options of `client.subscribe`. */
export interface SubscribeOptions<
  Path extends `/${string}` = `/${string}`,
> extends SubmitOptions<Path> {
  /** Called with every status while the request waits and runs, the last one `COMPLETED`. */
  readonly onQueueUpdate?: (status: QueueStatus) => void;
  /** Called once the request is in the queue, with its id (to cancel or attach later). */
  readonly onEnqueue?: (requestId: string) => void;
  /** Include log lines in the statuses (default false). */
  readonly logs?: boolean;
}
