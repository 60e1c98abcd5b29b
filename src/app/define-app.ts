import type { z } from 'zod';
import type { AppId, EndpointDefinition, EndpointLimits, RunFunction } from './app-types.js';
import { checkAppId, checkEndpointPath } from './app-paths.js';
import { prepareInputSchema } from './input-schema.js';
import {
  resolveRealtimeOptions,
  type RealtimeOptions,
  type RealtimeSettings,
} from './realtime-options.js';
import {
  DEFAULT_WIRE_DIALECT,
  isWireDialect,
  type WireDialect,
} from '../events/dialects/wire-dialect.js';
import { servedSyncPath } from './sync-path.js';
import type { ServedSyncPath, SyncPathOptions } from './sync-path-types.js';
import type { EndpointTypes } from './endpoint-types.js';
import type { ChatView } from './chat-view.js';

/** Input schemas of an app's extra endpoints, by sub-path. */
export type EndpointSchemas = Record<`/${string}`, z.ZodType>;

/** What `defineApp` takes. */
export interface AppOptions<
  Id extends AppId,
  InputSchema extends z.ZodType,
  Output,
  State,
  Endpoints extends EndpointSchemas = EndpointSchemas,
> extends SyncPathOptions<z.output<InputSchema>, State> {
  /** `owner/name`: letters, digits, `.`, `_` and `-`. */
  readonly id: Id;
  readonly description?: string;
  /** The default endpoint's input. Unknown top-level fields are rejected unless the schema is `z.looseObject`. */
  readonly input: InputSchema;
  /** The default endpoint's output; when given, outputs are validated against it. */
  readonly output?: z.ZodType<Output>;
  /** Runs once per replica before its first request; its value is `ctx.state`. */
  readonly setup?: () => State | Promise<State>;
  /** The default endpoint's run. */
  readonly run: RunFunction<z.output<InputSchema>, Output, State>;
  /** More endpoints, under sub-paths such as `/img2img`. */
  readonly endpoints?: {
    readonly [Path in keyof Endpoints]: EndpointDefinition<Endpoints[Path], unknown, State>;
  };
  /** Serve the default endpoint as an OpenAI-compatible chat model too (`/v1/chat/completions`). */
  readonly chat?: ChatView<z.input<InputSchema>, Output>;
  /** A run still going after this many seconds ends with `timeout`. */
  readonly timeoutSeconds?: number;
  /** JPEG quality of `ctx.preview`, 1–100 (default 70). */
  readonly previewQuality?: number;
  /** Limits of the default endpoint: concurrent runs and queued requests. */
  readonly limits?: EndpointLimits;
  /** Times a run of the default endpoint whose worker died starts again (Redis mode; default 0). */
  readonly retries?: number;
  /** How the default endpoint's realtime (WebSocket) view paces a connection. */
  readonly realtime?: RealtimeOptions;
  /** How the default endpoint's SSE views render events: `sluice` (default), `data` or `typed`. */
  readonly dialect?: WireDialect;
  /** Where runs execute: in the gateway's process, or in replica processes. */
  readonly isolation?: Isolation;
  /**
   * How many replicas (each one process, or one group of `worldSize` processes): a fixed
   * count, or `{ min, max, keepAliveMs }` to scale with demand (`min` may be 0).
   */
  readonly replicas?: number | ReplicaScale;
  /** Runs one replica may execute at once. */
  readonly maxConcurrency?: number;
  /** Ranks per replica: each replica becomes a group of this many processes. */
  readonly worldSize?: number;
  /** `CUDA_VISIBLE_DEVICES` of each rank (default: the rank's own number). */
  readonly deviceMap?: (rank: number) => string;
  /** How long a cancelled run may ignore `ctx.signal`, once its replica has taken the cancel, before the replica is killed. */
  readonly cancelDeadlineMs?: number;
  /** Default timeout of every collective. */
  readonly collectiveTimeoutMs?: number;
}

/** Where an app's runs execute. */
export type Isolation = 'inline' | 'process';

/**
 * Autoscaled replicas: a replica starts when requests wait and none has a free slot (up
 * to `max`), and stops once it has been idle for `keepAliveMs` (down to `min`). While
 * none is up, requests wait in the queue, with their positions and start timeouts.
 *
 * @example
 * defineApp({ id: 'acme/sdxl', isolation: 'process', replicas: { min: 0, max: 4, keepAliveMs: 300_000 }, input, run });
 */
export interface ReplicaScale {
  /** Replicas kept up even when idle (0: scale to zero). */
  readonly min: number;
  /** Most replicas up at once. */
  readonly max: number;
  /** How long a replica stays up after its last run ended (default 60 s). */
  readonly keepAliveMs?: number;
}

/** An endpoint as sluice serves it. */
export interface ServedEndpoint extends ServedSyncPath {
  /** `''` for the default endpoint, else its sub-path such as `/img2img`. */
  readonly path: string;
  readonly description: string | undefined;
  readonly input: z.ZodType;
  readonly output: z.ZodType | undefined;
  readonly run: RunFunction<unknown, unknown, unknown>;
  readonly limits: EndpointLimits;
  /** Times a run whose worker died starts again elsewhere (Redis mode). */
  readonly retries: number;
  /** The realtime view's pacing, defaults applied (absent: every default). */
  readonly realtime?: RealtimeSettings;
  /** How its SSE views render events unless a request asks otherwise (absent: `sluice`). */
  readonly dialect?: WireDialect;
  /** How the endpoint is served as a chat model, when it declares one. */
  readonly chat?: ChatView;
}

/** Where and how wide an app runs, as `defineApp` declared it. */
export interface Placement {
  readonly isolation: Isolation | undefined;
  readonly replicas: number | ReplicaScale | undefined;
  readonly maxConcurrency: number | undefined;
  readonly worldSize: number | undefined;
  readonly deviceMap: ((rank: number) => string) | undefined;
  readonly cancelDeadlineMs: number | undefined;
  readonly collectiveTimeoutMs: number | undefined;
}

const APP_BRAND = Symbol.for('sluice.app');

/**
 * A defined app. `Input` and `Output` (and the extra endpoints' types, `Endpoints`) are
 * carried for typed clients; `endpoints` holds every endpoint, the default one under `''`.
 */
export interface App<
  Id extends AppId = AppId,
  Input = unknown,
  Output = unknown,
  Endpoints = unknown,
> {
  readonly [APP_BRAND]: true;
  readonly id: Id;
  readonly description: string | undefined;
  readonly endpoints: ReadonlyMap<string, ServedEndpoint>;
  readonly setup: () => unknown;
  readonly timeoutSeconds: number | undefined;
  readonly previewQuality: number;
  /** Placement, as declared; the runtime applies defaults and CLI overrides. */
  readonly placement: Placement;
  /** Phantom types for clients; never set at run time. */
  readonly types?: {
    readonly input: Input;
    readonly output: Output;
    readonly endpoints: Endpoints;
  };
}

const DEFAULT_PREVIEW_QUALITY = 70;

function serveEndpoint(path: string, definition: EndpointDefinition): ServedEndpoint {
  return {
    path,
    description: definition.description,
    input: prepareInputSchema(definition.input),
    output: definition.output,
    run: definition.run,
    limits: definition.limits ?? {},
    retries: checkRetries(definition.retries ?? 0),
    realtime: resolveRealtimeOptions(definition.realtime),
    dialect: checkDialect(definition.dialect),
    ...servedSyncPath(definition),
    chat: definition.chat,
  };
}

function checkDialect(dialect: unknown): WireDialect {
  if (dialect === undefined) return DEFAULT_WIRE_DIALECT;
  if (!isWireDialect(dialect)) throw new TypeError('dialect must be "sluice", "data" or "typed"');
  return dialect;
}

const MAX_RETRIES = 10;

function checkRetries(retries: number): number {
  if (!Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES)
    throw new TypeError(`retries must be an integer from 0 to ${MAX_RETRIES}`);
  return retries;
}

const MAX_TIMEOUT_SECONDS = 2_147_483;

function checkTimeout(seconds: number | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  if (!(seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS)) {
    throw new TypeError(`timeoutSeconds must be more than 0 and at most ${MAX_TIMEOUT_SECONDS}`);
  }
  return seconds;
}

function checkQuality(quality: number): number {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new TypeError('previewQuality must be an integer from 1 to 100');
  }
  return quality;
}

/**
 * Defines an app: written once, served as a JSON call, a resumable SSE stream and a durable
 * queue (fal's queue routes), all over one event log.
 *
 * @example
 * export default defineApp({
 *   id: 'demo/echo',
 *   input: z.object({ text: z.string().max(1000) }),
 *   async run({ text }, ctx) {
 *     ctx.progress(1, 1);
 *     return { text };
 *   },
 * });
 */
export function defineApp<
  Id extends AppId,
  InputSchema extends z.ZodType,
  Output,
  State = undefined,
  Endpoints extends EndpointSchemas = Record<never, z.ZodType>,
  // The extra endpoints as written, for their outputs' types.
  Given = unknown,
>(
  options: AppOptions<Id, InputSchema, Output, State, Endpoints> & { readonly endpoints?: Given },
): App<Id, z.input<InputSchema>, Output, EndpointTypes<Endpoints, Given>> {
  checkAppId(options.id);
  const endpoints = new Map<string, ServedEndpoint>();
  endpoints.set('', serveEndpoint('', options as EndpointDefinition));
  const extra = (options.endpoints ?? {}) as Record<string, EndpointDefinition>;
  for (const [path, definition] of Object.entries(extra)) {
    checkEndpointPath(path);
    endpoints.set(path, serveEndpoint(path, definition));
  }
  return {
    [APP_BRAND]: true,
    id: options.id,
    description: options.description,
    endpoints,
    setup: options.setup ?? (() => undefined),
    timeoutSeconds: checkTimeout(options.timeoutSeconds),
    previewQuality: checkQuality(options.previewQuality ?? DEFAULT_PREVIEW_QUALITY),
    placement: {
      isolation: options.isolation,
      replicas: options.replicas,
      maxConcurrency: options.maxConcurrency,
      worldSize: options.worldSize,
      deviceMap: options.deviceMap,
      cancelDeadlineMs: options.cancelDeadlineMs,
      collectiveTimeoutMs: options.collectiveTimeoutMs,
    },
  };
}

/**
 * Whether a value is an app made by {@link defineApp} (from any copy of sluice).
 *
 * @example
 * const apps = Object.values(await import(file)).filter(isApp);
 */
export function isApp(value: unknown): value is App {
  return typeof value === 'object' && value !== null && APP_BRAND in value;
}
