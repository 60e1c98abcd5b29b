import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/errors/sluice-error.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import { RunStates, type StateChange } from '../../src/cluster/run-states.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

let prefix: string;
let hubs: RedisHub[];

beforeEach(() => {
  prefix = uniquePrefix();
  hubs = [];
});

afterEach(async () => {
  for (const hub of hubs) await hub.close();
  await deletePrefix(prefix);
});

async function states(retentionMs = 60_000): Promise<{ hub: RedisHub; states: RunStates }> {
  const hub = await RedisHub.connect({ url: redisUrl(), prefix });
  hubs.push(hub);
  return { hub, states: new RunStates(hub, retentionMs) };
}

function nextChange(runStates: RunStates): Promise<StateChange> {
  return new Promise((resolve) => {
    const stop = runStates.onChange((change) => {
      stop();
      resolve(change);
    });
  });
}

describe('run states in Redis', () => {
  it('moves queued → running → ended, publishing each change to every process', async () => {
    const gateway = await states();
    const worker = await states();
    await gateway.states.create('r1', {
      cancelOnDisconnect: true,
      webhookUrl: 'http://127.0.0.1:1/hook',
    });
    expect(await gateway.states.progress('r1')).toEqual({
      state: 'queued',
      startedAt: undefined,
      endedAt: undefined,
      startTimedOut: false,
    });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the subscription is taken
    const started = nextChange(gateway.states);
    expect(await worker.states.started('r1')).toEqual({ attempt: 1, cancel: undefined });
    expect(await started).toEqual({ requestId: 'r1', state: 'running' });
    const ended = nextChange(gateway.states);
    await worker.states.ended('r1');
    expect(await ended).toEqual({ requestId: 'r1', state: 'ended' });
    expect(await worker.states.facts('r1')).toEqual({
      cancelOnDisconnect: true,
      webhookUrl: 'http://127.0.0.1:1/hook',
      ended: true,
    });
    expect(await worker.states.attempts('r1')).toBe(1);
    const progress = await gateway.states.progress('r1');
    expect(progress?.state).toBe('ended');
    expect(progress!.endedAt! >= progress!.startedAt!).toBe(true);
  });

  it('counts attempts, so a retry after a lost worker knows it is one', async () => {
    const { states: runStates } = await states();
    await runStates.create('r2', { cancelOnDisconnect: false });
    expect((await runStates.started('r2'))?.attempt).toBe(1);
    expect((await runStates.started('r2'))?.attempt).toBe(2);
  });

  it('a start that finds no state makes one that expires', async () => {
    const { hub, states: runStates } = await states();
    expect((await runStates.started('r10'))?.attempt).toBe(1);
    expect((await runStates.progress('r10'))?.state).toBe('running');
    expect(await hub.command.pttl(hub.key('run', 'r10'))).toBeGreaterThan(0);
  });

  it('does not start a request that has ended, and publishes nothing for it', async () => {
    const { states: runStates } = await states();
    await runStates.create('r7', { cancelOnDisconnect: false });
    await runStates.ended('r7', { outcome: 'cancelled' });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the subscription is taken
    const changes: StateChange[] = [];
    runStates.onChange((change) => changes.push(change));
    expect(await runStates.started('r7')).toBeUndefined();
    expect(await runStates.progress('r7')).toMatchObject({ state: 'ended', startedAt: undefined });
    expect(await runStates.attempts('r7')).toBe(0);
    await runStates.ended('r7'); // a change after it: the one that arrives first
    await expect.poll(() => changes.length).toBe(1);
    expect(changes[0]).toEqual({ requestId: 'r7', state: 'ended' });
  });

  it('an attempt a retry replaced does not end the retry; the current attempt ends in one step', async () => {
    const gateway = await states();
    const { hub, states: worker } = await states(5_000);
    await gateway.states.create('r6', { cancelOnDisconnect: false });
    expect((await worker.started('r6'))?.attempt).toBe(1);
    expect((await worker.started('r6'))?.attempt).toBe(2); // a retry after a lost worker
    expect(await worker.ended('r6', { attempt: 1 })).toBe(false);
    expect((await worker.progress('r6'))?.state).toBe('running');
    expect(await worker.facts('r6')).toMatchObject({ ended: false });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the subscription is taken
    const ended = nextChange(gateway.states);
    expect(await worker.ended('r6', { attempt: 2, outcome: 'app_error' })).toBe(true);
    expect(await ended).toEqual({ requestId: 'r6', state: 'ended', outcome: 'app_error' });
    expect((await worker.progress('r6'))?.endedAt).toBeGreaterThan(0);
    const ttl = await hub.command.pttl(hub.key('run', 'r6'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it('a cancel asked before the start is handed to the worker that starts it', async () => {
    const gateway = await states();
    const worker = await states();
    await gateway.states.create('r3', { cancelOnDisconnect: false });
    const heard: string[] = [];
    worker.states.onCancel((requestId) => heard.push(requestId));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await gateway.states.requestCancel('r3', new SluiceError('cancelled', 'Stop it'));
    const { cancel } = (await worker.states.started('r3'))!;
    expect(cancel).toBeInstanceOf(SluiceError);
    expect(cancel).toMatchObject({ code: 'cancelled', message: 'Stop it' });
    await expect.poll(() => heard).toEqual(['r3']);
  });

  it('counts attached clients across gateways', async () => {
    const one = await states();
    const two = await states();
    await one.states.create('r4', { cancelOnDisconnect: false });
    expect(await one.states.attached('r4', 1)).toBe(1);
    expect(await two.states.attached('r4', 1)).toBe(2);
    expect(await one.states.attached('r4', -1)).toBe(1);
    expect(await two.states.attached('r4', 0)).toBe(1);
    expect(await one.states.attached('expired-or-never', 1)).toBe(0);
    expect(await one.states.facts('expired-or-never')).toBeUndefined();
  });

  it('tells, as the last client leaves, whether that may abandon the request', async () => {
    const { states: runStates } = await states();
    await runStates.create('r8', { cancelOnDisconnect: true });
    await runStates.create('r9', { cancelOnDisconnect: false });
    await runStates.attached('r8', 2);
    expect(await runStates.detached('r8')).toEqual({ clients: 1, abandonable: false });
    expect(await runStates.detached('r8')).toEqual({ clients: 0, abandonable: true });
    await runStates.attached('r9', 1);
    expect(await runStates.detached('r9')).toEqual({ clients: 0, abandonable: false });
    await runStates.attached('r8', 1);
    await runStates.ended('r8');
    expect(await runStates.detached('r8')).toEqual({ clients: 0, abandonable: false });
    expect(await runStates.detached('expired-or-never')).toEqual({
      clients: 0,
      abandonable: false,
    });
  });

  it('keeps an ended request for the retention window only; start timeouts are remembered', async () => {
    const { hub, states: runStates } = await states(5_000);
    await runStates.create('r5', { cancelOnDisconnect: false });
    expect(await hub.command.pttl(hub.key('run', 'r5'))).toBeGreaterThan(5_000);
    await runStates.ended('r5', { startTimedOut: true });
    const ttl = await hub.command.pttl(hub.key('run', 'r5'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
    expect((await runStates.progress('r5'))?.startTimedOut).toBe(true);
    expect(await runStates.progress('never')).toBeUndefined();
  });
});
