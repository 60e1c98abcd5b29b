import type { z } from 'zod';
import type { App, ServedEndpoint } from '../app/define-app.js';
import type { AppStatus, DownReason, ReplicaStatus, ScaleStatus } from '../runtime/runtime.js';
import { toJsonSchema, type JsonSchema } from '../app/json-schema.js';

/** One endpoint as `GET /apps` describes it. */
export interface EndpointEntry {
  readonly path: string;
  readonly description: string | null;
  readonly input_schema: JsonSchema;
  readonly output_schema: JsonSchema | null;
  readonly urls: { readonly run: string; readonly stream: string; readonly attach: string };
  /** The endpoint opted in to the playground's live mode (`realtime: { live: true }`). */
  readonly live?: true;
  /** Its JSON and queue results are cached (`cache`; docs/sync-path.md). */
  readonly cache?: {
    readonly ttl_ms: number;
    readonly max_entries?: number;
    readonly max_bytes?: number;
  };
  /** Its JSON, queue and realtime views run in batches (`batch`; docs/sync-path.md). */
  readonly batch?: { readonly max_size: number; readonly max_wait_ms: number };
}

/** A replica as open routes show it: no process ids, no error text. */
export type PublicReplicaStatus = Omit<ReplicaStatus, 'pids' | 'lastError'>;

/**
 * An app's status as open routes show it: its state, and a generic reason when it failed.
 * The app's own error text may hold a connection string or a path: it goes to the log,
 * and to `/ready` for a caller with a valid API key.
 */
export interface PublicAppStatus {
  readonly state: AppStatus['state'];
  readonly reason?: DownReason;
  readonly replicas?: readonly PublicReplicaStatus[];
  /** An autoscaled app's bounds and replica counts. */
  readonly scale?: ScaleStatus;
}

function publicReplica(replica: ReplicaStatus): PublicReplicaStatus {
  const { replica: index, state, running, restarts, reason } = replica;
  return { replica: index, state, running, restarts, ...(reason ? { reason } : {}) };
}

/**
 * What anyone may read of an app's status.
 *
 * @example
 * publicStatus({ state: 'failed', reason: 'setup failed', error: 'password=…' }); // { state: 'failed', reason: 'setup failed' }
 */
export function publicStatus(status: AppStatus): PublicAppStatus {
  const reason = status.state === 'failed' ? { reason: status.reason } : {};
  const replicas = status.replicas ? { replicas: status.replicas.map(publicReplica) } : {};
  const scale = status.scale ? { scale: status.scale } : {};
  return { state: status.state, ...reason, ...replicas, ...scale };
}

/** One app as `GET /apps` describes it. */
export interface AppEntry {
  readonly id: string;
  readonly description: string | null;
  readonly status: PublicAppStatus;
  readonly endpoints: readonly EndpointEntry[];
}

/**
 * A schema's JSON Schema, or one that says why it cannot be shown: one bad app must not
 * take `/apps` and `/openapi.json` down for every other app.
 */
function describableSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  try {
    return toJsonSchema(schema, io);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { description: `This ${io} schema cannot be described: ${reason.slice(0, 200)}` };
  }
}

/**
 * The endpoints of an app with their JSON Schemas and URLs. Computed once per app: schemas
 * do not change while the server runs.
 *
 * @example
 * describeEndpoints(textApp)[0]?.urls.stream; // '/demo/text/stream'
 */
export function describeEndpoints(app: App): EndpointEntry[] {
  return [...app.endpoints.values()].map((endpoint) => ({
    path: endpoint.path,
    description: endpoint.description ?? null,
    input_schema: describableSchema(endpoint.input, 'input'),
    output_schema: endpoint.output ? describableSchema(endpoint.output, 'output') : null,
    urls: {
      run: `/${app.id}${endpoint.path}`,
      stream: `/${app.id}${endpoint.path}/stream`,
      attach: `/${app.id}/requests/{request_id}/stream`,
    },
    ...(endpoint.realtime?.live ? { live: true as const } : {}),
    ...syncPathEntry(endpoint),
  }));
}

/** An endpoint's cache and batch declarations, as `GET /apps` shows them. */
function syncPathEntry(endpoint: ServedEndpoint): Pick<EndpointEntry, 'cache' | 'batch'> {
  const { cache, batch } = endpoint;
  return {
    ...(cache
      ? {
          cache: {
            ttl_ms: cache.ttlMs,
            ...(cache.maxEntries === undefined ? {} : { max_entries: cache.maxEntries }),
            ...(cache.maxBytes === undefined ? {} : { max_bytes: cache.maxBytes }),
          },
        }
      : {}),
    ...(batch ? { batch: { max_size: batch.maxSize, max_wait_ms: batch.maxWaitMs } } : {}),
  };
}
