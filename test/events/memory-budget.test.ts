import { describe, expect, it } from 'vitest';
import { MemoryBudget } from '../../src/events/memory-budget.js';

/**
 * A budget of 1,000 bytes that drops ended logs past 900 (after a grace of 100 ms on a
 * clock the test moves), and a record of what it dropped.
 */
function budgetWithDrops() {
  const clock = { now: 0 };
  const budget = new MemoryBudget({ limitBytes: 1_000, dropGraceMs: 100, now: () => clock.now });
  const dropped: string[] = [];
  /** An ended log of `bytes`, offered to the budget; dropping it releases its bytes. */
  const ended = (name: string, bytes: number) => {
    const charge = budget.open();
    charge.set(bytes);
    const log = {
      drop: () => {
        dropped.push(name);
        charge.release();
      },
    };
    budget.addDroppable(log);
    clock.now += 100; // its grace is over
    return () => budget.withdrawDroppable(log);
  };
  return { budget, dropped, ended, clock };
}

describe('MemoryBudget', () => {
  it('adds charges and subtracts releases', () => {
    const budget = new MemoryBudget({ limitBytes: 1_000 });
    budget.charge(300);
    budget.charge(200);
    budget.release(100);
    expect(budget.usedBytes).toBe(400);
    expect(budget.limitBytes).toBe(1_000);
  });

  it('is exhausted once use reaches the limit, and no longer once some is released', () => {
    const budget = new MemoryBudget({ limitBytes: 1_000 });
    budget.charge(999);
    expect(budget.exhausted).toBe(false);
    budget.charge(1);
    expect(budget.exhausted).toBe(true);
    budget.release(1);
    expect(budget.exhausted).toBe(false);
  });

  it('drops nothing while use stays under the drop line (90% of the limit)', () => {
    const { budget, dropped, ended } = budgetWithDrops();
    ended('a', 400);
    ended('b', 400);
    budget.charge(100);
    expect(budget.usedBytes).toBe(900);
    expect(dropped).toEqual([]);
  });

  it('past the drop line, drops ended logs oldest first, only until use is back under it', () => {
    const { budget, dropped, ended } = budgetWithDrops();
    ended('a', 300);
    ended('b', 300);
    ended('c', 300);
    budget.charge(50); // 950: dropping `a` is enough
    expect(dropped).toEqual(['a']);
    expect(budget.usedBytes).toBe(650);
    budget.charge(600); // 1,250: `b` then `c`
    expect(dropped).toEqual(['a', 'b', 'c']);
    expect(budget.usedBytes).toBe(650);
    expect(budget.droppedLogs).toBe(3);
  });

  it('never drops a log withdrawn before (one that expired on its own)', () => {
    const { budget, dropped, ended } = budgetWithDrops();
    const withdrawA = ended('a', 400);
    ended('b', 400);
    withdrawA();
    budget.charge(200);
    expect(dropped).toEqual(['b']);
  });

  it('keeps an ended log through its grace, then drops it once relieved', () => {
    const { budget, dropped, clock } = budgetWithDrops();
    budget.charge(950); // live logs: never dropped
    const charge = budget.open();
    charge.set(10);
    budget.addDroppable({
      drop: () => {
        dropped.push('a');
        charge.release();
      },
    });
    expect(dropped).toEqual([]);
    expect(budget.exhausted).toBe(false);
    budget.charge(40);
    expect(budget.exhausted).toBe(true); // the ended log is still in its grace
    clock.now += 99;
    budget.relieve();
    expect(dropped).toEqual([]);
    clock.now += 1;
    budget.relieve();
    expect(dropped).toEqual(['a']);
    expect(budget.exhausted).toBe(false);
  });

  it('drops an ended log past its grace when live charges alone pass the line', () => {
    const { budget, dropped, ended } = budgetWithDrops();
    ended('a', 10);
    budget.charge(950); // live logs: never dropped
    expect(dropped).toEqual(['a']);
    expect(budget.exhausted).toBe(false);
    budget.charge(100);
    expect(budget.exhausted).toBe(true); // nothing left to drop: new requests must wait
  });

  it('drops at once when the limit is lowered below use', () => {
    const { budget, dropped, ended } = budgetWithDrops();
    ended('a', 300);
    ended('b', 300);
    budget.setLimit(500); // drop line 450
    expect(dropped).toEqual(['a']);
    expect(budget.usedBytes).toBe(300);
  });

  it('has room for growth up to its ceiling, 1.25 times the limit', () => {
    const budget = new MemoryBudget({ limitBytes: 1_000 });
    budget.charge(1_200);
    expect(budget.hasRoomFor(50)).toBe(true);
    expect(budget.hasRoomFor(51)).toBe(false);
    const charge = budget.open();
    charge.set(40); // 1,240 in all: room for 10 more
    expect(charge.canGrowTo(50)).toBe(true);
    expect(charge.canGrowTo(51)).toBe(false);
    expect(charge.canGrowTo(10)).toBe(true); // shrinking always fits
  });

  it('refuses a limit that allows nothing', () => {
    expect(() => new MemoryBudget({ limitBytes: 0 })).toThrow(RangeError);
    expect(() => new MemoryBudget({ limitBytes: Number.NaN })).toThrow(RangeError);
    expect(() => new MemoryBudget({ limitBytes: 10 }).setLimit(-1)).toThrow(RangeError);
  });
});

describe('MemoryCharge', () => {
  it('passes on the difference each time its holder’s size changes', () => {
    const budget = new MemoryBudget({ limitBytes: 1_000 });
    const charge = budget.open();
    charge.set(100);
    charge.set(250);
    charge.set(50);
    expect(charge.chargedBytes).toBe(50);
    expect(budget.usedBytes).toBe(50);
  });

  it('releases everything once, and charges nothing after', () => {
    const budget = new MemoryBudget({ limitBytes: 1_000 });
    const kept = budget.open();
    kept.set(10);
    const charge = budget.open();
    charge.set(100);
    charge.release();
    charge.release();
    charge.set(500);
    expect(budget.usedBytes).toBe(10);
  });
});
