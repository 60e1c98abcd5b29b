import type { Counter } from 'prom-client';

/** One set of label values and what was counted under it since the last collection. */
interface Pending<Label extends string> {
  readonly labels: Readonly<Record<Label, string>>;
  count: number;
}

/**
 * Counts by label values in plain numbers, and hands them to a prom-client counter when it
 * collects (a scrape of `/metrics`). prom-client checks and hashes the labels on every
 * `inc`, a few microseconds each: once per request on the hot path, once per label set and
 * scrape here.
 *
 * @example
 * const pending = new PendingCounts<'app' | 'outcome'>();
 * new Counter({ name, help, labelNames: ['app', 'outcome'], collect() { pending.flushInto(this); } });
 * pending.add({ app: 'demo/text', outcome: 'ok' });
 */
export class PendingCounts<Label extends string> {
  private readonly pending = new Map<string, Pending<Label>>();

  add(labels: Readonly<Record<Label, string>>): void {
    const key = Object.values<string>(labels).join('\n');
    const entry = this.pending.get(key);
    if (entry) entry.count++;
    else this.pending.set(key, { labels, count: 1 });
  }

  /** Adds what was counted to `counter`, and starts again from zero. */
  flushInto(counter: Counter<Label>): void {
    for (const { labels, count } of this.pending.values()) counter.inc(labels, count);
    this.pending.clear();
  }
}
