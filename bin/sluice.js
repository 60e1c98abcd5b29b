#!/usr/bin/env node
// The CLI entry: register tsx so users' TypeScript app files load directly, then run the
// built CLI; a checkout whose src/ changed after its last build runs the TypeScript sources
// instead, so it never runs stale code.
import { register } from 'tsx/esm/api';
import { isBuildCurrent } from './build-freshness.js';

register();
const root = new URL('../', import.meta.url);
const cli = isBuildCurrent(root) ? 'dist/cli/main.js' : 'src/cli/main.ts';
await import(new URL(cli, root).href);
