import { describe, expect, it } from 'vitest';
import { chooseDialect } from '../../src/server/stream-dialect.js';
import { SluiceError } from '../../src/errors/sluice-error.js';

describe('choosing a stream’s dialect', () => {
  it('takes the endpoint default when the request names none', () => {
    expect(chooseDialect('typed', { query: {}, accept: 'text/event-stream' })).toBe('typed');
  });

  it('takes an Accept parameter, quoted or not, over the default', () => {
    const ask = (accept: string) => chooseDialect('sluice', { query: {}, accept });
    expect(ask('text/event-stream; dialect=data')).toBe('data');
    expect(ask('text/event-stream;dialect="typed"')).toBe('typed');
    expect(ask('application/json, text/event-stream; q=0.9; dialect=typed')).toBe('typed');
  });

  it('takes the query parameter over the Accept parameter', () => {
    const asked = { query: { dialect: 'data' }, accept: 'text/event-stream; dialect=typed' };
    expect(chooseDialect('sluice', asked)).toBe('data');
  });

  it('refuses an unknown dialect with invalid_input naming where it came from', () => {
    const fromQuery = () => chooseDialect('sluice', { query: { dialect: 'xml' }, accept: '' });
    expect(fromQuery).toThrow(SluiceError);
    expect(fromQuery).toThrow(/sluice, data or typed/);
    try {
      chooseDialect('sluice', { query: {}, accept: 'text/event-stream; dialect=xml' });
      expect.unreachable();
    } catch (error) {
      expect((error as SluiceError).code).toBe('invalid_input');
      expect((error as SluiceError).toJSON()).toMatchObject({
        detail: [{ loc: ['header', 'accept'] }],
      });
    }
  });
});

describe('an endpoint’s default dialect', () => {
  it('is sluice unless defineApp names another, and an unknown name is refused at definition', async () => {
    const { defineApp } = await import('../../src/app/define-app.js');
    const { z } = await import('zod');
    const base = { input: z.object({}), run: () => ({}) };
    expect(defineApp({ id: 'demo/a', ...base }).endpoints.get('')?.dialect).toBe('sluice');
    const typed = defineApp({ id: 'demo/b', ...base, dialect: 'typed' });
    expect(typed.endpoints.get('')?.dialect).toBe('typed');
    const wrong = { id: 'demo/c', ...base, dialect: 'xml' } as unknown as Parameters<
      typeof defineApp
    >[0];
    expect(() => defineApp(wrong)).toThrow(/dialect must be/);
  });
});
