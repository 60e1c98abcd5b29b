import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { retryNotice } from '../../src/cluster/remote-run.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

/**
 * A chat model whose log reads as a retried request's does: the first attempt's words
 * (`firstWords`), the notice a Redis deployment writes when it starts the request again on
 * another worker (the same event, from the same function), then the new attempt's words
 * from the start.
 */
function restartingChat(firstWords = ['w1 ', 'w2 ']) {
  let gateway: TestGateway | undefined;
  let firstAttemptRead: () => void = () => undefined;
  const app = defineApp({
    id: 'ops/restarting-chat',
    input: z.object({}),
    chat: { input: () => ({}), delta: 'token' },
    async run(_input, ctx) {
      for (const token of firstWords) ctx.emit({ token });
      await new Promise<void>((resolve) => (firstAttemptRead = resolve));
      await gateway!.eventLog.append(ctx.requestId, [retryNotice(2, 1)]);
      for (const token of ['w1 ', 'w2 ', 'w3 ']) ctx.emit({ token });
      return {};
    },
  });
  return {
    app,
    serve: (started: TestGateway) => (gateway = started),
    /** Lets the run go on to its second attempt. */
    restart: () => firstAttemptRead(),
  };
}

/** A gateway serving a {@link restartingChat} of `firstWords`, with the chat's `restart`. */
async function servedRestartingChat(firstWords?: string[]) {
  const chat = restartingChat(firstWords);
  const gateway = await startGateway({ apps: [chat.app] });
  chat.serve(gateway);
  return Object.assign(gateway, { restart: chat.restart });
}

function openAiFor(url: string): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
}

const messages = [{ role: 'user' as const, content: 'Count' }];

/** The chat's answer as a stream of chunks. */
function streamedAnswer(gateway: TestGateway) {
  return openAiFor(gateway.url).chat.completions.create({
    model: 'ops/restarting-chat',
    messages,
    stream: true,
  });
}

describe('the chat view of a request started again after its worker was lost', () => {
  it('not streaming: answers the new attempt’s text alone', async () => {
    await using gateway = await servedRestartingChat();
    const answering = openAiFor(gateway.url).chat.completions.create({
      model: 'ops/restarting-chat',
      messages,
    });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the first attempt's words logged
    gateway.restart();
    const answer = await answering;
    expect(answer.choices[0]?.message.content).toBe('w1 w2 w3 ');
  });

  it('streaming: once text went out, ends with worker_lost instead of repeating it', async () => {
    await using gateway = await servedRestartingChat();
    const stream = await streamedAnswer(gateway);
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (text === 'w1 w2 ') gateway.restart();
      }
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(text).toBe('w1 w2 ');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure).toMatchObject({ code: 'worker_lost' });
  });

  it('streaming: a restart before any text went out is not seen', async () => {
    await using gateway = await servedRestartingChat([]);
    const stream = await streamedAnswer(gateway);
    setTimeout(gateway.restart, 100); // the role chunk went out, no text
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('w1 w2 w3 ');
  });
});
