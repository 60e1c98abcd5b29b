import { replicaApps } from '../../fixtures/child-stream-apps.js';
import { createRuntime } from '../../../src/runtime/create-runtime.js';
import { startGateway } from '../../support/gateway.js';
import { fixtureUrl } from '../replicas/replica-harness.js';
import { describeChildStream } from './child-stream-cases.js';

/** Parent and child each in replica processes: events cross IPC twice, pulled batch by batch. */
describeChildStream({
  name: 'replica processes',
  apps: replicaApps,
  async start() {
    const moduleUrl = fixtureUrl('child-stream-apps.ts');
    const { parent, child } = replicaApps;
    const runtime = createRuntime([
      { app: parent, moduleUrl },
      { app: child, moduleUrl },
    ]);
    await runtime.start();
    const gateway = await startGateway({ apps: [parent, child], runtime });
    const running = () =>
      (runtime.status(child.id).replicas ?? []).reduce((sum, replica) => sum + replica.running, 0);
    return {
      url: gateway.url,
      cancel: (requestId) => gateway.dispatcher.cancel(requestId),
      // Only `/hang` children outlive their parent's first output in these cases.
      hanging: running,
      [Symbol.asyncDispose]: () => gateway.close(),
    };
  },
});
