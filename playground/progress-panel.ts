import {
  formatDuration,
  formatRate,
  progressFacts,
  startProgress,
  trackEvent,
  type ProgressFacts,
  type ProgressState,
} from '../src/client/progress-facts.js';
import { element } from './dom.js';
import type { PageEvent } from './page-event.js';

/** A run without progress events: its outputs (tokens for text) and their rate. */
function outputFacts(facts: ProgressFacts, elapsed: string, running: boolean): string {
  const unit = facts.outputUnit;
  const parts = [
    running ? 'running' : undefined,
    facts.outputCount > 0 ? `${facts.outputCount} ${unit}` : undefined,
    facts.outputsPerSecond === undefined
      ? undefined
      : `${facts.outputsPerSecond.toFixed(1)} ${unit}/s`,
    elapsed,
  ];
  return parts.filter((part) => part !== undefined).join(' · ');
}

/**
 * The facts line, the same facts `sluice call` prints: `7/20 · 35% · 2.1 steps/s · ETA 0:06
 * · elapsed 0:03`.
 *
 * @example
 * describeProgress(progressFacts(state, Date.now()));
 */
export function describeProgress(facts: ProgressFacts): string {
  const elapsed = `elapsed ${formatDuration(facts.elapsedMs)}`;
  const running = facts.status === 'running';
  if (facts.step === undefined) return outputFacts(facts, elapsed, running);
  const parts = [
    facts.total === undefined ? `step ${facts.step}` : `${facts.step}/${facts.total}`,
    facts.fraction === undefined ? undefined : `${Math.round(facts.fraction * 100)}%`,
    facts.stepsPerSecond === undefined ? undefined : formatRate(facts.stepsPerSecond),
    // After the end an ETA is no longer a fact.
    facts.etaMs === undefined || !running ? undefined : `ETA ${formatDuration(facts.etaMs)}`,
    elapsed,
    facts.message,
  ];
  return parts.filter((part) => part !== undefined).join(' · ');
}

/**
 * The progress bar with its facts line, fed every event of the run (it counts previews and
 * notices the end as well as the steps).
 *
 * @example
 * const panel = new ProgressPanel();
 * panel.reset(Date.now());
 * panel.track(event, Date.now());
 */
export class ProgressPanel {
  private readonly bar = element('progress', { max: 1, value: 0, 'data-testid': 'progress' });
  private readonly facts = element('span', {
    class: 'progress-facts',
    'data-testid': 'progress-facts',
  });
  readonly element = element('div', { class: 'progress' }, this.bar, this.facts);
  private state: ProgressState = startProgress(0);

  reset(startedAt: number): void {
    this.state = startProgress(startedAt);
    this.bar.value = 0;
    delete this.bar.dataset.step;
    this.facts.textContent = '';
  }

  track(event: PageEvent, at: number): void {
    this.state = trackEvent(this.state, event, at);
    if (event.type === 'result') this.bar.value = 1;
    this.refresh(at);
  }

  /** Redraws at time `at`, so elapsed time moves between events. */
  refresh(at: number): void {
    const facts = progressFacts(this.state, at);
    if (facts.fraction !== undefined && this.bar.value < 1) this.bar.value = facts.fraction;
    if (facts.step !== undefined) this.bar.dataset.step = String(facts.step);
    this.bar.hidden = facts.step === undefined;
    this.facts.textContent = describeProgress(facts);
  }
}
