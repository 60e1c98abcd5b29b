import { describe, expect, it } from 'vitest';
import {
  encodeDialectFrame,
  encodeDialectFrames,
  encodeStreamFailure,
} from '../../src/events/dialects/dialect-frames.js';
import { typedJson } from '../../src/events/dialects/typed-frame.js';
import type { LoggedEvent } from '../../src/events/event-types.js';

const progress: LoggedEvent = {
  seq: 1,
  type: 'progress',
  json: '{"step":5,"total":50,"progress":0.1,"message":"step 5"}',
};
const result: LoggedEvent = { seq: 2, type: 'result', json: '{"image_b64":"aGk="}' };
const failure: LoggedEvent = {
  seq: 2,
  type: 'error',
  json: '{"code":"app_error","message":"The app raised Error","retryable":false,"request_id":"r"}',
};

function typed(event: Pick<LoggedEvent, 'type' | 'json'>): unknown {
  return JSON.parse(typedJson(event));
}

describe('wire dialects', () => {
  it('sluice frames carry id, event and the payload', () => {
    expect(encodeDialectFrame('sluice', result)).toBe(
      'id: 2\nevent: result\ndata: {"image_b64":"aGk="}\n\n',
    );
  });

  it('data frames carry the payload and nothing else', () => {
    expect(encodeDialectFrames('data', [progress, result])).toBe(
      `data: ${progress.json}\n\ndata: ${result.json}\n\n`,
    );
  });

  it('typed progress names total_steps and keeps the fraction and message', () => {
    expect(typed(progress)).toEqual({
      type: 'progress',
      step: 5,
      total: 50,
      total_steps: 50,
      progress: 0.1,
      message: 'step 5',
    });
  });

  it('a typed result is done and carries the output fields', () => {
    expect(typed(result)).toEqual({ type: 'result', done: true, image_b64: 'aGk=' });
    expect(typed({ type: 'result', json: '{}' })).toEqual({ type: 'result', done: true });
  });

  it('a typed error carries the message as error, with its code', () => {
    expect(typed(failure)).toMatchObject({
      type: 'error',
      error: 'The app raised Error',
      code: 'app_error',
      retryable: false,
    });
  });

  it('outputs, previews and logs are typed the same way', () => {
    expect(typed({ type: 'output', json: '{"token":"hi"}' })).toEqual({
      type: 'output',
      token: 'hi',
    });
    expect(typed({ type: 'preview', json: '{"image":{"url":"u"}}' })).toEqual({
      type: 'preview',
      image: { url: 'u' },
    });
    expect(typed({ type: 'log', json: '{"level":"info","message":"m"}' })).toMatchObject({
      type: 'log',
      level: 'info',
    });
  });

  it('a payload that is no object, or that uses a key the dialect sets, goes whole under data', () => {
    expect(typed({ type: 'output', json: '"a token"' })).toEqual({
      type: 'output',
      data: 'a token',
    });
    expect(typed({ type: 'result', json: '[1,2]' })).toEqual({
      type: 'result',
      done: true,
      data: [1, 2],
    });
    expect(typed({ type: 'output', json: '{"type":"mine","n":1}' })).toEqual({
      type: 'output',
      data: { type: 'mine', n: 1 },
    });
    // A nested "type" is no clash: the fields merge.
    expect(typed({ type: 'output', json: '{"part":{"type":"x"}}' })).toEqual({
      type: 'output',
      part: { type: 'x' },
    });
  });

  it('a failed read ends the stream with an error frame in the stream’s dialect', () => {
    const json = failure.json;
    expect(encodeStreamFailure('sluice', json)).toBe(`event: error\ndata: ${json}\n\n`);
    expect(encodeStreamFailure('data', json)).toBe(`data: ${json}\n\n`);
    expect(encodeStreamFailure('typed', json)).toMatch(/^data: \{"type":"error","error":/);
  });
});
