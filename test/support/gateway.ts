import {
  createGateway,
  type Gateway,
  type GatewayOptions,
} from '../../src/server/create-gateway.js';

/** A gateway listening on a free loopback port, released by `await using`. */
export interface TestGateway extends Gateway, AsyncDisposable {
  readonly url: string;
}

/**
 * Starts a real gateway on 127.0.0.1:0 with logging off.
 *
 * @example
 * await using gateway = await startGateway({ apps: [countApp] });
 */
export async function startGateway(options: GatewayOptions): Promise<TestGateway> {
  const gateway = await createGateway({ logger: false, ...options });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return { ...gateway, url, [Symbol.asyncDispose]: () => gateway.close() };
}
