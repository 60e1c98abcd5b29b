import { describe, expect, it } from 'vitest';
import { parseCorsOrigins } from '../../src/server/cors.js';

describe('--cors-origin', () => {
  it('takes a list of origins or *', () => {
    expect(parseCorsOrigins('https://a.example, http://localhost:5173')).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(parseCorsOrigins('*')).toBe('*');
  });

  it('refuses paths, other schemes, and * mixed with origins', () => {
    expect(() => parseCorsOrigins('https://a.example/app')).toThrow(/no path/);
    expect(() => parseCorsOrigins('ftp://a.example')).toThrow(/must be an origin/);
    expect(() => parseCorsOrigins('*, https://a.example')).toThrow(/cannot be combined/);
    expect(() => parseCorsOrigins(' , ')).toThrow(/needs an origin/);
  });
});
