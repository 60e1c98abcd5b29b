import type { AttachOptions, CallOptions, CancelOptions } from './client-types.js';
import type { EventStream } from './event-stream.js';
import type { RealtimeConnection, RealtimeOptions } from './realtime-types.js';
import type { QueueClient } from './queue-client.js';
import type { SubscribeOptions } from './queue-types.js';
import type {
  AppCatalog,
  AppIdOf,
  EndpointInputOf,
  EndpointOutputOf,
  EndpointPathOf,
  InputOf,
  OutputOf,
} from './typed-apps.js';

/** Options of a call to an extra endpoint: its sub-path types its input and output. */
export interface EndpointCallOptions<Path extends `/${string}` = `/${string}`> extends CallOptions {
  readonly path: Path;
}

/** Options of a call to an app's default endpoint. */
export interface DefaultCallOptions extends CallOptions {
  readonly path?: undefined;
}

/** A sluice client; typed by the server's apps when created with `createClient<typeof apps>()`. */
export interface SluiceClient<Apps extends AppCatalog = never> {
  /** Runs a request and resolves with its output (`POST /{app}{path}`). */
  readonly run: {
    <Id extends AppIdOf<Apps>>(
      appId: Id,
      input: InputOf<Apps, Id>,
      options?: DefaultCallOptions,
    ): Promise<OutputOf<Apps, Id>>;
    <Id extends AppIdOf<Apps>, Path extends EndpointPathOf<Apps, Id>>(
      appId: Id,
      input: EndpointInputOf<Apps, Id, Path>,
      options: EndpointCallOptions<Path>,
    ): Promise<EndpointOutputOf<Apps, Id, Path>>;
  };
  /** Starts a request and streams its events (`POST /{app}{path}/stream`), resuming on drops. */
  readonly stream: {
    <Id extends AppIdOf<Apps>>(
      appId: Id,
      input: InputOf<Apps, Id>,
      options?: DefaultCallOptions,
    ): EventStream<OutputOf<Apps, Id>>;
    <Id extends AppIdOf<Apps>, Path extends EndpointPathOf<Apps, Id>>(
      appId: Id,
      input: EndpointInputOf<Apps, Id, Path>,
      options: EndpointCallOptions<Path>,
    ): EventStream<EndpointOutputOf<Apps, Id, Path>>;
  };
  /** Streams an existing request's events, after `lastEventId` (`GET /{app}/requests/{id}/stream`). */
  readonly attach: <Id extends AppIdOf<Apps>>(
    appId: Id,
    requestId: string,
    options?: AttachOptions,
  ) => EventStream<OutputOf<Apps, Id>>;
  /**
   * Opens a realtime (WebSocket) connection to an app: each `send` is one input, each
   * answer comes to `onResult`; latest-input-wins throttling and reconnection included.
   */
  readonly realtime: <Id extends AppIdOf<Apps>>(
    appId: Id,
    options: RealtimeOptions<OutputOf<Apps, Id>>,
  ) => RealtimeConnection<InputOf<Apps, Id>>;
  /**
   * Cancels a request on the server (`PUT /queue/{app}/requests/{id}/cancel`), whatever view
   * started it. Resolves too when the request had already ended: there is nothing to cancel.
   */
  readonly cancel: (
    appId: AppIdOf<Apps>,
    requestId: string,
    options?: CancelOptions,
  ) => Promise<void>;
  /** The durable queue: submit, status, statusStream, result and cancel. */
  readonly queue: QueueClient<Apps>;
  /**
   * Submits to the queue, reports every status through `onQueueUpdate` while the request
   * waits and runs, and resolves with its output (or rejects with its error). Aborting
   * `signal` cancels the request on the server.
   */
  readonly subscribe: {
    <Id extends AppIdOf<Apps>>(
      appId: Id,
      input: InputOf<Apps, Id>,
      options?: SubscribeOptions & { readonly path?: undefined },
    ): Promise<OutputOf<Apps, Id>>;
    <Id extends AppIdOf<Apps>, Path extends EndpointPathOf<Apps, Id>>(
      appId: Id,
      input: EndpointInputOf<Apps, Id, Path>,
      options: SubscribeOptions<Path> & { readonly path: Path },
    ): Promise<EndpointOutputOf<Apps, Id, Path>>;
  };
}
