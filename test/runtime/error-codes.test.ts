import { describe, expect, it } from 'vitest';
import {
  ERROR_STATUS,
  httpStatusOf,
  isErrorCode,
  isRetryable,
  type ErrorCode,
} from '../../src/errors/error-codes.js';
import { SluiceError, toSluiceError } from '../../src/errors/sluice-error.js';
import { terminalErrorEvent, toTerminalError } from '../../src/runtime/terminal-error.js';

const codes = Object.keys(ERROR_STATUS) as ErrorCode[];

describe('error codes', () => {
  it.each([
    ['invalid_json', 400],
    ['unauthorized', 401],
    ['not_found', 404],
    ['request_not_found', 404],
    ['method_not_allowed', 405],
    ['request_expired', 410],
    ['payload_too_large', 413],
    ['unsupported_media_type', 415],
    ['invalid_input', 422],
    ['cancelled', 499],
    ['app_error', 500],
    ['event_log_full', 500],
    ['internal', 500],
    ['app_unavailable', 503],
    ['timeout', 504],
  ] as const)('maps %s to HTTP %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
    expect(new SluiceError(code, 'x').status).toBe(status);
  });

  it('gives every code an error status', () => {
    for (const code of codes) expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
  });

  it('marks only app_unavailable, overloaded, timeout and worker_lost as retryable', () => {
    expect(codes.filter(isRetryable).sort()).toEqual([
      'app_unavailable',
      'overloaded',
      'timeout',
      'worker_lost',
    ]);
  });

  it.each([
    ['cancelled', true],
    ['nope', false],
    ['toString', false],
    [undefined, false],
    [404, false],
  ] as const)('knows whether %j is a code', (value, expected) => {
    expect(isErrorCode(value)).toBe(expected);
  });
});

describe('SluiceError', () => {
  it('answers {detail, error_type, code} with its message as detail', () => {
    const error = new SluiceError('not_found', 'No app is served at this path');
    expect(error.toJSON()).toEqual({
      detail: 'No app is served at this path',
      error_type: 'not_found',
      code: 'not_found',
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual(error.toJSON());
  });

  it('answers with its field errors as detail', () => {
    const fields = [{ loc: ['body', 'steps'], msg: 'Too big', type: 'too_big' }];
    const error = new SluiceError('invalid_input', 'The input is invalid', { fields });
    expect(error.toJSON()).toEqual({
      detail: fields,
      error_type: 'invalid_input',
      code: 'invalid_input',
    });
  });

  it('is an Error with its name, cause and retry hint', () => {
    const cause = new Error('socket closed');
    const error = new SluiceError('app_unavailable', 'Try later', { cause, retryAfterSeconds: 3 });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'SluiceError',
      cause,
      retryAfterSeconds: 3,
      retryable: true,
    });
  });

  it('turns anything else into internal, keeping the original as cause only', () => {
    const original = new Error('password=hunter2');
    const error = toSluiceError(original);
    expect(error).toMatchObject({
      code: 'internal',
      message: 'Internal server error',
      cause: original,
    });
    const known = new SluiceError('timeout', 'Too slow');
    expect(toSluiceError(known)).toBe(known);
  });
});

describe('terminal errors', () => {
  it('names only the class of what the app threw', () => {
    const thrown = new TypeError('secret');
    const error = toTerminalError(thrown);
    expect(error).toMatchObject({ code: 'app_error', message: 'The app raised TypeError' });
    expect(error.cause).toBe(thrown);
    expect(toTerminalError(null).message).toBe('The app raised object');
  });

  it('writes the error event payload', () => {
    const event = terminalErrorEvent(new SluiceError('timeout', 'Too slow'), 'req-1');
    expect(event.type).toBe('error');
    expect(JSON.parse(event.json)).toEqual({
      code: 'timeout',
      message: 'Too slow',
      retryable: true,
      request_id: 'req-1',
    });
  });
});
