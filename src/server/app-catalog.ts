import type { App } from '../app/define-app.js';
import type { AppStatus } from '../runtime/runtime.js';
import { toJsonSchema, type JsonSchema } from '../app/json-schema.js';

/** One endpoint as `GET /apps` describes it. */
export interface EndpointEntry {
  readonly path: string;
  readonly description: string | null;
  readonly input_schema: JsonSchema;
  readonly output_schema: JsonSchema | null;
  readonly urls: { readonly run: string; readonly stream: string; readonly attach: string };
}

/** One app as `GET /apps` describes it. */
export interface AppEntry {
  readonly id: string;
  readonly description: string | null;
  readonly status: AppStatus;
  readonly endpoints: readonly EndpointEntry[];
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
    input_schema: toJsonSchema(endpoint.input, 'input'),
    output_schema: endpoint.output ? toJsonSchema(endpoint.output, 'output') : null,
    urls: {
      run: `/${app.id}${endpoint.path}`,
      stream: `/${app.id}${endpoint.path}/stream`,
      attach: `/${app.id}/requests/{request_id}/stream`,
    },
  }));
}
