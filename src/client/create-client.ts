import type { AttachOptions, CallOptions, CancelOptions, ClientOptions } from './client-types.js';
import { settingsOf } from './client-settings.js';
import { EventStream } from './event-stream.js';
import { attachRequest, cancelRequest, postStream, runRequest } from './http-calls.js';
import { openRealtime } from './realtime-client.js';
import type { RealtimeOptions } from './realtime-types.js';
import type { SluiceClient } from './sluice-client.js';
import { StreamDriver, type StreamConnection } from './stream-driver.js';
import type { AppCatalog } from './typed-apps.js';
import { queueResult, queueStatus, queueStatusStream, submitToQueue } from './queue-calls.js';
import type { QueueClient } from './queue-client.js';
import type {
  ResultOptions,
  StatusOptions,
  SubmitOptions,
  SubscribeOptions,
} from './queue-types.js';
import { subscribeToQueue } from './subscribe.js';
import type { Settings } from './client-settings.js';

function queueOf<Apps extends AppCatalog>(settings: Settings): QueueClient<Apps> {
  return {
    submit: (appId: string, input: unknown, options: SubmitOptions = {}) =>
      submitToQueue(settings, { appId, input }, options),
    status: (appId: string, requestId: string, options: StatusOptions = {}) =>
      queueStatus(settings, { appId, requestId }, options),
    statusStream: (appId: string, requestId: string, options: StatusOptions = {}) =>
      queueStatusStream(settings, { appId, requestId }, options),
    result: (appId: string, requestId: string, options: ResultOptions = {}) =>
      queueResult(settings, { appId, requestId }, options.signal),
    cancel: (appId: string, requestId: string, options: CancelOptions = {}) =>
      cancelRequest(settings, { appId, requestId, signal: options.signal }),
  } as unknown as QueueClient<Apps>;
}

function streamOf<Output>(connection: StreamConnection, signal?: AbortSignal): EventStream<Output> {
  return new EventStream<Output>(
    (sink, stop) => new StreamDriver(connection, sink, stop).run(),
    signal,
  );
}

/**
 * Creates a client for a sluice gateway. Works in browsers and Node 20+. Pass the server's
 * apps as the type parameter to type each app's input and output.
 *
 * @example
 * import { createClient } from 'sluice/client';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8000', apiKey: 'secret' });
 * const stream = client.stream('demo/text', { prompt: 'Once upon a time' });
 * for await (const event of stream) if (event.type === 'output') console.log(event.data);
 * console.log(await stream.done());
 * const output = await client.subscribe('demo/text', { prompt: 'Hi' }, {
 *   onQueueUpdate: (status) => console.log(status.status),
 * });
 */
export function createClient<Apps extends AppCatalog = never>(
  options: ClientOptions,
): SluiceClient<Apps> {
  const settings = settingsOf(options);
  const { policy, idleTimeoutMs } = settings;
  return {
    run: (appId: string, input: unknown, call: CallOptions = {}) =>
      runRequest(settings, { appId, path: call.path, input }, call.signal),
    stream: (appId: string, input: unknown, call: CallOptions = {}) =>
      streamOf(
        {
          start: postStream(settings, { appId, path: call.path, input }),
          startIsSafe: false,
          resume: attachRequest(settings, appId),
          policy,
          idleTimeoutMs,
        },
        call.signal,
      ),
    attach: (appId: string, requestId: string, attach: AttachOptions = {}) => {
      const resume = attachRequest(settings, appId);
      const lastEventId = attach.lastEventId ?? 0;
      return streamOf(
        {
          start: (signal) => resume({ requestId, lastEventId }, signal),
          startIsSafe: true,
          resume,
          policy,
          idleTimeoutMs,
          requestId,
          lastEventId,
        },
        attach.signal,
      );
    },
    realtime: (appId: string, realtime: RealtimeOptions) => openRealtime(settings, appId, realtime),
    cancel: (appId: string, requestId: string, cancel: CancelOptions = {}) =>
      cancelRequest(settings, { appId, requestId, signal: cancel.signal }),
    queue: queueOf<Apps>(settings),
    subscribe: (appId: string, input: unknown, options: SubscribeOptions = {}) =>
      subscribeToQueue(settings, { appId, input }, options),
  } as SluiceClient<Apps>;
}
