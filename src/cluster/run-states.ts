import type { RequestProgress } from '../dispatch/request-dispatch.js';
import type { DispatchState } from '../dispatch/tracked-request.js';
import { ERROR_STATUS, type ErrorCode } from '../errors/error-codes.js';
import { SluiceError } from '../errors/sluice-error.js';
import { LuaScript } from '../redis/event-log-lua-script.js';
import type { RedisHub } from '../redis/redis-hub.js';
import type { AdmissionWrites, HashWrite } from '../redis/bull-admission.js';

/** A change of a request's state, as the `changes` channel carries it. */
export interface StateChange {
  readonly requestId: string;
  readonly state: DispatchState;
  /** How it ended (`ok` or an error code), when whoever ended it knew as it marked it. */
  readonly outcome?: string;
}

/** What a worker learns when it starts a request. */
export interface StartFacts {
  /** 1 for the first start, 2 for the first retry after a lost worker… */
  readonly attempt: number;
  /** A cancel that came before the start. */
  readonly cancel: SluiceError | undefined;
}

/** What a request's state keeps of its submission, for whichever process ends it. */
export interface RunFacts {
  readonly webhookUrl?: string;
  /** Its clients' leaving cancels it (stream and sync views). */
  readonly cancelOnDisconnect: boolean;
}

/** {@link RunFacts} as read back, with where the request stands. */
export interface StoredFacts extends RunFacts {
  /** It has ended (its state is marked so before its terminal event is written). */
  readonly ended: boolean;
}

/** Counts a client in or out, only while the request's state exists (never recreating it). */
const COUNT_ATTACHED = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HINCRBY', KEYS[1], 'attached', ARGV[1])`);

/**
 * Counts a client out and tells whether its leaving may abandon the request, in one step.
 * KEYS: the state. Returns `{count, 1 when no client is left of a request that is not
 * ended and is cancelled when its clients leave}`; `{0, 0}` once expired.
 */
const COUNT_DETACHED = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0} end
local count = redis.call('HINCRBY', KEYS[1], 'attached', -1)
if count > 0 then return {count, 0} end
local fields = redis.call('HMGET', KEYS[1], 'state', 'cancelOnDisconnect')
return {count, (fields[1] ~= 'ended' and fields[2] == '1') and 1 or 0}`);

/**
 * Marks a request running and publishes the change, in one step, unless it has ended.
 * KEYS: the state. ARGV: the start time, the changes channel, the change, the expiry of a
 * state made here (ms). Returns `{attempt, cancel JSON or ''}`, or 0 (nothing changed)
 * when the request has ended.
 */
const START = new LuaScript(`
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'ended' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'running', 'startedAt', ARGV[1])
if not state then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
local attempt = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
local cancel = redis.call('HGET', KEYS[1], 'cancel') or ''
redis.call('PUBLISH', ARGV[2], ARGV[3])
return {attempt, cancel}`);

/**
 * Marks a request ended and publishes the change, in one step; with an attempt, only
 * unless a retry has replaced it. KEYS: the state. ARGV: the attempt (or ''), the end time,
 * the retention (ms), '1' when it timed out before its start (or ''), the changes channel,
 * the change. 1 when marked, 0 when a later attempt holds the request.
 */
const END = new LuaScript(`
if ARGV[1] ~= '' and tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0') > tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'state', 'ended', 'endedAt', ARGV[2])
if ARGV[4] == '1' then redis.call('HSET', KEYS[1], 'startTimedOut', 1) end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1`);

/** How a request ended, as whoever ends it marks its state. */
export interface StateEnding {
  /** It did not start within its start timeout. */
  readonly startTimedOut?: boolean;
  /** How it ended (`ok` or an error code), published with the change when known. */
  readonly outcome?: string;
  /** The attempt whose run ends it: a retry that replaced it keeps its own state. */
  readonly attempt?: number;
}

/** How long the state of a request that never ends is kept (a backstop: a week). */
const UNENDED_TTL_MS = 7 * 24 * 3_600_000;

function toError(json: string | null | undefined): SluiceError | undefined {
  if (!json) return undefined;
  const { code, message } = JSON.parse(json) as { code: string; message: string };
  const known = code in ERROR_STATUS ? (code as ErrorCode) : 'cancelled';
  return new SluiceError(known, message);
}

function changeMessage(requestId: string, state: DispatchState, outcome?: string): string {
  const change: StateChange = { requestId, state, outcome };
  return JSON.stringify(change);
}

/**
 * Where each request stands, shared by gateways and workers in Redis: its state and
 * timings (for queue status), the cancel asked for it, and how many clients are attached
 * across gateways. Every change is published on the `changes` channel.
 *
 * @example
 * const states = new RunStates(hub, retentionMs);
 * await states.create(requestId);
 * const { attempt, cancel } = await states.started(requestId);
 */
export class RunStates {
  constructor(
    private readonly hub: RedisHub,
    private readonly retentionMs: number,
  ) {}

  async create(requestId: string, facts: RunFacts): Promise<void> {
    const { key, fields, ttlMs } = this.newState(requestId, facts);
    await this.hub.command
      .multi()
      .hset(key, ...fields)
      .pexpire(key, ttlMs)
      .exec();
  }

  /**
   * The state's creation as writes of the admission that lists the request (one Redis
   * step for both), as {@link create} makes it.
   *
   * @example
   * await queue.enqueueAdmitted(entry, { bounds, writes: [states.creationWrites(requestId, facts)] });
   */
  creationWrites(requestId: string, facts: RunFacts): AdmissionWrites {
    return { absent: [], hashes: [this.newState(requestId, facts)] };
  }

  /** What the request's state keeps of its submission; `undefined` once expired. */
  async facts(requestId: string): Promise<StoredFacts | undefined> {
    const [state, webhookUrl, cancelOnDisconnect] = await this.hub.command.hmget(
      this.keyOf(requestId),
      'state',
      'webhookUrl',
      'cancelOnDisconnect',
    );
    if (!state) return undefined;
    return {
      webhookUrl: webhookUrl ?? undefined,
      cancelOnDisconnect: cancelOnDisconnect === '1',
      ended: state === 'ended',
    };
  }

  /** How many times the request has started (0 while it has never run). */
  async attempts(requestId: string): Promise<number> {
    return Number((await this.hub.command.hget(this.keyOf(requestId), 'attempts')) ?? 0);
  }

  /**
   * Marks a request running; tells which attempt this is and any cancel already asked.
   * `undefined`, and nothing changed, when the request has ended (its state says so
   * before its terminal event is written).
   */
  async started(requestId: string): Promise<StartFacts | undefined> {
    const change = changeMessage(requestId, 'running');
    const args = [Date.now(), this.changesChannel, change, UNENDED_TTL_MS];
    const reply = await START.run(this.hub.command, [this.keyOf(requestId)], args);
    if (!Array.isArray(reply)) return undefined;
    const [attempt, cancel] = reply as [number, string];
    return { attempt: Number(attempt), cancel: toError(cancel) };
  }

  /**
   * Marks a request ended, in one step with its change (and the outcome, when known, so
   * gateways need not read the terminal event for it); its state is kept for the retention
   * window. `false`, and nothing changed, when `ending.attempt` was replaced by a retry.
   */
  async ended(requestId: string, ending: StateEnding = {}): Promise<boolean> {
    const message = changeMessage(requestId, 'ended', ending.outcome);
    const args = [
      ending.attempt ?? '',
      Date.now(),
      this.retentionMs,
      ending.startTimedOut ? '1' : '',
      this.changesChannel,
      message,
    ];
    return (await END.run(this.hub.command, [this.keyOf(requestId)], args)) === 1;
  }

  async progress(requestId: string): Promise<RequestProgress | undefined> {
    const fields = await this.hub.command.hgetall(this.keyOf(requestId));
    if (!fields.state) return undefined;
    const timeOf = (name: string) => (fields[name] ? Number(fields[name]) : undefined);
    return {
      state: fields.state as DispatchState,
      startedAt: timeOf('startedAt'),
      endedAt: timeOf('endedAt'),
      startTimedOut: fields.startTimedOut === '1',
    };
  }

  /** Records a cancel for a request that has left the queue, and tells its worker. */
  async requestCancel(requestId: string, reason: SluiceError): Promise<void> {
    const json = JSON.stringify({ code: reason.code, message: reason.message });
    await this.hub.command.hset(this.keyOf(requestId), 'cancel', json);
    await this.hub.command.publish(this.hub.channel('cancel'), requestId);
  }

  /** The cancel asked for a request, if any. */
  async cancelOf(requestId: string): Promise<SluiceError | undefined> {
    return toError(await this.hub.command.hget(this.keyOf(requestId), 'cancel'));
  }

  /** Counts a client in (`1`) or out (`-1`) on any gateway; answers the new count (0 once expired). */
  async attached(requestId: string, delta: number): Promise<number> {
    const count = await COUNT_ATTACHED.run(this.hub.command, [this.keyOf(requestId)], [delta]);
    return Number(count);
  }

  /**
   * Counts a client out on any gateway: the clients left, and whether that may abandon the
   * request (none left of a request that has not ended and is cancelled when its clients
   * leave), from one look at its state.
   */
  async detached(requestId: string): Promise<{ clients: number; abandonable: boolean }> {
    const reply = await COUNT_DETACHED.run(this.hub.command, [this.keyOf(requestId)], []);
    const [clients, abandonable] = reply as [number, number];
    return { clients: Number(clients), abandonable: abandonable === 1 };
  }

  /** Calls `listener` with every state change, from any process. */
  onChange(listener: (change: StateChange) => void): () => void {
    return this.hub.listen(this.changesChannel, (message) =>
      listener(JSON.parse(message) as StateChange),
    );
  }

  /** Calls `listener` when the subscriber connection is back: changes and cancels may have been missed. */
  onReconnect(listener: () => void): () => void {
    return this.hub.onReconnect(listener);
  }

  /** Calls `listener` with the id of every request a cancel was asked for. */
  onCancel(listener: (requestId: string) => void): () => void {
    return this.hub.listen(this.hub.channel('cancel'), listener);
  }

  /** Where every change is published, in the same transaction as the change itself. */
  private get changesChannel(): string {
    return this.hub.channel('changes');
  }

  /** A new request's state: queued, no client yet. */
  private newState(requestId: string, facts: RunFacts): HashWrite {
    const fields = ['state', 'queued', 'attached', '0'];
    fields.push('cancelOnDisconnect', facts.cancelOnDisconnect ? '1' : '0');
    if (facts.webhookUrl) fields.push('webhookUrl', facts.webhookUrl);
    return { key: this.keyOf(requestId), fields, ttlMs: UNENDED_TTL_MS };
  }

  private keyOf(requestId: string): string {
    return this.hub.key('run', requestId);
  }
}
