import type { z } from 'zod';
import type { AppId, EndpointDefinition, RunFunction } from './app-types.js';
import { checkAppId, checkEndpointPath } from './app-paths.js';
import { prepareInputSchema } from './input-schema.js';

/** Input schemas of an app's extra endpoints, by sub-path. */
export type EndpointSchemas = Record<`/${string}`, z.ZodType>;

/** What `defineApp` takes. */
export interface AppOptions<
  Id extends AppId,
  InputSchema extends z.ZodType,
  Output,
  State,
  Endpoints extends EndpointSchemas = EndpointSchemas,
> {
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
  /** A run still going after this many seconds ends with `timeout`. */
  readonly timeoutSeconds?: number;
  /** JPEG quality of `ctx.preview`, 1–100 (default 70). */
  readonly previewQuality?: number;
}

/** An endpoint as sluice serves it. */
export interface ServedEndpoint {
  /** `''` for the default endpoint, else its sub-path such as `/img2img`. */
  readonly path: string;
  readonly description: string | undefined;
  readonly input: z.ZodType;
  readonly output: z.ZodType | undefined;
  readonly run: RunFunction<unknown, unknown, unknown>;
}

const APP_BRAND = Symbol.for('sluice.app');

/**
 * A defined app. `Input` and `Output` are carried for typed clients; `endpoints` holds every
 * endpoint, the default one under `''`.
 */
export interface App<Id extends AppId = AppId, Input = unknown, Output = unknown> {
  readonly [APP_BRAND]: true;
  readonly id: Id;
  readonly description: string | undefined;
  readonly endpoints: ReadonlyMap<string, ServedEndpoint>;
  readonly setup: () => unknown;
  readonly timeoutSeconds: number | undefined;
  readonly previewQuality: number;
  /** Phantom types for clients; never set at run time. */
  readonly types?: { readonly input: Input; readonly output: Output };
}

const DEFAULT_PREVIEW_QUALITY = 70;

function serveEndpoint(path: string, definition: EndpointDefinition): ServedEndpoint {
  return {
    path,
    description: definition.description,
    input: prepareInputSchema(definition.input),
    output: definition.output,
    run: definition.run,
  };
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
 * Defines an app: written once, served as a JSON call, an SSE stream and (later) a queue
 * and a WebSocket.
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
>(
  options: AppOptions<Id, InputSchema, Output, State, Endpoints>,
): App<Id, z.input<InputSchema>, Output> {
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
