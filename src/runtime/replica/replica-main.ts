/**
 * The entry of a replica process (one rank of a replica, forked by the parent with an IPC
 * channel in and a pipe out, see `spawn-rank.ts`): imports what it serves, runs `setup` once, then serves runs until the parent
 * disconnects. Uncaught exceptions and unhandled rejections end the process, as they
 * would any Node process: the parent reports its runs as `worker_lost` and restarts it.
 */
import { createCollectives } from '../collectives/create-collectives.js';
import { loadTarget } from './load-target.js';
import { processChannel } from './replica-channel.js';
import { ReplicaHost } from './replica-host.js';
import type { ParentMessage } from './replica-protocol.js';
import { readReplicaEnvironment } from './replica-environment.js';

const environment = readReplicaEnvironment(process.env);
const channel = processChannel();
const early: ParentMessage[] = [];
let receive: (message: ParentMessage) => void = (message) => void early.push(message);
channel.onMessage((message) => receive(message));
process.on('disconnect', () => process.exit(0));

try {
  const app = await loadTarget(environment.target);
  const state: unknown = await app.setup();
  const host = new ReplicaHost({
    app,
    state,
    channel,
    rank: environment.rank,
    worldSize: environment.worldSize,
    collectives: ({ transport, signal }) =>
      createCollectives({ transport, signal, timeoutMs: environment.collectiveTimeoutMs }),
  });
  receive = host.receive;
  channel.send({ kind: 'ready' });
  for (const message of early.splice(0)) host.receive(message);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? error.stack : undefined;
  channel.send({ kind: 'setup-failed', error: message, ...(stack ? { stack } : {}) });
  process.exitCode = 1;
  await channel.close(); // before the disconnect, whose handler exits at once
  process.disconnect();
}
