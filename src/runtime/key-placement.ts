/**
 * The scheduling rule of keyed state (`stateKey`), apart from any process: which holder (a
 * replica, or the one process of an inline runtime or a Redis worker) a run of a key
 * starts on. The replica pool, the single-process {@link KeyedGate} and the bench's replay
 * all schedule through {@link scheduleRun}; it touches nothing but the holders it is given.
 *
 * - A holder never runs two keys at once: a run goes to a holder of its key with room, or
 *   to an idle one.
 * - Affinity: a holder of the key is preferred, so switches are rare; a key whose holder
 *   is only full waits for it.
 * - Turns: a holder keeps its key for a turn of `turnRuns(limit)` runs even while other
 *   keys wait. Once its turn is over, a waiting key that no holder holds sets it aside
 *   (`drainingFor`): it takes no other key's runs, drains, and switches. So no key starves.
 */

/** One place runs execute, as the rule sees it (the rule updates it). */
export interface KeyHolder {
  /** The state key it holds (`undefined` before its first keyed run). */
  heldKey: string | undefined;
  /** Set aside for this waiting key: it takes no other key's runs until it switches. */
  drainingFor: string | undefined;
  /** Runs it holds now. */
  load: number;
  /** Runs started since it took its key: its turn ends at `turnRuns(limit)`. */
  turnRuns: number;
}

/** The rule's settings: runs per holder at once; `keyBlind` ignores held keys (the bench's baseline only). */
export interface KeyRule {
  readonly limit: number;
  readonly keyBlind?: boolean;
}

/** Where a run starts (`undefined`: it waits), and whether its holder switched keys for it. */
export interface ScheduledRun<Holder> {
  readonly holder?: Holder;
  readonly switched: boolean;
}

const TURN_FILLS = 4;
const LARGEST_COUNTED_LIMIT = 64;

/**
 * Runs of one key a holder may start in a row while other keys wait: four fills of its
 * run slots (an unbounded holder counts as 64 slots).
 *
 * @example
 * turnRuns(4); // 16
 */
export function turnRuns(limit: number): number {
  return Math.min(limit, LARGEST_COUNTED_LIMIT) * TURN_FILLS;
}

/** A holder with a fresh, empty state: what a new or restarted process starts as. */
export function freshHolder(): KeyHolder {
  return { heldKey: undefined, drainingFor: undefined, load: 0, turnRuns: 0 };
}

function leastLoaded<Holder extends KeyHolder>(holders: readonly Holder[]): Holder | undefined {
  let best: Holder | undefined;
  for (const holder of holders) if (!best || holder.load < best.load) best = holder;
  return best;
}

/**
 * Schedules one run of `key` among ready `holders`: starts it on one (switching that
 * holder to the key, counting a run of its turn and of its load), or leaves it waiting,
 * perhaps setting a holder aside for its key. Call it again for waiting runs whenever a
 * run ends, in arrival order.
 *
 * @example
 * const { holder, switched } = scheduleRun(replicas, 'adapter-a', { limit: 4 });
 */
export function scheduleRun<Holder extends KeyHolder>(
  holders: readonly Holder[],
  key: string | undefined,
  rule: KeyRule,
): ScheduledRun<Holder> {
  const { place, reserve } = placement(holders, key, rule);
  if (reserve) reserve.drainingFor ??= key;
  if (!place) return { switched: false };
  const switched = key !== undefined && place.heldKey !== undefined && place.heldKey !== key;
  if (key !== undefined && place.heldKey !== key) {
    place.heldKey = key;
    place.drainingFor = undefined;
    place.turnRuns = 0;
  }
  place.turnRuns++;
  place.load++;
  return { holder: place, switched };
}

function placement<Holder extends KeyHolder>(
  holders: readonly Holder[],
  key: string | undefined,
  rule: KeyRule,
): { place?: Holder; reserve?: Holder } {
  const open = holders.filter((holder) => holder.load < rule.limit);
  if (key === undefined)
    return { place: leastLoaded(open.filter((holder) => !holder.drainingFor)) };
  if (rule.keyBlind) return placeKeyBlind(holders, open, key);
  const unreserved = (holder: Holder) => !holder.drainingFor || holder.drainingFor === key;
  const holding = open.filter((holder) => holder.heldKey === key && unreserved(holder));
  const holder = leastLoaded(holding);
  if (holder) return { place: holder };
  const idle = open.filter((holder) => holder.load === 0 && unreserved(holder));
  const chosen = idle.find((holder) => holder.drainingFor === key) ?? idle[0];
  if (chosen) return { place: chosen };
  return { reserve: reserveFor(holders, key, turnRuns(rule.limit)) };
}

/**
 * The holder to set aside for a key that found no room: none when one already is, or
 * when a holder of the key is only full (the key waits for it); else the least-loaded
 * holder whose turn is over and that no other key has set aside.
 */
function reserveFor<Holder extends KeyHolder>(
  holders: readonly Holder[],
  key: string,
  turn: number,
): Holder | undefined {
  if (holders.some((holder) => holder.drainingFor === key)) return undefined;
  if (holders.some((holder) => holder.heldKey === key && !holder.drainingFor)) return undefined;
  return leastLoaded(holders.filter((holder) => !holder.drainingFor && holder.turnRuns >= turn));
}

/**
 * The key-blind baseline: the least-loaded holder not set aside, whatever it holds; the
 * run starts there if the holder is idle or holds its key, else the holder drains for it.
 */
function placeKeyBlind<Holder extends KeyHolder>(
  holders: readonly Holder[],
  open: readonly Holder[],
  key: string,
): { place?: Holder; reserve?: Holder } {
  const reserved = open.find((holder) => holder.drainingFor === key && holder.load === 0);
  if (reserved) return { place: reserved };
  const target = leastLoaded(open.filter((holder) => !holder.drainingFor));
  if (target && (target.load === 0 || target.heldKey === key)) return { place: target };
  if (holders.some((holder) => holder.drainingFor === key)) return {};
  return { reserve: target ?? leastLoaded(holders.filter((holder) => !holder.drainingFor)) };
}

/**
 * Waiting runs in the order to schedule them when a run ends: those of a key some holder
 * holds (and is not set aside) first, so the held key goes on while its turn lasts; then
 * the rest, each group in arrival order.
 *
 * @example
 * for (const waiter of heldKeysFirst(waiters, (waiter) => waiter.key, replicas)) …
 */
export function heldKeysFirst<Waiter>(
  waiters: readonly Waiter[],
  keyOf: (waiter: Waiter) => string | undefined,
  holders: readonly Pick<KeyHolder, 'heldKey' | 'drainingFor'>[],
): Waiter[] {
  const held = new Set(
    holders.filter((holder) => !holder.drainingFor).map((holder) => holder.heldKey),
  );
  const first = waiters.filter((waiter) => held.has(keyOf(waiter)));
  return [...first, ...waiters.filter((waiter) => !held.has(keyOf(waiter)))];
}
