import { hangLog, inlineApps } from '../fixtures/child-stream-apps.js';
import { startRedisGateway, startTestWorker } from '../support/gateway.js';
import { until } from '../support/sse-client.js';
import { describeChildStream } from '../runtime/child-stream/child-stream-cases.js';

/** Whether the gateway lists every app and is ready to serve them. */
async function servesAll(url: string, appIds: readonly string[]): Promise<boolean> {
  const listed = (await (await fetch(`${url}/apps`)).json()) as { apps: { id: string }[] };
  const ids = new Set(listed.apps.map((app) => app.id));
  return appIds.every((id) => ids.has(id)) && (await fetch(`${url}/ready`)).status === 200;
}

/**
 * A pure gateway and a worker node on real Redis (own key prefix): the parent runs on the
 * worker, its child goes through the BullMQ queue, and its events are read from the child's
 * Redis stream.
 */
describeChildStream({
  name: 'Redis worker',
  apps: inlineApps,
  async start() {
    const gateway = await startRedisGateway({ apps: [] });
    const apps = [inlineApps.parent, inlineApps.child];
    const worker = await startTestWorker(gateway.redis, apps).catch(async (error: unknown) => {
      await gateway[Symbol.asyncDispose]();
      throw error;
    });
    await until(() => servesAll(gateway.url, [inlineApps.parent.id, inlineApps.child.id]), 20_000);
    return {
      url: gateway.url,
      cancel: (requestId) => gateway.dispatcher.cancel(requestId),
      hanging: () => hangLog.running,
      async [Symbol.asyncDispose]() {
        await worker[Symbol.asyncDispose]();
        await gateway[Symbol.asyncDispose]();
      },
    };
  },
});
