/** The costs of `bench/sync-path.ts`'s endpoints, shared by its client and server. */

/** A device call's cost (a GPU's launch and sync): mostly fixed, a little per item. */
export const DEVICE_FIXED_MS = 8;
export const DEVICE_PER_ITEM_MS = 0.05;
/** The CPU-bound variant's cost, busy on the server's own core. */
export const CPU_FIXED_MS = 3;
export const CPU_PER_ITEM_MS = 0.05;
/** How long a batch waits for more requests. */
export const MAX_WAIT_MS = 2;
