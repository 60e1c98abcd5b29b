/**
 * Replays keyed-state scheduling in simulated time: `clients` closed-loop clients send
 * requests with random keys to `replicas` holders of `concurrency` runs each, placed by
 * the same rule the replica pool uses (`scheduleRun`), with affinity or key-blind. Runs
 * take 5–15 ms. Deterministic (a seeded generator), and no processes: what it measures
 * is the rule's switches, not a machine's speed.
 */
import {
  freshHolder,
  heldKeysFirst,
  scheduleRun,
  type KeyHolder,
} from '../src/runtime/key-placement.js';

/** What one replay is asked. */
export interface KeyedReplayOptions {
  readonly replicas: number;
  readonly concurrency: number;
  readonly keys: number;
  readonly clients: number;
  readonly requests: number;
  readonly keyBlind: boolean;
}

/** A small seeded generator (mulberry32), so both dispatchers see the same requests. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Switches per 1,000 requests under the rule.
 *
 * @example
 * replayKeyed({ replicas: 2, concurrency: 4, keys: 4, clients: 32, requests: 10_000, keyBlind: true });
 */
export function replayKeyed(options: KeyedReplayOptions): { switchesPer1000: number } {
  const random = seeded(15);
  const holders: KeyHolder[] = Array.from({ length: options.replicas }, freshHolder);
  const rule = { limit: options.concurrency, keyBlind: options.keyBlind };
  let waiting: string[] = [];
  let running: { ends: number; holder: KeyHolder }[] = [];
  let sent = 0;
  let switches = 0;
  let now = 0;
  const send = () => {
    if (sent >= options.requests) return;
    sent++;
    waiting.push(`k${Math.floor(random() * options.keys)}`);
  };
  const dispatch = () => {
    waiting = heldKeysFirst(waiting, (key) => key, options.keyBlind ? [] : holders).filter(
      (key) => {
        const { holder, switched } = scheduleRun(holders, key, rule);
        if (!holder) return true;
        if (switched) switches++;
        running.push({ ends: now + 5 + 10 * random(), holder });
        return false;
      },
    );
  };
  for (let client = 0; client < options.clients; client++) send();
  dispatch();
  while (running.length > 0) {
    const next = running.reduce((soonest, run) => (run.ends < soonest.ends ? run : soonest));
    running = running.filter((run) => run !== next);
    now = next.ends;
    next.holder.load--;
    send();
    dispatch();
  }
  return { switchesPer1000: (switches / sent) * 1000 };
}
