import { z } from 'zod';
import { defineApp } from '../src/index.js';

const input = z.object({});

function* oneEvent() {
  yield { pid: process.pid };
  return { pid: process.pid };
}

/** Scales to zero right after each run (`keepAliveMs: 0`): every request is a cold start. */
export const coldApp = defineApp({
  id: 'bench/cold',
  input,
  isolation: 'process',
  replicas: { min: 0, max: 1, keepAliveMs: 0 },
  run: oneEvent,
});

/** The same app with one replica always up: every request finds it warm. */
export const warmApp = defineApp({
  id: 'bench/warm',
  input,
  isolation: 'process',
  replicas: { min: 1, max: 1 },
  run: oneEvent,
});
