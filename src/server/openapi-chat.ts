import type { App } from '../app/define-app.js';
import type { JsonSchema } from '../app/json-schema.js';
import { ERROR_STATUS } from '../errors/error-codes.js';

type Operation = Record<string, unknown>;

/** OpenAI's error body, which the chat routes answer (docs/openai.md). */
export const OPENAI_ERROR_BODY: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type', 'param', 'code'],
      properties: {
        message: { type: 'string' },
        type: {
          enum: [
            'invalid_request_error',
            'authentication_error',
            'permission_error',
            'rate_limit_error',
            'server_error',
          ],
        },
        param: { type: ['string', 'null'] },
        code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
      },
    },
  },
};

const openAiError = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/OpenAiErrorBody' } } },
});

const MESSAGE: JsonSchema = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { type: 'string' },
    content: {
      oneOf: [
        { type: 'string' },
        { type: 'null' },
        {
          type: 'array',
          items: {
            type: 'object',
            required: ['type'],
            properties: { type: { type: 'string' }, text: { type: 'string' } },
          },
        },
      ],
    },
  },
};

function chatRequest(models: readonly string[]): JsonSchema {
  return {
    type: 'object',
    required: ['model', 'messages'],
    properties: {
      model: { type: 'string', enum: [...models], description: 'The app id (and endpoint path)' },
      messages: { type: 'array', minItems: 1, items: MESSAGE },
      stream: { type: 'boolean', default: false },
      stream_options: { type: 'object', properties: { include_usage: { type: 'boolean' } } },
      max_tokens: { type: 'integer', minimum: 1 },
      max_completion_tokens: { type: 'integer', minimum: 1 },
      temperature: { type: 'number', minimum: 0, maximum: 2 },
      top_p: { type: 'number', minimum: 0, maximum: 1 },
      seed: { type: 'integer' },
      n: { const: 1 },
    },
  };
}

const USAGE: JsonSchema = {
  type: 'object',
  properties: {
    prompt_tokens: { type: 'integer' },
    completion_tokens: { type: 'integer' },
    total_tokens: { type: 'integer' },
  },
};

const COMPLETION: JsonSchema = {
  type: 'object',
  required: ['id', 'object', 'created', 'model', 'choices'],
  properties: {
    id: { type: 'string' },
    object: { const: 'chat.completion' },
    created: { type: 'integer' },
    model: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          message: {
            type: 'object',
            properties: { role: { const: 'assistant' }, content: { type: 'string' } },
          },
          finish_reason: { type: 'string' },
        },
      },
    },
    usage: USAGE,
  },
};

const MODELS: JsonSchema = {
  type: 'object',
  required: ['object', 'data'],
  properties: {
    object: { const: 'list' },
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'object', 'created', 'owned_by'],
        properties: {
          id: { type: 'string' },
          object: { const: 'model' },
          created: { type: 'integer' },
          owned_by: { type: 'string' },
        },
      },
    },
  },
};

function completionsOperation(models: readonly string[]): Operation {
  return {
    summary: 'OpenAI-compatible chat completion of an app that declares a chat view',
    parameters: [
      { name: 'x-sluice-priority', in: 'header', required: false, schema: { type: 'integer' } },
      { name: 'x-fal-request-timeout', in: 'header', required: false, schema: { type: 'number' } },
      { name: 'x-sluice-run-timeout', in: 'header', required: false, schema: { type: 'number' } },
    ],
    requestBody: {
      required: true,
      content: { 'application/json': { schema: chatRequest(models) } },
    },
    responses: {
      '200': {
        description:
          'One chat.completion, or with "stream": true chat.completion.chunk events ending data: [DONE] (or an error chunk)',
        content: { 'application/json': { schema: COMPLETION }, 'text/event-stream': {} },
      },
      '400': openAiError('The body is not valid JSON'),
      '401': openAiError('No valid key (Authorization: Bearer <key>)'),
      '404': openAiError('No chat model of that name'),
      '422': openAiError('Invalid request, or an input the endpoint refuses'),
      '429': openAiError('Overloaded: retry after `Retry-After` seconds'),
      '500': openAiError('The run failed'),
      '504': openAiError('The run did not finish in time'),
    },
  };
}

/**
 * The chat model ids of the apps: every endpoint that declares a chat view.
 *
 * @example
 * chatModelIds([textApp]); // ['demo/text']
 */
export function chatModelIds(apps: readonly App[]): string[] {
  return apps.flatMap((app) =>
    [...app.endpoints.values()].flatMap((endpoint) =>
      endpoint.chat ? [`${app.id}${endpoint.path}`] : [],
    ),
  );
}

/**
 * The OpenAPI paths of the OpenAI-compatible view, `POST /v1/chat/completions` and
 * `GET /v1/models`, when any app declares a chat view; none otherwise.
 *
 * @example
 * Object.assign(paths, chatPaths(apps));
 */
export function chatPaths(apps: readonly App[]): Record<string, Operation> {
  const models = chatModelIds(apps);
  if (models.length === 0) return {};
  return {
    '/v1/chat/completions': { post: completionsOperation(models) },
    '/v1/models': {
      get: {
        summary: 'The chat models served: one per endpoint that declares a chat view',
        responses: {
          '200': { description: 'The models', content: { 'application/json': { schema: MODELS } } },
          '401': openAiError('No valid key'),
        },
      },
    },
  };
}
