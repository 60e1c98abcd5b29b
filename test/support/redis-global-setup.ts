import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis every Redis test uses, each under its own key prefix. */
    redisUrl: string;
  }
}

/**
 * Gives the suite a Redis: `REDIS_URL` when set, else a `redis-server` of its own on a free
 * loopback port, stopped when the suite ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnvironment = process.env.REDIS_URL;
  if (fromEnvironment) {
    project.provide('redisUrl', fromEnvironment);
    return () => Promise.resolve();
  }
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return async () => {
    await server[Symbol.asyncDispose]();
  };
}
