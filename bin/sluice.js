#!/usr/bin/env node
// The CLI entry: run the built CLI, which registers tsx itself when an app file is
// TypeScript. A checkout whose src/ changed after its last build runs the TypeScript
// sources through tsx instead, so it never runs stale code.
import { isBuildCurrent } from './build-freshness.js';

const root = new URL('../', import.meta.url);
if (isBuildCurrent(root)) {
  await import(new URL('dist/cli/main.js', root).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('src/cli/main.ts', root).href);
}
