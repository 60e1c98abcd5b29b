import type { JsonSchema } from '../app/json-schema.js';
import { ERROR_STATUS } from '../errors/error-codes.js';

const IMAGE: JsonSchema = {
  type: 'object',
  required: ['url', 'content_type'],
  properties: {
    url: { type: 'string', description: 'A `data:` URL of the JPEG' },
    content_type: { type: 'string' },
    width: { type: 'integer' },
    height: { type: 'integer' },
  },
};

/**
 * The events of a stream, one schema per `event:` name, as OpenAPI can say it: a `oneOf`
 * whose variants carry the event's name as `title` and describe its `data` JSON. The
 * `result` event's data is the endpoint's output.
 *
 * @example
 * streamEvents(endpoint.output_schema).oneOf.map((event) => event.title);
 * // ['progress', 'preview', 'output', 'log', 'result', 'error']
 */
export function streamEvents(output: JsonSchema | null): JsonSchema & { oneOf: JsonSchema[] } {
  return {
    description:
      'Server-Sent Events. Each message has `event:` (its kind), `id:` (its number in the request, for `Last-Event-ID`) and `data:` (the JSON below). A stream ends after one `result` or `error`; comments (`: open`, `: heartbeat`) keep it alive.',
    oneOf: [
      {
        title: 'progress',
        description: 'How far the run is: `ctx.progress(step, total, message)`',
        type: 'object',
        required: ['step'],
        properties: {
          step: { type: 'number' },
          total: { type: 'number' },
          message: { type: 'string' },
        },
      },
      {
        title: 'preview',
        description: 'An intermediate image: `ctx.preview(image)`; a later one supersedes it',
        type: 'object',
        required: ['image'],
        properties: { image: IMAGE },
      },
      {
        title: 'output',
        description:
          'Whatever the app emits with `ctx.emit(data)`: any JSON; tokens are often `{token}` or `{delta}`',
      },
      {
        title: 'log',
        description: 'A log line of the run: `ctx.log(level, message)`',
        type: 'object',
        required: ['level', 'message', 'timestamp'],
        properties: {
          level: { enum: ['debug', 'info', 'warn', 'error'] },
          message: { type: 'string' },
          timestamp: { type: 'string', description: 'ISO 8601' },
        },
      },
      {
        ...(output ?? {}),
        title: 'result',
        description: 'The output, last event of a run that succeeded',
      },
      {
        title: 'error',
        description: 'Last event of a run that failed; `debug` only from a server in dev mode',
        type: 'object',
        required: ['code', 'message', 'retryable', 'request_id'],
        properties: {
          code: { enum: Object.keys(ERROR_STATUS) },
          message: { type: 'string' },
          retryable: { type: 'boolean' },
          request_id: { type: 'string' },
          debug: {
            type: 'object',
            description: "The app's own error: `name`, `message`, `stack`, `cause`",
          },
        },
      },
    ],
  };
}
