import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterAttachments } from '../../src/cluster/cluster-attachments.js';
import { RunStates } from '../../src/cluster/run-states.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import { gateApp, gateLog, resetGateLog, uniqueKey } from '../fixtures/queue-apps.js';
import { startRedisGateway } from '../support/gateway.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';
import { send, until } from '../support/sse-client.js';

const GRACE_MS = 300;

beforeEach(resetGateLog);

describe('clients counted across gateways', () => {
  it('a client that moves to another gateway keeps its run; when it leaves there, the run is cancelled', async () => {
    await using first = await startRedisGateway({ apps: [gateApp], cancelGraceMs: GRACE_MS });
    await using second = await startRedisGateway({
      apps: [],
      cancelGraceMs: GRACE_MS,
      redis: first.redis,
    });
    await until(() => second.apps().some((app) => app.id === 'qtest/gate'));
    const key = uniqueKey('moving');
    const started = await send(`${first.url}/qtest/gate/stream`, {
      method: 'POST',
      body: JSON.stringify({ key }),
    });
    const requestId = String(started.response.headers['x-request-id']);
    await until(() => gateLog.started.includes(key));
    started.request.destroy(); // the client leaves the first gateway…
    const moved = await send(`${second.url}/qtest/gate/requests/${requestId}/stream`); // …and comes back through the second
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS * 3));
    expect(gateLog.aborted).not.toContain(key); // the first gateway's grace saw it attached elsewhere
    moved.request.destroy(); // now it leaves for good
    await until(() => gateLog.aborted.includes(key));
    const status = await fetch(`${first.url}/queue/qtest/gate/requests/${requestId}/status`);
    expect(await status.json()).toMatchObject({ status: 'COMPLETED', error_type: 'cancelled' });
  });
});

describe('clients leaving', () => {
  let prefix: string;
  let hub: RedisHub | undefined;

  beforeEach(() => {
    prefix = uniquePrefix();
  });

  afterEach(async () => {
    await hub?.close();
    await deletePrefix(prefix);
  });

  it('a client that leaves a running request starts its grace; one that leaves an ended request does not', async () => {
    hub = await RedisHub.connect({ url: redisUrl(), prefix });
    const states = new RunStates(hub, 60_000);
    const abandoned: string[] = [];
    const attachments = new ClusterAttachments({
      states,
      graceMs: 100,
      onAbandoned: (requestId) => abandoned.push(requestId),
      onError: (error) => {
        throw error;
      },
    });
    for (const requestId of ['running', 'ended']) {
      await states.create(requestId, { cancelOnDisconnect: true });
      await states.started(requestId);
    }
    await states.ended('ended'); // as a worker marks it before its terminal event
    const leave = ['running', 'ended'].map((requestId) => attachments.attach(requestId));
    await new Promise((resolve) => setTimeout(resolve, 50)); // both counted in
    for (const detach of leave) detach();
    await until(() => abandoned.includes('running'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(abandoned).toEqual(['running']);
    attachments.close();
  });
});
