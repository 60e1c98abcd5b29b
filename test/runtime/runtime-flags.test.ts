import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineApp } from '../../src/app/define-app.js';
import { RUNTIME_FLAG_OPTIONS, runtimeOverrides } from '../../src/cli/runtime-flags.js';
import { resolvePlacement } from '../../src/runtime/placement.js';

function parse(args: string[]) {
  return runtimeOverrides(parseArgs({ args, options: RUNTIME_FLAG_OPTIONS }).values);
}

const app = defineApp({
  id: 'test/placed',
  input: z.object({}),
  replicas: 3,
  maxConcurrency: 2,
  run: () => ({}),
});

describe('runtime flags and placement', () => {
  it('turns flags into overrides, leaving out the ones not given', () => {
    expect(
      parse(['--isolation', 'process', '--replicas', '2', '--cancel-deadline-ms', '250']),
    ).toEqual({ isolation: 'process', replicas: 2, cancelDeadlineMs: 250 });
    expect(parse(['--replica-node-options=--max-old-space-size=64  --no-warnings'])).toEqual({
      nodeOptions: ['--max-old-space-size=64', '--no-warnings'],
    });
    expect(parse([])).toEqual({});
  });

  it('takes --replicas as a count or a <min>-<max> range, with --keep-alive-ms', () => {
    expect(parse(['--replicas', '0-4', '--keep-alive-ms', '300000'])).toEqual({
      replicas: { min: 0, max: 4 },
      keepAliveMs: 300_000,
    });
    expect(parse(['--replicas', '2-2'])).toEqual({ replicas: { min: 2, max: 2 } });
    expect(parse(['--keep-alive-ms', '0'])).toEqual({ keepAliveMs: 0 });
  });

  it.each([
    [['--replicas', '3-2'], '--replicas <min>-<max> needs a max of 1 or more'],
    [['--replicas', '0-0'], '--replicas <min>-<max> needs a max of 1 or more'],
    [['--replicas=-1-2'], '--replicas must be a positive integer <n> or a range <min>-<max>'],
    [['--replicas', '1-'], '--replicas must be a positive integer <n> or a range <min>-<max>'],
    [['--replicas', '1.5-3'], '--replicas must be a positive integer <n> or a range <min>-<max>'],
    [['--keep-alive-ms=-5'], '--keep-alive-ms must be a number of milliseconds, 0 or more'],
    [['--keep-alive-ms', 'soon'], '--keep-alive-ms must be a number of milliseconds, 0 or more'],
    [
      ['--replicas', '2', '--keep-alive-ms', '1000'],
      '--keep-alive-ms needs --replicas <min>-<max>',
    ],
  ])('refuses %j, naming the flag', (args, message) => {
    expect(() => parse(args)).toThrow(message);
  });

  it('names the flag whose value is wrong', () => {
    expect(() => parse(['--isolation', 'thread'])).toThrow('--isolation must be inline or process');
    expect(() => parse(['--replicas', '0'])).toThrow('--replicas must be a positive integer');
    expect(() => parse(['--world-size', '1.5'])).toThrow('--world-size must be a positive integer');
    expect(() => parse(['--cancel-deadline-ms', 'soon'])).toThrow('--cancel-deadline-ms');
  });

  it('applies overrides over the app’s placement, and the app’s over the defaults', () => {
    expect(resolvePlacement(app)).toMatchObject({
      isolation: 'inline',
      replicas: 3,
      maxConcurrency: 2,
      worldSize: 1,
      cancelDeadlineMs: 5_000,
    });
    expect(resolvePlacement(app, { isolation: 'process', replicas: 1 })).toMatchObject({
      isolation: 'process',
      replicas: 1,
    });
    const group = resolvePlacement(app, { worldSize: 4 });
    expect(group).toMatchObject({ isolation: 'process', worldSize: 4, maxConcurrency: 1 });
    expect(group.deviceMap(3)).toBe('3');
    expect(
      resolvePlacement(app, { isolation: 'process', maxConcurrency: undefined }),
    ).toMatchObject({
      maxConcurrency: 2,
    });
    expect(() => resolvePlacement(app, { replicas: 0 })).toThrow(
      'replicas must be a positive integer',
    );
  });
});
