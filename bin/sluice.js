#!/usr/bin/env node
// The published entry: register tsx so users' TypeScript app files load directly, then run the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../dist/cli/main.js');
