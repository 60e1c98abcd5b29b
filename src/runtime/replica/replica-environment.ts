import type { ReplicaTarget } from './replica-protocol.js';

/** What a replica process learns from its environment. */
export interface ReplicaEnvironment {
  readonly target: ReplicaTarget;
  readonly rank: number;
  readonly worldSize: number;
  readonly collectiveTimeoutMs: number | undefined;
}

/** The variable that carries the replica's target and collective timeout, as JSON. */
export const REPLICA_VARIABLE = 'SLUICE_REPLICA';

/**
 * The environment variables of one rank process: `RANK`, `LOCAL_RANK`, `WORLD_SIZE`,
 * `CUDA_VISIBLE_DEVICES`, and sluice's own.
 *
 * @example
 * rankEnvironment({ target, rank: 1, worldSize: 2, device: '1' }).RANK; // '1'
 */
export function rankEnvironment(options: {
  readonly target: ReplicaTarget;
  readonly rank: number;
  readonly worldSize: number;
  readonly device: string;
  readonly collectiveTimeoutMs: number | undefined;
}): Record<string, string> {
  const { target, rank, worldSize, device, collectiveTimeoutMs } = options;
  return {
    RANK: String(rank),
    LOCAL_RANK: String(rank),
    WORLD_SIZE: String(worldSize),
    CUDA_VISIBLE_DEVICES: device,
    [REPLICA_VARIABLE]: JSON.stringify({ target, collectiveTimeoutMs }),
  };
}

/**
 * Reads a rank process's environment (see {@link rankEnvironment}).
 *
 * @example
 * const { target, rank, worldSize } = readReplicaEnvironment(process.env);
 */
export function readReplicaEnvironment(variables: NodeJS.ProcessEnv): ReplicaEnvironment {
  const raw = variables[REPLICA_VARIABLE];
  if (!raw) throw new Error(`${REPLICA_VARIABLE} is not set: this is not a replica process`);
  const parsed = JSON.parse(raw) as {
    target: ReplicaTarget;
    collectiveTimeoutMs?: number;
  };
  return {
    target: parsed.target,
    rank: Number(variables.RANK ?? 0),
    worldSize: Number(variables.WORLD_SIZE ?? 1),
    collectiveTimeoutMs: parsed.collectiveTimeoutMs,
  };
}
