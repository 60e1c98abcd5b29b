import type {
  QueueStatus,
  QueueSubmitted,
  ResultOptions,
  StatusOptions,
  SubmitOptions,
} from './queue-types.js';
import type { CancelOptions } from './client-types.js';
import type {
  AppCatalog,
  AppIdOf,
  EndpointInputOf,
  EndpointOutputOf,
  EndpointPathOf,
  InputOf,
  OutputOf,
} from './typed-apps.js';

/** The default endpoint's submit options: no path. */
export type DefaultSubmitOptions = SubmitOptions & { readonly path?: undefined };

/** The queue, as `client.queue` offers it: fal's queue routes, typed by the server's apps. */
export interface QueueClient<Apps extends AppCatalog = never> {
  /** Enqueues a request (`POST /queue/{app}{path}`); resolves with its id and position. */
  readonly submit: {
    <Id extends AppIdOf<Apps>>(
      appId: Id,
      input: InputOf<Apps, Id>,
      options?: DefaultSubmitOptions,
    ): Promise<QueueSubmitted>;
    <Id extends AppIdOf<Apps>, Path extends EndpointPathOf<Apps, Id>>(
      appId: Id,
      input: EndpointInputOf<Apps, Id, Path>,
      options: SubmitOptions<Path> & { readonly path: Path },
    ): Promise<QueueSubmitted>;
  };
  /** Where a request stands (`GET …/requests/{id}/status`). */
  readonly status: (
    appId: AppIdOf<Apps>,
    requestId: string,
    options?: StatusOptions,
  ) => Promise<QueueStatus>;
  /** Each status as it changes, ending after `COMPLETED` (`GET …/status/stream`). */
  readonly statusStream: (
    appId: AppIdOf<Apps>,
    requestId: string,
    options?: StatusOptions,
  ) => AsyncIterable<QueueStatus>;
  /** The output once the request ends, or its error (`GET …/requests/{id}`). */
  readonly result: {
    <Id extends AppIdOf<Apps>>(
      appId: Id,
      requestId: string,
      options?: ResultOptions & { readonly path?: undefined },
    ): Promise<OutputOf<Apps, Id>>;
    <Id extends AppIdOf<Apps>, Path extends EndpointPathOf<Apps, Id>>(
      appId: Id,
      requestId: string,
      options: ResultOptions<Path> & { readonly path: Path },
    ): Promise<EndpointOutputOf<Apps, Id, Path>>;
  };
  /** Cancels a request (`PUT …/cancel`); resolves too when it had already ended. */
  readonly cancel: (
    appId: AppIdOf<Apps>,
    requestId: string,
    options?: CancelOptions,
  ) => Promise<void>;
}
