import type { AppendNotice } from './event-log-notice.js';

/** How far one log got, as far as this process knows; `settled` once a read told it. */
export interface KnownEntry {
  lastSeq: number;
  ended: boolean;
  settled: boolean;
}

/** Logs followed at once; the oldest is forgotten past this (it is then read from Redis). */
const CAPACITY = 10_000;

/**
 * What one process knows of how far logs got, from its own reads and the append notices
 * heard since, so that a cursor that caught up does not look again before it waits. It
 * is a lower bound that every later append's notice raises, so a waiter it holds back is
 * woken by the notice; it never answers a read (a caller may know more, e.g. from a
 * lookup). Knowledge counts only while no notice can have been missed: an entry is made
 * before the read that settles it is sent, only while the subscription is confirmed, and
 * everything is forgotten when the subscriber reconnects.
 *
 * @example
 * const entry = known.readStarting(requestId); // before sending the read
 * known.readAnswered(requestId, entry, { lastSeq, ended });
 * known.settled(requestId)?.lastSeq;
 */
export class KnownProgress {
  private readonly entries = new Map<string, KnownEntry>();
  private trusted = false;

  /** The subscription is confirmed: notices from now on are heard. */
  trust(): void {
    this.trusted = true;
  }

  /** Notices may have been lost (the subscriber reconnects): forget everything. */
  forgetAll(): void {
    this.trusted = false;
    this.entries.clear();
  }

  /** Call before sending a read; pass what it answers to {@link readAnswered}. */
  readStarting(requestId: string): KnownEntry | undefined {
    if (!this.trusted) return undefined;
    const existing = this.entries.get(requestId);
    if (existing) return existing;
    const entry: KnownEntry = { lastSeq: 0, ended: false, settled: false };
    this.entries.set(requestId, entry);
    if (this.entries.size > CAPACITY) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  /** A read sent with `entry` saw the log at `lastSeq` (or ended, or gone: `undefined`). */
  readAnswered(
    requestId: string,
    entry: KnownEntry | undefined,
    progress: { readonly lastSeq: number; readonly ended: boolean } | undefined,
  ): void {
    if (!entry || this.entries.get(requestId) !== entry) return; // forgotten meanwhile
    if (!progress || progress.ended) {
      this.entries.delete(requestId); // ended logs are read from Redis
      return;
    }
    entry.lastSeq = Math.max(entry.lastSeq, progress.lastSeq);
    entry.settled = true;
  }

  /**
   * This process has just created the log: it is live at seq 0, and no append can have come
   * before its creation, so every notice of it is still to come.
   */
  created(requestId: string): void {
    const entry = this.readStarting(requestId);
    if (entry) entry.settled = true;
  }

  /** An append notice: the log got this far. */
  heard(notice: AppendNotice): void {
    const entry = this.entries.get(notice.requestId);
    if (!entry) return;
    if (notice.ended) this.entries.delete(notice.requestId);
    else entry.lastSeq = Math.max(entry.lastSeq, notice.lastSeq);
  }

  /** What is known for sure of a live log; `undefined` when Redis must be asked. */
  settled(requestId: string): KnownEntry | undefined {
    const entry = this.entries.get(requestId);
    return entry?.settled ? entry : undefined;
  }
}
