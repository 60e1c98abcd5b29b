import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { APPENDED_CHANNEL } from './event-log-keys.js';
import type { RedisHub } from './redis-hub.js';

const PROBE_INTERVAL_MS = 50;

/**
 * Learns when the hub's subscription to the appended channel is in place: it publishes a
 * probe message there until the message comes back. The hub subscribes without telling
 * when Redis took the subscription (at start and again after every reconnect); a waiter
 * that checked the log before then could miss the notification of an append in between.
 *
 * @example
 * const probe = new SubscriptionProbe(hub); // route messages to probe.receive(message)
 * await probe.confirmed;
 */
export class SubscriptionProbe {
  /** Resolves once the probe came back (or the probe was stopped). */
  readonly confirmed: Promise<void>;
  private readonly message = `probe:${randomUUID()}`;
  private stopped = false;
  private resolve: () => void = () => undefined;

  constructor(private readonly hub: RedisHub) {
    this.confirmed = new Promise((resolve) => {
      this.resolve = resolve;
    });
    void this.publishUntilHeard();
  }

  /** Whether `message` is this probe's; if so the subscription is confirmed. */
  receive(message: string): boolean {
    if (message !== this.message) return false;
    this.stop();
    return true;
  }

  /** Stops publishing and releases whoever waits for the confirmation. */
  stop(): void {
    this.stopped = true;
    this.resolve();
  }

  private async publishUntilHeard(): Promise<void> {
    const channel = this.hub.channel(APPENDED_CHANNEL);
    while (!this.stopped && this.hub.command.status !== 'end') {
      await this.hub.command.publish(channel, this.message).catch(() => undefined);
      await Promise.race([this.confirmed, delay(PROBE_INTERVAL_MS, undefined, { ref: false })]);
    }
    this.resolve(); // the hub closed: waiters look, meet the closed connection and wake
  }
}
