import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import { REALTIME_DEFAULTS } from '../../app/realtime-options.js';
import { settleWithin } from '../../events/settle-within.js';
import { SluiceError, toSluiceError } from '../../errors/sluice-error.js';
import type { GatewayContext } from '../gateway-context.js';
import { pathOf } from '../path-of.js';
import type { RealtimeTokens } from './realtime-tokens.js';
import { RealtimeSession, type SessionOptions } from './realtime-session.js';
import { ownerOfCaller, tokenInQuery } from './token-owner.js';
import { refuseUpgrade } from './upgrade-refusal.js';

const SUFFIX = '/realtime';

/** The open realtime connections of a gateway, for its shutdown. */
export interface RealtimeConnections {
  readonly count: number;
  /**
   * Waits up to `waitMs` for every connection's inputs to be answered, then closes every
   * connection with 1001 (going away) and refuses new ones.
   */
  closeAll(waitMs: number): Promise<void>;
}

/** What deciding an upgrade needs. */
interface UpgradeParts {
  readonly context: GatewayContext;
  readonly tokens: RealtimeTokens;
  readonly request: IncomingMessage;
}

function queryOf(url: string | undefined): URLSearchParams {
  return new URL(url ?? '/', 'http://localhost').searchParams;
}

/**
 * Who is calling: the key's owner from the header, else a token's owner, the token checked
 * against the app when there is one (`undefined`: any genuine token will do).
 */
function ownerOf({ context, tokens, request }: UpgradeParts, appId: string | undefined): string {
  const token = tokenInQuery(queryOf(request.url));
  return ownerOfCaller(context.keys, tokens, {
    authorization: request.headers.authorization,
    token,
    appId,
  });
}

/** The session a valid upgrade request opens; throws the HTTP error to answer instead. */
function sessionFor(parts: UpgradeParts): SessionOptions {
  const { context, request } = parts;
  const path = pathOf(request.url ?? '/');
  const route = path.endsWith(SUFFIX)
    ? context.routes.resolveRun(path.slice(0, -SUFFIX.length))
    : undefined;
  if (!route || route.view !== 'sync') {
    ownerOf(parts, undefined); // 401 before 404, as over HTTP
    throw new SluiceError('not_found', 'No realtime endpoint is served at this path');
  }
  const owner = ownerOf(parts, route.app.id);
  if (context.dispatcher.isClosing)
    throw new SluiceError('app_unavailable', 'The server is shutting down', {
      retryAfterSeconds: 1,
    });
  const query = queryOf(request.url);
  const events = /^(1|true)$/.test(query.get('events') ?? '');
  const acks = /^(1|true)$/.test(query.get('acks') ?? '');
  const settings = route.endpoint.realtime ?? REALTIME_DEFAULTS;
  return { route, owner, settings, events, acks };
}

/**
 * `GET /{owner}/{name}{path}/realtime`: upgrades to a WebSocket on `ws`, where each message
 * is one input (see docs/realtime.md). Unknown paths answer 404 and bad credentials 401
 * before the upgrade, in the usual error shape. Credentials: the API key as a header, or
 * a token from `POST /tokens/` in `?fal_jwt_token=` (fal's client) or `?token=`.
 *
 * @example
 * const connections = registerRealtimeRoute(fastify, context, tokens);
 */
export function registerRealtimeRoute(
  fastify: FastifyInstance,
  context: GatewayContext,
  tokens: RealtimeTokens,
): RealtimeConnections {
  const servers = new Map<number, WebSocketServer>();
  const sessions = new Set<RealtimeSession>();
  const serverFor = (maxPayload: number) => {
    let server = servers.get(maxPayload);
    if (!server) {
      server = new WebSocketServer({ noServer: true, maxPayload, clientTracking: false });
      servers.set(maxPayload, server);
    }
    return server;
  };
  fastify.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    let options: SessionOptions;
    try {
      options = sessionFor({ context, tokens, request });
    } catch (thrown) {
      const error = toSluiceError(thrown);
      if (error.code === 'internal') context.logger.error({ err: thrown }, 'upgrade failed');
      return refuseUpgrade(socket, error);
    }
    serverFor(options.settings.maxMessageBytes).handleUpgrade(request, socket, head, (ws) => {
      const session = new RealtimeSession(context, ws, options);
      sessions.add(session);
      ws.once('close', () => sessions.delete(session));
    });
  });
  return {
    get count() {
      return sessions.size;
    },
    closeAll: async (waitMs) => {
      const answers = [...sessions].map((session) => session.answered());
      await settleWithin(Promise.all(answers), waitMs);
      for (const session of sessions) session.close(1001, 'server shutting down');
      for (const server of servers.values()) server.close();
    },
  };
}
