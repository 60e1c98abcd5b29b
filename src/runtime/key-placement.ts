/**
 * The scheduling rule of keyed state (`stateKey`), apart from any process: which holder (a
 * replica, or the one process of an inline runtime or a Redis worker) a run of a key may
 * start on now. Pure: the replica pool and the single-process {@link KeyedGate} keep
 * their holders and apply what it answers.
 *
 * - A holder never runs two keys at once: a run goes to a holder of its key with room, or
 *   to an idle one.
 * - Affinity: a holder of the key is preferred, so switches are rare.
 * - No key starves: when no holder can take a key, one is set aside for it (`reserve`);
 *   it takes no other key's runs, drains, and switches.
 */

/** One place runs execute, as the rule sees it. */
export interface KeyHolder {
  /** The state key it holds (`undefined` before its first keyed run). */
  readonly heldKey: string | undefined;
  /** Set aside for this waiting key: it takes no other key's runs until it switches. */
  readonly drainingFor: string | undefined;
  /** Runs it holds now. */
  readonly load: number;
}

/** What the rule answers for one run: where it starts now, or which holder to set aside. */
export interface KeyPlacement<Holder> {
  /** Start the run here (and switch it to the run's key if it held another). */
  readonly place?: Holder;
  /** Nowhere now: set this holder aside for the run's key. */
  readonly reserve?: Holder;
}

/** How holders are chosen: `keyBlind` ignores the held keys (a baseline for the bench only). */
export interface KeyPlacementOptions {
  readonly keyBlind?: boolean;
}

/** The rule's settings: runs per holder at once, and how holders are chosen. */
export interface KeyRule extends KeyPlacementOptions {
  readonly limit: number;
}

function leastLoaded<Holder extends KeyHolder>(holders: readonly Holder[]): Holder | undefined {
  let best: Holder | undefined;
  for (const holder of holders) if (!best || holder.load < best.load) best = holder;
  return best;
}

/**
 * Where a run of `key` goes among ready `holders`, each running at most `rule.limit` at once.
 *
 * @example
 * const { place, reserve } = placeByKey(replicas, 'adapter-a', { limit: 4 });
 */
export function placeByKey<Holder extends KeyHolder>(
  holders: readonly Holder[],
  key: string | undefined,
  rule: KeyRule,
): KeyPlacement<Holder> {
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
  return { reserve: reserveFor(holders, key) };
}

/**
 * The holder to set aside for a key that found no room: none when one already is, or
 * when a holder of the key is only full (the key waits for it); else the least-loaded
 * holder not set aside for another key.
 */
function reserveFor<Holder extends KeyHolder>(
  holders: readonly Holder[],
  key: string,
): Holder | undefined {
  if (holders.some((holder) => holder.drainingFor === key)) return undefined;
  if (holders.some((holder) => holder.heldKey === key && !holder.drainingFor)) return undefined;
  return leastLoaded(holders.filter((holder) => !holder.drainingFor));
}

/**
 * The key-blind baseline: the least-loaded holder not set aside, whatever it holds; the
 * run starts there if the holder is idle or holds its key, else the holder drains for it.
 */
function placeKeyBlind<Holder extends KeyHolder>(
  holders: readonly Holder[],
  open: readonly Holder[],
  key: string,
): KeyPlacement<Holder> {
  const reserved = open.find((holder) => holder.drainingFor === key && holder.load === 0);
  if (reserved) return { place: reserved };
  const target = leastLoaded(open.filter((holder) => !holder.drainingFor));
  if (target && (target.load === 0 || target.heldKey === key)) return { place: target };
  if (holders.some((holder) => holder.drainingFor === key)) return {};
  return { reserve: target ?? leastLoaded(holders.filter((holder) => !holder.drainingFor)) };
}

/**
 * Whether starting a run of `key` on `holder` switches it: it held another key.
 *
 * @example
 * if (switches(replica, key)) switchCount++;
 */
export function switches(holder: Pick<KeyHolder, 'heldKey'>, key: string | undefined): boolean {
  return key !== undefined && holder.heldKey !== undefined && holder.heldKey !== key;
}
