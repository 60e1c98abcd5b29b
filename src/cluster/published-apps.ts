import type { EndpointLimits } from '../app/app-types.js';
import type { RealtimeOptions } from '../app/realtime-options.js';
import { defineApp, type App } from '../app/define-app.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { WireDialect } from '../events/dialects/wire-dialect.js';
import { toJsonSchema, type JsonSchema } from '../app/json-schema.js';
import { schemaFromJson } from '../app/schema-from-json.js';
import { publishSyncPath, standInSyncPath, type PublishedSyncPath } from './published-sync-path.js';

/** An endpoint as workers publish it: its schemas as JSON Schema. */
export interface PublishedEndpoint {
  readonly path: string;
  readonly description?: string;
  readonly input: JsonSchema;
  readonly output?: JsonSchema;
  readonly limits: EndpointLimits;
  readonly retries: number;
  /** The realtime view's pacing (absent from workers of older versions: defaults then). */
  readonly realtime?: RealtimeOptions;
  /** Absent from what older workers published: the default dialect. */
  readonly dialect?: WireDialect;
  readonly syncPath?: PublishedSyncPath;
}

/** An app as workers publish it in Redis, for gateways that have not loaded its code. */
export interface PublishedApp {
  readonly id: App['id'];
  readonly description?: string;
  readonly timeoutSeconds?: number;
  readonly endpoints: readonly PublishedEndpoint[];
}

/**
 * What a worker publishes of an app: everything a gateway needs to validate, route and
 * document it, nothing it needs to run it.
 *
 * @example
 * await hub.command.hset(hub.key('apps'), app.id, JSON.stringify(publishedApp(app)));
 */
export function publishedApp(app: App): PublishedApp {
  const endpoints = [...app.endpoints.values()].map((endpoint) => ({
    path: endpoint.path,
    description: endpoint.description,
    input: toJsonSchema(endpoint.input, 'input'),
    output: endpoint.output && toJsonSchema(endpoint.output, 'output'),
    limits: endpoint.limits,
    retries: endpoint.retries,
    realtime: endpoint.realtime,
    dialect: endpoint.dialect,
    syncPath: publishSyncPath(endpoint),
  }));
  const { id, description, timeoutSeconds } = app;
  return { id, description, timeoutSeconds, endpoints };
}

function runsElsewhere(): never {
  throw new SluiceError('internal', 'This app runs on remote workers, not in the gateway');
}

function endpointDefinition(endpoint: PublishedEndpoint) {
  return {
    description: endpoint.description,
    input: schemaFromJson(endpoint.input),
    output: endpoint.output && schemaFromJson(endpoint.output),
    run: runsElsewhere,
    limits: endpoint.limits,
    retries: endpoint.retries,
    realtime: endpoint.realtime,
    dialect: endpoint.dialect,
    ...standInSyncPath(endpoint.syncPath),
  };
}

/**
 * A gateway's stand-in for an app that runs on remote workers: its schemas rebuilt from
 * JSON Schema, so inputs are validated (with the same messages) before they are queued;
 * its `run` is never called.
 *
 * @example
 * const app = remoteApp(JSON.parse(await hub.command.hget(hub.key('apps'), 'demo/text')));
 */
export function remoteApp(published: PublishedApp): App {
  const byPath = new Map(published.endpoints.map((endpoint) => [endpoint.path, endpoint]));
  const main = byPath.get('');
  if (!main) throw new TypeError(`Published app ${published.id} has no default endpoint`);
  byPath.delete('');
  const extra = Object.fromEntries(
    [...byPath].map(([path, endpoint]) => [path, endpointDefinition(endpoint)]),
  ) as Record<`/${string}`, ReturnType<typeof endpointDefinition>>;
  return defineApp({
    ...endpointDefinition(main),
    id: published.id,
    description: published.description,
    timeoutSeconds: published.timeoutSeconds,
    endpoints: extra,
  });
}
