import type { App } from '../app/define-app.js';
import type { EndpointEntry } from './app-catalog.js';
import type { JsonSchema } from '../app/json-schema.js';
import {
  cacheHeaders,
  cacheParameters,
  describedWithNote,
  syncPathExtensions,
} from './openapi-sync-path.js';

type Operation = Record<string, unknown>;

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
});

const json = (description: string, schema: JsonSchema) => ({
  description,
  content: { 'application/json': { schema } },
});

const REQUEST_ID = { name: 'request_id', in: 'path', required: true, schema: { type: 'string' } };

const SUBMITTED: JsonSchema = {
  type: 'object',
  required: ['request_id', 'status', 'queue_position', 'status_url', 'response_url', 'cancel_url'],
  properties: {
    request_id: { type: 'string' },
    status: { enum: ['IN_QUEUE', 'COMPLETED'], description: 'COMPLETED for a cache hit' },
    queue_position: { type: 'integer', minimum: 0 },
    status_url: { type: 'string' },
    response_url: { type: 'string' },
    cancel_url: { type: 'string' },
    stream_url: { type: 'string' },
  },
};

const STATUS: JsonSchema = {
  type: 'object',
  required: ['status', 'request_id'],
  properties: {
    status: { enum: ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'] },
    request_id: { type: 'string' },
    queue_position: { type: 'integer', minimum: 0 },
    logs: { type: 'array', items: { type: 'object' } },
    metrics: { type: 'object', properties: { inference_time: { type: ['number', 'null'] } } },
    error: { type: 'string' },
    error_type: { type: 'string' },
  },
};

const UNKNOWN_OR_EXPIRED = {
  '404': errorResponse('Unknown request'),
  '410': errorResponse('Expired: its retention window has passed'),
};

function submitOperation(app: App, endpoint: EndpointEntry): Operation {
  return {
    summary: `Queue a run of ${app.id}${endpoint.path}`,
    description: describedWithNote(endpoint, 'call'),
    ...syncPathExtensions(endpoint),
    parameters: [
      ...cacheParameters(endpoint),
      { name: 'webhook', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'x-sluice-priority', in: 'header', required: false, schema: { type: 'integer' } },
      {
        name: 'x-fal-request-timeout',
        in: 'header',
        required: false,
        schema: { type: 'number' },
      },
      { name: 'x-sluice-run-timeout', in: 'header', required: false, schema: { type: 'number' } },
    ],
    requestBody: {
      required: false,
      content: { 'application/json': { schema: endpoint.input_schema } },
    },
    responses: {
      '200': {
        ...json('Queued (or, for a cache hit, already COMPLETED)', SUBMITTED),
        ...cacheHeaders(endpoint),
      },
      '422': errorResponse('Invalid input'),
      '429': errorResponse('Overloaded: retry after `Retry-After` seconds'),
    },
  };
}

function requestOperations(app: App): Record<string, Operation> {
  const base = `/queue/${app.id}/requests/{request_id}`;
  return {
    [`${base}/status`]: {
      get: {
        summary: `Status of a request of ${app.id}`,
        parameters: [
          REQUEST_ID,
          { name: 'logs', in: 'query', required: false, schema: { type: 'integer' } },
        ],
        responses: { '200': json('Its status', STATUS), ...UNKNOWN_OR_EXPIRED },
      },
    },
    [`${base}/status/stream`]: {
      get: {
        summary: `Statuses of a request of ${app.id} as Server-Sent Events, until COMPLETED`,
        parameters: [REQUEST_ID],
        responses: {
          '200': { description: 'One status per change', content: { 'text/event-stream': {} } },
          ...UNKNOWN_OR_EXPIRED,
        },
      },
    },
    [base]: {
      get: {
        summary: `Result of a request of ${app.id} (waits while it runs)`,
        parameters: [REQUEST_ID],
        responses: { '200': json('The output', {}), ...UNKNOWN_OR_EXPIRED },
      },
    },
    [`${base}/cancel`]: {
      put: {
        summary: `Cancel a request of ${app.id}, whichever view started it`,
        parameters: [REQUEST_ID],
        responses: {
          '202': json('Cancellation requested', { type: 'object' }),
          '400': json('Already completed', { type: 'object' }),
          ...UNKNOWN_OR_EXPIRED,
        },
      },
    },
  };
}

/**
 * The OpenAPI paths of an app's queue routes: one submit per endpoint, then status,
 * status stream, result and cancel per request.
 *
 * @example
 * Object.assign(paths, queuePaths(app, describeEndpoints(app)));
 */
export function queuePaths(
  app: App,
  endpoints: readonly EndpointEntry[],
): Record<string, Operation> {
  const paths: Record<string, Operation> = {};
  for (const endpoint of endpoints)
    paths[`/queue/${app.id}${endpoint.path}`] = { post: submitOperation(app, endpoint) };
  return { ...paths, ...requestOperations(app) };
}
