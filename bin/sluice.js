#!/usr/bin/env node
// The CLI entry: register tsx so users' TypeScript app files load directly, then run the
// built CLI, or its TypeScript sources in a checkout that has not been built.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const built = new URL('../dist/cli/main.js', import.meta.url);
await import(existsSync(built) ? built.href : new URL('../src/cli/main.ts', import.meta.url).href);
