/** One endpoint of one app: the unit the BullMQ queue keeps a BullMQ `Queue` for. */
export interface Lane {
  readonly appId: string;
  /** The endpoint's sub-path, `''` for the default endpoint. */
  readonly endpoint: string;
}

/**
 * A lane's BullMQ queue name: base64url, so it holds no `:` (BullMQ refuses one) and two
 * lanes never share a name.
 *
 * @example
 * laneName({ appId: 'demo/text', endpoint: '/fast' }); // 'WyJkZW1vL3RleHQiLCIvZmFzdCJd'
 */
export function laneName(lane: Lane): string {
  return Buffer.from(JSON.stringify([lane.appId, lane.endpoint])).toString('base64url');
}
