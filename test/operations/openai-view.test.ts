import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatText } from '../../src/app/chat-view.js';
import { defineApp } from '../../src/app/define-app.js';
import textApp from '../../examples/text.js';
import { startGateway } from '../support/gateway.js';
import { readText, send, until } from '../support/sse-client.js';
import { countApp } from './fixtures/queue-apps.js';

const KEY = 'chat-test-key';

/** Emits deltas by the field `token`, not always first, not always a string. */
const fieldApp = defineApp({
  id: 'ops/field-chat',
  input: z.object({}),
  chat: { input: () => ({}), delta: 'token' },
  run: (_input, ctx) => {
    ctx.emit({ token: 'h\u00e9llo' });
    ctx.emit({ seq: 2, token: ' "w\\orld"' });
    ctx.emit({ token: 5 });
    ctx.emit({ token: '' });
    ctx.emit({ token: ' \u2713\n' });
    return {};
  },
});

async function startChatGateway() {
  return startGateway({ apps: [textApp, countApp], apiKeys: [KEY], cancelGraceMs: 50 });
}

function openAiFor(url: string): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0 });
}

const messages = [{ role: 'user' as const, content: 'The keeper of the light' }];

interface SchemaNode {
  readonly required?: string[];
  readonly enum?: unknown[];
  readonly properties?: Record<string, SchemaNode>;
}

interface OpenApiDocument {
  readonly paths: Record<
    string,
    {
      post?: {
        requestBody: {
          content: Record<
            string,
            { schema: SchemaNode & { properties: Record<string, SchemaNode> } }
          >;
        };
        responses: Record<string, unknown>;
      };
      get?: unknown;
    }
  >;
  readonly components: {
    schemas: Record<string, SchemaNode & { properties: Record<string, SchemaNode> }>;
  };
}

/** What a promise rejected with, as the SDK's error. */
async function rejection(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    return error as InstanceType<typeof OpenAI.APIError>;
  }
  throw new Error('expected a rejection');
}

describe('the OpenAI-compatible view, with the official openai package', () => {
  it('lists the chat models: only endpoints that declare a chat view', async () => {
    await using gateway = await startChatGateway();
    const models = await openAiFor(gateway.url).models.list();
    expect(models.data.map((model) => model.id)).toEqual(['demo/text']);
    expect(models.data[0]).toMatchObject({ object: 'model', owned_by: 'demo' });
  });

  it('streams deltas that add up to the native run’s text, then finish_reason and usage', async () => {
    await using gateway = await startChatGateway();
    const stream = await openAiFor(gateway.url).chat.completions.create({
      model: 'demo/text',
      messages,
      max_tokens: 8,
      seed: 3,
      stream: true,
    });
    const deltas: string[] = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      expect(chunk.model).toBe('demo/text');
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      finish = choice?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(deltas).toHaveLength(8);
    expect(finish).toBe('length');
    expect(usage).toEqual({ prompt_tokens: 5, completion_tokens: 8, total_tokens: 13 });
    const native = await fetch(`${gateway.url}/demo/text`, {
      method: 'POST',
      headers: { authorization: `Key ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        prompt: messages[0]!.content,
        max_tokens: 8,
        seed: 3,
        tokens_per_second: 0,
      }),
    });
    const { text } = (await native.json()) as { text: string };
    expect(messages[0]!.content + deltas.join('')).toBe(text);
  });

  it('reads a delta named by its field, streaming (unparsed where it can) and not', async () => {
    await using gateway = await startGateway({ apps: [fieldApp], apiKeys: [KEY] });
    const client = openAiFor(gateway.url);
    const expected = 'h\u00e9llo "w\\orld" \u2713\n';
    const stream = await client.chat.completions.create({
      model: 'ops/field-chat',
      messages,
      stream: true,
    });
    const deltas: string[] = [];
    for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
    expect(deltas.filter(Boolean)).toEqual(['h\u00e9llo', ' "w\\orld"', ' \u2713\n']);
    const answer = await client.chat.completions.create({ model: 'ops/field-chat', messages });
    expect(answer.choices[0]?.message.content).toBe(expected);
  });

  it('answers one completion when not streaming', async () => {
    await using gateway = await startChatGateway();
    const answer = await openAiFor(gateway.url).chat.completions.create({
      model: 'demo/text',
      messages,
      max_tokens: 6,
      seed: 4,
    });
    expect(answer.object).toBe('chat.completion');
    expect(answer.model).toBe('demo/text');
    expect(answer.choices[0]?.message.role).toBe('assistant');
    expect(answer.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(answer.choices[0]?.finish_reason).toBe('length');
    expect(answer.usage?.completion_tokens).toBe(6);
  });

  it('answers in full from an endpoint with a response cache, and takes null as not given', async () => {
    const cachedApp = defineApp({
      id: 'ops/cached-chat',
      input: z.object({ word: z.string() }),
      chat: { input: (chat) => ({ word: chatText(chat.messages) }), delta: 'token' },
      cache: { ttlMs: 60_000 },
      run: ({ word }, ctx) => {
        for (const letter of word) ctx.emit({ token: letter });
        return { letters: word.length };
      },
    });
    await using gateway = await startGateway({ apps: [cachedApp], apiKeys: [KEY] });
    const client = openAiFor(gateway.url);
    const ask = () =>
      client.chat.completions.create({
        model: 'ops/cached-chat',
        messages: [{ role: 'user', content: 'lamp' }],
        max_tokens: null,
        temperature: null,
        stream: null,
      });
    // Twice in a row and twice at once: each answer has the whole text.
    const answers = [await ask(), await ask(), ...(await Promise.all([ask(), ask()]))];
    const contents = answers.map((answer) => answer.choices[0]?.message.content);
    expect(contents).toEqual(Array.from({ length: 4 }, () => 'user: lamp'));
  });

  it('refuses an unknown model, a bad request and a missing key with OpenAI’s errors', async () => {
    await using gateway = await startChatGateway();
    const client = openAiFor(gateway.url);
    const unknown = await rejection(
      client.chat.completions.create({ model: 'ops/count', messages }),
    );
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown).toMatchObject({ status: 404, code: 'not_found', param: 'model' });
    expect(unknown).toMatchObject({ type: 'invalid_request_error' });
    const empty = await rejection(
      client.chat.completions.create({ model: 'demo/text', messages: [] }),
    );
    expect(empty).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect(empty).toMatchObject({ status: 422, code: 'invalid_input', param: 'messages' });
    const tooMany = await rejection(
      client.chat.completions.create({ model: 'demo/text', messages, max_tokens: 5000 }),
    );
    expect(tooMany).toMatchObject({ status: 422, code: 'invalid_input', param: 'max_tokens' });
    expect(tooMany.message).toMatch(/^422 max_tokens: /);
    const anonymous = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    const refused = await rejection(anonymous.models.list());
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(refused).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(refused).toMatchObject({ type: 'authentication_error', param: null });
    // No key at all: the refusal asks for it the way OpenAI's clients send it.
    const { response } = await send(`${gateway.url}/v1/models`);
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(await readText(response))).toMatchObject({
      error: { message: 'Send an API key as "Authorization: Bearer <key>"', code: 'unauthorized' },
    });
  });

  it('answers a failure before the stream starts with OpenAI’s error, not a stream', async () => {
    await using gateway = await startChatGateway();
    const client = openAiFor(gateway.url);
    const create = client.chat.completions.create({ model: 'no/such', messages, stream: true });
    const refused = await rejection(create);
    expect(refused).toBeInstanceOf(OpenAI.NotFoundError);
    expect(refused).toMatchObject({ code: 'not_found', param: 'model' });
    const { response } = await send(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      body: '{"model": "demo/text",',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(await readText(response))).toEqual({
      error: {
        message: 'The body is not valid JSON',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_json',
      },
    });
  });

  it('answers a run that fails, not streaming, with its status in OpenAI’s shape', async () => {
    await using gateway = await startChatGateway();
    const client = openAiFor(gateway.url);
    const body = { model: 'demo/text', messages, max_tokens: 1000 };
    const headers = { 'x-sluice-run-timeout': '0.2' };
    const failed = await rejection(client.chat.completions.create(body, { headers }));
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
    expect(failed).toMatchObject({ status: 504, code: 'timeout', type: 'server_error' });
    expect(failed).toMatchObject({ param: null });
    expect(failed.message).toMatch(/^504 The run did not finish within 0.2 s/);
  });

  it('ends a stream whose run fails with an error chunk the SDK throws', async () => {
    await using gateway = await startChatGateway();
    const client = openAiFor(gateway.url);
    const body = { model: 'demo/text', messages, max_tokens: 1000, stream: true as const };
    const stream = await client.chat.completions.create(body, {
      headers: { 'x-sluice-run-timeout': '0.2' },
    });
    const failed = await rejection(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
    );
    expect(failed).toBeInstanceOf(OpenAI.APIError);
    expect(failed).toMatchObject({ code: 'timeout', type: 'server_error', param: null });
  });

  it('/openapi.json describes the chat route, its models and OpenAI’s error body', async () => {
    await using gateway = await startChatGateway();
    const document = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as OpenApiDocument;
    const chat = document.paths['/v1/chat/completions']!.post!;
    const schema = chat.requestBody.content['application/json']!.schema;
    expect(schema.properties.model!.enum).toEqual(['demo/text']);
    expect(schema.required).toEqual(['model', 'messages']);
    expect(Object.keys(chat.responses)).toEqual(
      expect.arrayContaining(['200', '401', '404', '422']),
    );
    expect(document.paths['/v1/models']?.get).toBeDefined();
    const errorSchema = document.components.schemas.OpenAiErrorBody!;
    // A real answer has exactly the fields the schema requires.
    const { response } = await send(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'no/such', messages }),
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    });
    const body = JSON.parse(await readText(response)) as { error: Record<string, unknown> };
    expect(Object.keys(body)).toEqual(errorSchema.required);
    expect(Object.keys(body.error)).toEqual(errorSchema.properties.error!.required);
    expect(errorSchema.properties.error!.properties!.type!.enum).toContain(body.error.type);
  });

  it('cancels the run when the streaming client leaves', async () => {
    await using gateway = await startChatGateway();
    const controller = new AbortController();
    const stream = await openAiFor(gateway.url).chat.completions.create(
      { model: 'demo/text', messages, max_tokens: 1000, stream: true },
      { signal: controller.signal },
    );
    let requestId = '';
    for await (const chunk of stream) {
      requestId = chunk.id.replace(/^chatcmpl-/, '');
      if (chunk.choices[0]?.delta.content) break; // leaves after the first token
    }
    controller.abort();
    await until(() => gateway.dispatcher.activeRuns === 0, 10_000);
    const { response } = await send(`${gateway.url}/queue/demo/text/requests/${requestId}`, {
      headers: { authorization: `Key ${KEY}` },
    });
    expect(response.statusCode).toBe(499);
    await readText(response);
  });
});

describe('the OpenAI-compatible view, with the Vercel AI SDK’s openai-compatible provider', () => {
  function providerFor(url: string) {
    return createOpenAICompatible({
      name: 'sluice',
      baseURL: `${url}/v1`,
      apiKey: KEY,
      includeUsage: true,
    });
  }

  it('streams text, with the finish reason and usage', async () => {
    await using gateway = await startChatGateway();
    const result = streamText({
      model: providerFor(gateway.url)('demo/text'),
      prompt: 'The keeper of the light',
      maxOutputTokens: 5,
      seed: 3,
      maxRetries: 0,
    });
    let text = '';
    for await (const part of result.textStream) text += part;
    expect(text.length).toBeGreaterThan(0);
    expect(await result.finishReason).toBe('length');
    expect((await result.usage).outputTokens).toBe(5);
  });

  it('generates text without streaming', async () => {
    await using gateway = await startChatGateway();
    const result = await generateText({
      model: providerFor(gateway.url)('demo/text'),
      prompt: 'At dawn',
      maxOutputTokens: 4,
      maxRetries: 0,
    });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.finishReason).toBe('length');
    expect(result.usage.outputTokens).toBe(4);
  });
});
