import { WIRE_DIALECTS } from '../events/dialects/wire-dialect.js';
import type { App } from '../app/define-app.js';
import { ERROR_STATUS } from '../errors/error-codes.js';
import type { EndpointEntry } from './app-catalog.js';
import type { JsonSchema } from '../app/json-schema.js';
import { streamEvents } from './openapi-events.js';
import { queuePaths } from './openapi-queue.js';
import { OPENAI_ERROR_BODY, chatPaths } from './openapi-chat.js';
import {
  cacheHeaders,
  cacheParameters,
  describedWithNote,
  syncPathExtensions,
} from './openapi-sync-path.js';

type Operation = Record<string, unknown>;

const ERROR_BODY: JsonSchema = {
  type: 'object',
  required: ['detail', 'error_type', 'code'],
  properties: {
    detail: {
      oneOf: [
        { type: 'string' },
        { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
      ],
    },
    error_type: { type: 'string', enum: Object.keys(ERROR_STATUS) },
    code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
  },
};

const FIELD_ERROR: JsonSchema = {
  type: 'object',
  required: ['loc', 'msg', 'type'],
  properties: {
    loc: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] } },
    msg: { type: 'string' },
    type: { type: 'string' },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
});

const eventStream = (output: JsonSchema | null) => ({
  description: 'Server-Sent Events: progress, preview, output, log, then one result or error',
  content: { 'text/event-stream': { schema: streamEvents(output) } },
});

/** `?dialect=`: how an SSE view renders events (docs/protocol.md, "Wire dialects"). */
const DIALECT_PARAMETER = {
  name: 'dialect',
  in: 'query',
  required: false,
  description:
    'Wire dialect of the frames: sluice (id, event, data), data (fal: data lines only) or typed (sheaf: data: {"type": …}). Also accepted as an Accept parameter: text/event-stream; dialect=typed. Default: the endpoint’s.',
  schema: { type: 'string', enum: [...WIRE_DIALECTS] },
};

function runOperations(app: App, endpoint: EndpointEntry): Record<string, { post: Operation }> {
  const name = `${app.id}${endpoint.path}`;
  const requestBody = {
    required: false,
    content: { 'application/json': { schema: endpoint.input_schema } },
  };
  const errors = {
    '401': errorResponse('Missing or wrong API key'),
    '422': errorResponse('Invalid input'),
  };
  const output = endpoint.output_schema ?? {};
  return {
    [endpoint.urls.run]: {
      post: {
        summary: `Run ${name} and answer its output`,
        description: describedWithNote(endpoint, 'call'),
        ...syncPathExtensions(endpoint),
        parameters: cacheParameters(endpoint),
        requestBody,
        responses: {
          '200': {
            description: 'The output',
            ...cacheHeaders(endpoint),
            content: { 'application/json': { schema: output } },
          },
          ...errors,
        },
      },
    },
    [endpoint.urls.stream]: {
      post: {
        summary: `Run ${name}, streaming its events`,
        description: describedWithNote(endpoint, 'stream'),
        parameters: [DIALECT_PARAMETER],
        requestBody,
        responses: { '200': eventStream(endpoint.output_schema), ...errors },
      },
    },
  };
}

function attachOperation(app: App): Operation {
  return {
    summary: `Attach to (or resume) a request of ${app.id}`,
    parameters: [
      { name: 'request_id', in: 'path', required: true, schema: { type: 'string' } },
      {
        name: 'last_event_id',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 0 },
      },
      {
        name: 'Last-Event-ID',
        in: 'header',
        required: false,
        schema: { type: 'integer', minimum: 0 },
      },
      DIALECT_PARAMETER,
    ],
    responses: {
      '200': eventStream(null),
      '204': { description: 'Last-Event-ID is at or past the finished request’s terminal event' },
      '404': errorResponse('Unknown request'),
      '410': errorResponse('Expired'),
    },
  };
}

/**
 * The OpenAPI 3.1 document of a gateway's apps, built from their zod schemas.
 *
 * @example
 * buildOpenApi(apps, (app) => describeEndpoints(app)).paths['/demo/text/stream'];
 */
export function buildOpenApi(
  apps: readonly App[],
  endpointsOf: (app: App) => readonly EndpointEntry[],
): { openapi: string; paths: Record<string, unknown>; [key: string]: unknown } {
  const paths: Record<string, unknown> = {};
  for (const app of apps) {
    for (const endpoint of endpointsOf(app)) Object.assign(paths, runOperations(app, endpoint));
    paths[`/${app.id}/requests/{request_id}/stream`] = { get: attachOperation(app) };
    Object.assign(paths, queuePaths(app, endpointsOf(app)));
  }
  Object.assign(paths, chatPaths(apps));
  return {
    openapi: '3.1.0',
    info: {
      title: 'sluice API',
      version: '1',
      description: `Apps served: ${apps.map((app) => app.id).join(', ') || 'none'}`,
    },
    components: {
      schemas: {
        ErrorBody: ERROR_BODY,
        FieldError: FIELD_ERROR,
        OpenAiErrorBody: OPENAI_ERROR_BODY,
      },
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'Authorization' } },
    },
    paths,
  };
}
