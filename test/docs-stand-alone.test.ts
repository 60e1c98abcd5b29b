import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url).pathname;
const USER_DOCS = [
  'README.md',
  'package.json',
  ...readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`),
];

describe('the docs stand on their own', () => {
  it.each(USER_DOCS)(
    '%s names no design notes or reference documents outside the project',
    (file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text).not.toMatch(/DESIGN\.md|seeds?\//i);
    },
  );
});
