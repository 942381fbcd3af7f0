import { describe, expect, it } from 'vitest';
import { Capacity } from '../../src/engine/capacity.js';
import { Fifo } from '../../src/engine/fifo.js';

describe('Fifo', () => {
  it('takes items in the order they came, across the compaction of its consumed front', () => {
    const q = new Fifo<number>();
    const taken: number[] = [];
    let next = 0;
    // Push 3, take 2, 500 times: the front is dropped many times while 500 items stay queued.
    for (let round = 0; round < 500; round++) {
      for (let k = 0; k < 3; k++) q.push(next++);
      for (let k = 0; k < 2; k++) taken.push(q.shift());
    }
    expect(q.length).toBe(500);
    expect(q.peek()).toBe(1000);
    while (q.length > 0) taken.push(q.shift());
    expect(taken).toEqual(Array.from({ length: 1500 }, (_, i) => i));
    expect(q.peek()).toBeUndefined();
  });

  it('visits what is queued oldest first and refuses a take when empty', () => {
    const q = new Fifo<string>();
    q.push('a');
    q.push('b');
    q.push('c');
    q.shift();
    const seen: string[] = [];
    q.forEach((x) => seen.push(x));
    expect(seen).toEqual(['b', 'c']);
    q.shift();
    q.shift();
    expect(() => q.shift()).toThrow('empty');
  });
});

describe('Capacity', () => {
  it('takes units only while free and counts what is used', () => {
    const c = new Capacity(3);
    expect(c.tryTake(2)).toBe(true);
    expect(c.tryTake(2)).toBe(false); // 2 + 2 > 3: nothing taken
    expect(c.used).toBe(2);
    expect(c.tryTake()).toBe(true);
    expect(c.tryTake()).toBe(false);
    expect(c.free).toBe(0);
    c.give(2);
    expect(c.free).toBe(2);
  });

  it('grants waiters oldest first while a unit is free; a grant that takes nothing lets the next one try', () => {
    const c = new Capacity<string>(2);
    c.tryTake(2);
    for (const w of ['a', 'b', 'c', 'd']) c.wait(w);
    const granted: string[] = [];
    const take = (w: string) => {
      granted.push(w);
      if (w !== 'b') c.tryTake(); // b needs nothing after all
    };
    c.grantWaiters(take); // none free: nobody
    expect(granted).toEqual([]);
    c.give(2);
    c.grantWaiters(take); // a takes one, b none, c the last
    expect(granted).toEqual(['a', 'b', 'c']);
    expect(c.waiters.length).toBe(1);
    expect(c.used).toBe(2);
  });

  it('follows a changed limit: over it, no grant until enough come back', () => {
    const c = new Capacity<number>(4);
    c.tryTake(4);
    c.wait(1);
    c.limit = 2; // lowered below what is used
    c.give();
    const granted: number[] = [];
    c.grantWaiters((w) => granted.push(w));
    expect(granted).toEqual([]); // 3 used of 2
    c.give(2);
    c.grantWaiters((w) => {
      granted.push(w);
      c.tryTake();
    });
    expect(granted).toEqual([1]);
    expect(c.used).toBe(2);
  });
});
