/** The sluice gateway serving the firehose app, as a benchmark child process. */
import { firehose } from './firehose-app.js';
import { serveCommands } from './serve-commands.js';
import { sluiceModule } from './sluice-source.js';
import type * as GatewayModule from '../src/server/create-gateway.js';

const { createGateway } = (await import(
  sluiceModule('server/create-gateway')
)) as typeof GatewayModule;

const gateway = await createGateway({
  apps: [firehose],
  logger: false,
  heartbeatMs: 15_000,
  eventLogLimits: { maxEvents: 1_000_000, maxBytes: 512 * 1024 * 1024 },
});
const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
serveCommands(url, () => gateway.close());
