/** The run register and the run list it reads and writes: a run's seven numbers go through unchanged. */
import { describe, expect, it } from 'vitest';
import { Run, RunList } from '../../src/dataflow/runs.js';

const fields = (l: RunList, i: number) => [l.count[i], l.bytes[i], l.aFirst[i], l.aLast[i], l.seq[i], l.origin[i], l.key[i], l.tag[i]];

describe('Run and RunList', () => {
  it('loads a slot, is changed in place, and is copied back with a tag, across the list growing', () => {
    const list = new RunList(2);
    for (let i = 0; i < 5; i++) list.push(i + 1, 100, 10 * i, 10 * i + 5, 1000 + i, i + 1, i % 2 === 0 ? 7 : -1, i);
    const r = new Run().load(list, 3);
    expect([r.count, r.bytes, r.aFirst, r.aLast, r.seq, r.origin, r.key]).toEqual([4, 100, 30, 35, 1003, 4, -1]);
    r.count = 9;
    r.bytes = 40;
    const out = new RunList(1);
    out.pushRun(r, 3);
    out.pushRun(new Run().set(0, 1, 2, 3, 4, 5, 6));
    expect(fields(out, 0)).toEqual([9, 40, 30, 35, 1003, 4, -1, 3]);
    expect(fields(out, 1)).toEqual([0, 1, 2, 3, 4, 5, 6, 0]);
    expect(fields(list, 3)).toEqual([4, 100, 30, 35, 1003, 4, -1, 3]); // the list is not touched by the register
  });

  it('stores a run over a slot, keeping the slot tag', () => {
    const list = new RunList(4);
    list.push(1, 2, 3, 4, 5, 6, 7, 42);
    list.store(0, new Run().set(10, 20, 30, 40, 50, 60, 70));
    expect(fields(list, 0)).toEqual([10, 20, 30, 40, 50, 60, 70, 42]);
  });
});
