import type { Logger } from 'pino';
import type { RequestDispatch } from '../dispatch/request-dispatch.js';
import type { EventLog } from '../events/event-log.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ApiKeys, AuthScheme } from './api-keys.js';
import type { EndpointEntry } from './app-catalog.js';
import type { AppRoutes } from './app-routes.js';
import type { GatewayMetrics } from './metrics.js';
import type { SseStreams } from './sse-streams.js';

/** What the route handlers share: the gateway's parts, built once by `createGateway`. */
export interface GatewayContext {
  readonly routes: AppRoutes;
  readonly keys: ApiKeys;
  readonly runtime: Runtime;
  readonly dispatcher: RequestDispatch;
  readonly eventLog: EventLog;
  /** The open event streams: heartbeat, gauge, and the count `close()` waits on. */
  readonly streams: SseStreams;
  /** The configured public URL, without a trailing slash (queue answers' URLs start with it). */
  readonly publicUrl?: string;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly endpointsOf: (appId: string) => readonly EndpointEntry[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs an API key when keys are configured. */
    auth?: boolean;
    /** The scheme a refusal for a missing key asks for (`WWW-Authenticate`): default `Key`. */
    authScheme?: AuthScheme;
  }
  interface FastifyRequest {
    /** Fingerprint of the caller's API key, or 'anonymous'; set by the auth hook. */
    owner: string;
  }
}
