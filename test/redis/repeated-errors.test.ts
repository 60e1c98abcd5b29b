import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { settleWithin } from '../../src/events/settle-within.js';
import { repeatedErrors } from '../../src/redis/repeated-errors.js';

describe('repeatedErrors', () => {
  it('logs the first error of a kind and counts its repeats instead of logging each', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const onError = repeatedErrors(pino(stream), 'redis queue');
    for (let attempt = 0; attempt < 200; attempt++) onError(new Error('connect ECONNREFUSED'));
    onError(new Error('another failure'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('connect ECONNREFUSED');
    expect(lines[1]).toContain('another failure');
  });
});

describe('settleWithin', () => {
  it('says whether the work settled (fulfilled or rejected) in time', async () => {
    expect(await settleWithin(Promise.resolve(), 50)).toBe(true);
    expect(await settleWithin(Promise.reject(new Error('no')), 50)).toBe(true);
    expect(await settleWithin(new Promise(() => undefined), 20)).toBe(false);
  });
});
