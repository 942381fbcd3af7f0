/** Where the Consumption plan's front end puts a request (src/endpoint/azure/plan.ts), case by case. */
import { describe, expect, it } from 'vitest';
import { CONSUMPTION_PLAN, checkLimits, place, type PlanLimits } from '../../src/endpoint/azure/plan.js';

const small: PlanLimits = { maxInstances: 2, maxConcurrentRequests: 2, maxOutstandingRequests: 3, scaleOutIntervalMs: 1000, scaleTargetConcurrency: 2 };
const L = (running: number, queued = 0, lastUsed = 0) => ({ running, queued, lastUsed });

describe('place', () => {
  it('the documented Consumption defaults', () => {
    expect(CONSUMPTION_PLAN).toEqual({ maxInstances: 200, maxConcurrentRequests: 100, maxOutstandingRequests: 200, scaleOutIntervalMs: 1000, scaleTargetConcurrency: 1 });
  });

  it('no instance: a new one at once (scale from zero)', () => {
    expect(place([], 0, null, small)).toEqual({ kind: 'new' });
  });

  it('a free slot: the least busy instance, the most recently used on ties', () => {
    expect(place([L(1), L(0)], 0, 0, small)).toEqual({ kind: 'run', at: 1 });
    expect(place([L(1, 0, 5), L(1, 0, 4)], 0, 0, { ...small, maxInstances: 2 })).toEqual({ kind: 'run', at: 0 });
  });

  it('every instance at the scale target: a new instance once a second, not sooner (meanwhile the free slot)', () => {
    const busy = [L(2)];
    expect(place(busy, 999, 0, small)).toEqual({ kind: 'queue', at: 0 });
    expect(place(busy, 1000, 0, small)).toEqual({ kind: 'new' });
    const target1 = { ...small, scaleTargetConcurrency: 1 };
    expect(place([L(1)], 999, 0, target1)).toEqual({ kind: 'run', at: 0 });
    expect(place([L(1)], 1000, 0, target1)).toEqual({ kind: 'new' });
  });

  it('at the instance limit: queue on the least outstanding, then 429 when every instance holds 3', () => {
    expect(place([L(2, 1), L(2, 0)], 10_000, 0, small)).toEqual({ kind: 'queue', at: 1 });
    expect(place([L(2, 1), L(2, 1)], 10_000, 0, small)).toEqual({ kind: 'throttle' });
  });

  it('an instance with a queue takes no new running request ahead of it', () => {
    expect(place([L(1, 1)], 0, 0, { ...small, maxInstances: 1 })).toEqual({ kind: 'queue', at: 0 });
  });

  it('checkLimits names the bad field', () => {
    expect(() => checkLimits({ ...small, maxInstances: 0 })).toThrow(/max-instances/);
    expect(() => checkLimits({ ...small, maxOutstandingRequests: 1 })).toThrow(/max-outstanding-requests/);
  });
});
