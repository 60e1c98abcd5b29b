import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '../../src/errors/error-codes.js';

const catalogue = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8');

function documentedRows(): Map<string, number> {
  const rows = new Map<string, number>();
  for (const match of catalogue.matchAll(/^\| +`([a-z_]+)` +\| +(\d{3}) +\|/gm))
    rows.set(match[1]!, Number(match[2]));
  return rows;
}

describe('the error catalogue (docs/errors.md)', () => {
  it('documents every code with its HTTP status, and nothing else', () => {
    const rows = documentedRows();
    const codes = Object.keys(ERROR_STATUS) as ErrorCode[];
    for (const code of codes) expect(rows.get(code), code).toBe(ERROR_STATUS[code]);
    expect([...rows.keys()].sort()).toEqual([...codes].sort());
  });
});
