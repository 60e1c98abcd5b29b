import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import textApp from '../../examples/text.js';
import { startGateway } from '../support/gateway.js';
import { readText, send, until } from '../support/sse-client.js';
import { countApp } from './fixtures/queue-apps.js';

const KEY = 'chat-test-key';

async function startChatGateway() {
  return startGateway({ apps: [textApp, countApp], apiKeys: [KEY], cancelGraceMs: 50 });
}

function openAiFor(url: string): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0 });
}

const messages = [{ role: 'user' as const, content: 'The keeper of the light' }];

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

  it('refuses an unknown model, a bad request and a missing key with their HTTP errors', async () => {
    await using gateway = await startChatGateway();
    const client = openAiFor(gateway.url);
    await expect(
      client.chat.completions.create({ model: 'ops/count', messages }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      client.chat.completions.create({ model: 'demo/text', messages: [] }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      client.chat.completions.create({ model: 'demo/text', messages, max_tokens: 5000 }),
    ).rejects.toMatchObject({ status: 422 });
    const anonymous = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await expect(anonymous.models.list()).rejects.toMatchObject({ status: 401 });
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
