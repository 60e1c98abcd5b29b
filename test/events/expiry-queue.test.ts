import { describe, expect, it } from 'vitest';
import { ExpiryQueue } from '../../src/events/expiry-queue.js';

describe('ExpiryQueue', () => {
  it('hands over the expired items oldest first, and keeps the rest', () => {
    const queue = new ExpiryQueue<string>();
    queue.add('a', 10);
    queue.add('b', 20);
    queue.add('c', 30);
    const taken: string[] = [];
    queue.takeExpired(20, (item) => taken.push(item));
    expect(taken).toEqual(['a', 'b']);
    expect(queue.nextExpiry).toBe(30);
  });

  it('hands over its oldest item early when asked, and counts what it holds', () => {
    const queue = new ExpiryQueue<string>();
    expect(queue.takeOldest()).toBeUndefined();
    queue.add('a', 10);
    queue.add('b', 20);
    expect(queue.size).toBe(2);
    expect(queue.takeOldest()).toBe('a');
    expect(queue.size).toBe(1);
    expect(queue.nextExpiry).toBe(20);
  });

  it('stays in order across compactions of many taken items', () => {
    const queue = new ExpiryQueue<number>();
    const taken: number[] = [];
    for (let index = 0; index < 5_000; index++) {
      queue.add(index, index);
      if (index % 7 === 0) queue.takeExpired(index - 100, (item) => taken.push(item));
    }
    queue.takeExpired(Infinity, (item) => taken.push(item));
    expect(taken).toEqual([...Array(5_000).keys()]);
    expect(queue.nextExpiry).toBeUndefined();
  });
});
