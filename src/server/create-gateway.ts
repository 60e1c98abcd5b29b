import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { App } from '../app/define-app.js';
import type { RequestDispatch } from '../dispatch/request-dispatch.js';
import type { DefaultLimits } from '../dispatch/tracked-request.js';
import type { RequestQueue } from '../dispatch/request-queue.js';
import { type WebhookPolicy } from '../dispatch/webhook-delivery.js';
import type { EventLog, EventLogLimits } from '../events/event-log.js';
import type { RedisModeOptions } from '../cluster/redis-backends.js';
import type { Runtime } from '../runtime/runtime.js';
import { ApiKeys } from './api-keys.js';
import { installBodyGuard } from './body-guard.js';
import { answerClientError } from './client-error-handler.js';
import { describeEndpoints, type EndpointEntry } from './app-catalog.js';
import { AppRoutes } from './app-routes.js';
import { memoryBackends, redisBackends, type Backends } from './gateway-backends.js';
import { installCors, type CorsPolicy } from './cors.js';
import { nestsDeeperThan, tooDeepError } from './json-depth.js';
import { sendError } from './error-reply.js';
import type { GatewayContext } from './gateway-context.js';
import { GatewayMetrics } from './metrics.js';
import { registerQueueMetrics } from './queue-metrics.js';
import { registerScaleMetrics } from './scale-metrics.js';
import { registerMetricsRoute } from './metrics-route.js';
import { noRouteError } from './method-not-allowed.js';
import { pathOf } from './path-of.js';
import { registerAttachRoute } from './routes/attach-route.js';
import { registerMediaRoute } from './routes/media-route.js';
import { registerDiscoveryRoutes } from './routes/discovery-routes.js';
import { registerPlaygroundRoutes } from './routes/playground-routes.js';
import { queueMethodError } from './routes/queue-paths.js';
import { registerQueueRequestRoutes } from './routes/queue-request-routes.js';
import { registerQueueSubmitRoute } from './routes/queue-submit-route.js';
import { registerRunRoutes } from './routes/run-routes.js';
import { RealtimeTokens, tokenSecretOf } from './realtime/realtime-tokens.js';
import { registerRealtimeViews } from './realtime/realtime-views.js';
import { registerOpenAiRoutes } from './openai/openai-routes.js';
import { SseStreams } from './sse-streams.js';

/** Options of {@link createGateway}; every one but `apps` has a production default. */
export interface GatewayOptions {
  readonly apps: readonly App[];
  /** The event-log backend (default: in memory, with `eventLogLimits`). */
  readonly eventLog?: EventLog;
  /** Caps and retention of the default memory log (a log passed in keeps its own). */
  readonly eventLogLimits?: Partial<EventLogLimits>;
  /** Where runs execute (default: inline, in this process). */
  readonly runtime?: Runtime;
  /** When non-empty, every run and attach route needs one of these keys. */
  readonly apiKeys?: readonly string[];
  /** Largest request body in bytes (default 10 MiB); larger answers 413. */
  readonly bodyLimitBytes?: number;
  /**
   * A request's headers and whole body must arrive within this many ms (default 60 s; 0:
   * no deadline); later answers 408 `request_timeout` and closes the connection.
   */
  readonly requestTimeoutMs?: number;
  /**
   * A body must arrive at this many bytes per second on average once it has had 5 s
   * (default 1024; 0: no minimum); slower answers 408 `request_timeout`.
   */
  readonly minBodyBytesPerSecond?: number;
  /**
   * The URL clients reach this gateway at (e.g. `https://api.example.com`), for the
   * `status_url`, `response_url`, `cancel_url` and `stream_url` of queue answers. Default:
   * the address the connection came in on; never the request's `Host` header.
   */
  readonly publicUrl?: string;
  /** Milliseconds between heartbeat comments on open streams (default 15 s, at least 10 ms). */
  readonly heartbeatMs?: number;
  /** How long a run outlives its last client before it is cancelled (default 5 s). */
  readonly cancelGraceMs?: number;
  /** A pino logger, or `false` for none (default: pino at `info`). */
  readonly logger?: Logger | false;
  /** Limits of endpoints that declare none in `defineApp` (default: unbounded). */
  readonly limits?: DefaultLimits;
  /** Where requests wait (default: in memory). */
  readonly queue?: RequestQueue;
  /**
   * How long `close()` lets running runs finish before cancelling them (default 0: cancel
   * at once; `sluice serve` defaults to 30 s).
   */
  readonly shutdownDeadlineMs?: number;
  /** Webhook retries (default: 5 attempts, 500 ms doubling, 10 s per attempt). */
  readonly webhook?: Partial<WebhookPolicy>;
  /**
   * Bytes of events the process may keep, across every request: live and ended logs, and
   * runs' buffers not yet appended (default: half of V8's heap limit less 64 MiB). Near it, ended logs
   * are dropped oldest first; past it, new requests answer 503 `app_unavailable`. The
   * budget is the process's: gateways in one process share it.
   */
  readonly memoryBudgetBytes?: number;
  /**
   * Redis mode: the event log, queue and request states live in Redis, and workers
   * (`sluice worker`, or this process for its own `apps`) run the requests. The gateway
   * serves every app the workers publish. `eventLog`, `queue` and `runtime` do not apply.
   */
  readonly redis?: RedisModeOptions;
  /** Which web pages on other origins may call the API (default: none, CORS off). */
  readonly cors?: CorsPolicy;
  /**
   * The secret that signs realtime tokens (`POST /tokens/`). Default: derived from
   * `apiKeys`, so gateways with the same keys verify each other's tokens.
   */
  readonly tokenSecret?: string;
}

/** Where to listen. */
export interface ListenOptions {
  readonly host?: string;
  readonly port?: number;
}

/**
 * A running gateway: its HTTP server stays private; serve with `listen`, stop with `close`.
 *
 * @example
 * const gateway = await createGateway({ apps: [textApp] });
 * const url = await gateway.listen({ port: 8000 });
 * gateway.apps().map((app) => app.id); // ['demo/text']
 * await gateway.close();
 */
export interface Gateway {
  readonly dispatcher: RequestDispatch;
  readonly eventLog: EventLog;
  readonly runtime: Runtime;
  /** The apps served now (a Redis gateway's change as workers come and go). */
  apps(): readonly App[];
  /** Starts listening; resolves with the base URL, e.g. `http://127.0.0.1:8000`. */
  listen(options?: ListenOptions): Promise<string>;
  /**
   * Graceful shutdown: refuses new runs (503 `app_unavailable`), ends queued requests with
   * `cancelled`, lets running runs finish up to `shutdownDeadlineMs`, cancels the rest, lets
   * open streams write their terminal events, then closes connections and the backends.
   */
  close(): Promise<void>;
}

const MIB = 1024 * 1024;
const MIN_HEARTBEAT_MS = 10;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const DEFAULT_MIN_BODY_BYTES_PER_SECOND = 1024;
// Node checks its own request deadline only every 30 s: it is the backstop of the body watch.
const NODE_CHECK_MS = 30_000;

async function buildContext(
  options: GatewayOptions,
  logger: Logger,
): Promise<
  GatewayContext & Pick<Backends, 'beginShutdown'> & { closeBackends: Backends['close'] }
> {
  const routes = new AppRoutes(options.apps);
  const metrics: GatewayMetrics = new GatewayMetrics(() => backends.dispatcher.queueDepth);
  const parts = { logger, routes, metrics };
  const backends: Backends = options.redis
    ? await redisBackends(options.redis, options, parts)
    : memoryBackends(options, parts);
  backends.runtime.logTo?.(logger); // setup failures go to the log; probes show a generic reason
  metrics.countStateSwitches(() => backends.runtime.stateSwitches?.() ?? 0);
  registerScaleMetrics(metrics.registry, backends.runtime);
  registerQueueMetrics(metrics.registry, {
    appIds: () => routes.list().map((app) => app.id),
    stats: (appId) => backends.dispatcher.queueStats?.(appId) ?? Promise.resolve(undefined),
  });
  const endpoints = new WeakMap<App, EndpointEntry[]>();
  const endpointsOf = (appId: string) => {
    const app = routes.get(appId);
    if (!app) return [];
    let entries = endpoints.get(app);
    if (!entries) endpoints.set(app, (entries = describeEndpoints(app)));
    return entries;
  };
  return {
    routes,
    keys: new ApiKeys(options.apiKeys ?? []),
    runtime: backends.runtime,
    dispatcher: backends.dispatcher,
    eventLog: backends.eventLog,
    streams: new SseStreams({
      heartbeatMs: options.heartbeatMs ?? 15_000,
      gauge: metrics.activeStreams,
    }),
    logger,
    metrics,
    endpointsOf,
    beginShutdown: backends.beginShutdown,
    closeBackends: backends.close,
  };
}

/**
 * An empty body typed as JSON means "no input", like no body at all: `@fal-ai/client` sends
 * exactly that for a call without input. A body nested deeper than 64 levels
 * is 422 `invalid_input` before it is parsed. Any other body goes to Fastify's own JSON
 * parser.
 */
function parseJsonBodies(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') return done(null, undefined);
    if (nestsDeeperThan(text)) return done(tooDeepError());
    void parseJson(request, text, done);
  });
}

function installErrorHandling(fastify: FastifyInstance, context: GatewayContext): void {
  fastify.setErrorHandler((error, _request, reply) => sendError(reply, error, context.logger));
  fastify.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url);
    const error = queueMethodError(context.routes, path) ?? noRouteError(context.routes, path);
    if (error.allowed.length > 0) reply.header('allow', error.allowed.join(', '));
    return sendError(reply, error, context.logger);
  });
}

function installAuthentication(fastify: FastifyInstance, context: GatewayContext): void {
  fastify.decorateRequest('owner', '');
  fastify.addHook('onRequest', (request, _reply, done) => {
    // Decided by the route that matched, never by the URL's text (which may be percent-encoded).
    const { auth, authScheme } = request.routeOptions.config;
    try {
      request.owner =
        auth === true ? context.keys.authenticate(request.headers.authorization, authScheme) : '';
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}

/**
 * Builds a gateway: the Fastify server over the dispatcher, runtime and event log. Apps
 * start their `setup` at once; `/ready` tells when they are done.
 *
 * @example
 * const gateway = await createGateway({ apps: [textApp] });
 * const url = await gateway.listen({ host: '127.0.0.1', port: 8000 });
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = options.logger === false ? pino({ level: 'silent' }) : (options.logger ?? pino());
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  if (!(heartbeatMs >= MIN_HEARTBEAT_MS))
    throw new TypeError(`heartbeatMs must be at least ${MIN_HEARTBEAT_MS}`);
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const publicUrl = publicUrlOf(options.publicUrl); // checked before any backend opens
  const context = { ...(await buildContext(options, logger)), publicUrl };
  const fastifyLogger: FastifyBaseLogger = logger;
  const fastify = Fastify({
    loggerInstance: fastifyLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Requests log through the gateway's logger with their request id; a pino child per
    // request would cost memory on every idle stream for bindings nobody reads.
    childLoggerFactory: (logger) => logger,
    bodyLimit: options.bodyLimitBytes ?? 10 * MIB,
    forceCloseConnections: true,
    requestTimeout: requestTimeoutMs === 0 ? 0 : requestTimeoutMs + NODE_CHECK_MS,
    // What fails before a request exists (not HTTP, headers too large or slow) gets sluice's shape.
    clientErrorHandler: answerClientError,
    // Errors Fastify raises before routing (a URL that cannot be decoded) get sluice's shape too.
    frameworkErrors: (error, _request, reply) => {
      void sendError(reply, error, logger);
    },
  });
  const stopBodyGuard = installBodyGuard(fastify, {
    requestTimeoutMs,
    minBodyBytesPerSecond: options.minBodyBytesPerSecond ?? DEFAULT_MIN_BODY_BYTES_PER_SECOND,
  });
  fastify.removeContentTypeParser(['text/plain']);
  parseJsonBodies(fastify);
  installErrorHandling(fastify, context);
  installCors(fastify, options.cors);
  installAuthentication(fastify, context);
  registerDiscoveryRoutes(fastify, context);
  registerAttachRoute(fastify, context);
  const tokens = new RealtimeTokens(tokenSecretOf(options.tokenSecret, options.apiKeys ?? []));
  registerMediaRoute(fastify, context, tokens);
  registerQueueSubmitRoute(fastify, context);
  registerQueueRequestRoutes(fastify, context);
  registerOpenAiRoutes(fastify, context);
  registerRunRoutes(fastify, context);
  registerMetricsRoute(fastify, context);
  registerPlaygroundRoutes(fastify, context);
  const realtime = registerRealtimeViews(fastify, context, tokens);
  void context.runtime.start();
  await fastify.ready();
  return {
    dispatcher: context.dispatcher,
    eventLog: context.eventLog,
    runtime: context.runtime,
    apps: () => context.routes.list(),
    listen: (where = {}) =>
      fastify
        .listen({ host: where.host ?? '127.0.0.1', port: where.port ?? 0 })
        .then(() => baseUrl(fastify)),
    close: async () => {
      await context.beginShutdown();
      await context.dispatcher.shutdown(options.shutdownDeadlineMs ?? 0);
      // Open streams write their terminal events and end, and realtime connections send their
      // answers; a reader too slow to take them is cut.
      await Promise.all([
        context.streams.allEnded(STREAM_FLUSH_MS),
        realtime.closeAll(STREAM_FLUSH_MS),
      ]);
      context.streams.stop();
      stopBodyGuard();
      await fastify.close();
      await context.runtime.close();
      await context.eventLog.close();
      await context.closeBackends(options.shutdownDeadlineMs ?? 0);
    },
  };
}

const STREAM_FLUSH_MS = 2_000;

function publicUrlOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw new TypeError('publicUrl must be an http or https URL');
  return url.replace(/\/+$/, '');
}

function baseUrl(fastify: FastifyInstance): string {
  const address = fastify.server.address();
  if (address === null || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
