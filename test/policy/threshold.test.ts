import { describe, expect, it } from 'vitest';
import { getPolicyFactory } from '../../src/policy/registry.js';
import type { SnapSpec } from './snapshots.js';
import { runPolicy, series, shares } from './snapshots.js';

const factory = getPolicyFactory('threshold');

/**
 * A vertex of capacity 1000 rec/s (in = busy ms/s) under 2000 rec/s of demand, the rest offloaded:
 * from the second snapshot on, demand = 2000 and the sized share = 1 − 0.8 × 1000 / 2000 = 0.6.
 */
function overloaded(busy: number[]): Omit<SnapSpec, 'tMs'>[] {
  let offloaded = 0;
  return busy.map((b) => {
    offloaded += 2000 - b;
    return { sourceOut: 2000, pending: 0, opIn: b, opBusy: b, offloaded };
  });
}

describe('threshold', () => {
  it('switches on at onThreshold and off only below offThreshold (hysteresis)', () => {
    const decisions = runPolicy(factory, { cooldownMs: 0 }, series(overloaded([700, 800, 600, 500, 499, 700, 799, 800])));
    const s = shares(decisions);
    const on = 1 - (0.8 * 1000) / 2000;
    expect(s.map((x) => Number(x.toFixed(12)))).toEqual([0, on, on, on, 0, 0, 0, on]);
  });

  it('respects the cool-down at exactly cooldownMs after a switch', () => {
    // on at 2 s; below off from 3 s; 5 s is exactly 3000 ms later: off; back above on at 6 s: wait until 8 s.
    const busy = [700, 800, 400, 400, 400, 900, 900, 900];
    const atCooldown = shares(runPolicy(factory, { cooldownMs: 3000 }, series(overloaded(busy))));
    expect(atCooldown.map((x) => x > 0)).toEqual([false, true, true, true, false, false, false, true]);
    const oneMsLonger = shares(runPolicy(factory, { cooldownMs: 3001 }, series(overloaded(busy))));
    expect(oneMsLonger.map((x) => x > 0)).toEqual([false, true, true, true, true, true, true, true]);
  });

  it('sizes the share from DS2 capacity, arrival (out + pending growth) and backlog drain', () => {
    const decisions = runPolicy(
      factory,
      { drainSeconds: 10, cooldownMs: 3000 },
      series([
        // capacity = 700 / 0.7 = 1000 rec/s; below onThreshold.
        { sourceOut: 700, pending: 0, opIn: 700, opBusy: 700, offloaded: 0 },
        // on: arrival = 800 + (1000 − 0)/1 s = 1800, drain = 1000/10 = 100 → 1 − 800/1900.
        { sourceOut: 800, pending: 1000, opIn: 800, opBusy: 800, offloaded: 0 },
        // still on (cool-down): offloading, so selectivity is held at 1; arrival 1000 + 0, drain 100 → 1 − 800/1100.
        { sourceOut: 1000, pending: 1000, opIn: 400, opBusy: 400, offloaded: 600 },
        // arrival 2000, capacity 450/0.45 = 1000 → 1 − 800/2100.
        { sourceOut: 2000, pending: 1000, opIn: 450, opBusy: 450, offloaded: 2150 },
      ]),
    );
    const s = shares(decisions);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo(1 - 800 / 1900, 12);
    expect(s[2]).toBeCloseTo(1 - 800 / 1100, 12);
    expect(s[3]).toBeCloseTo(1 - 800 / 2100, 12);
  });

  it('scales demand by the measured selectivity between source and vertex', () => {
    // op sees a third of the source's records (a filter); capacity 1000 rec/s.
    const decisions = runPolicy(
      factory,
      { cooldownMs: 0 },
      series([
        { sourceOut: 3000, pending: 0, opIn: 1000, opBusy: 1000, offloaded: 0 },
        // backlog grows 3000/s: arrival 6000, demand at op 2000, drain (3000 / 3) / 30 s.
        { sourceOut: 3000, pending: 3000, opIn: 1000, opBusy: 1000, offloaded: 0 },
      ]),
    );
    expect(shares(decisions)[0]).toBeCloseTo(1 - 800 / 1000, 12);
    expect(shares(decisions)[1]).toBeCloseTo(1 - 800 / (2000 + 1000 / 30), 12);
  });

  it('holds the selectivity measured before offloading while offloading', () => {
    const decisions = runPolicy(
      factory,
      { signal: 'pending', onThreshold: 0, offThreshold: 0, drainSeconds: 86_400 },
      series([
        // op sees half the source's records: selectivity 0.5, capacity 1000; demand 1000 at op → share 0.2
        { sourceOut: 2000, pending: 0, opIn: 1000, opBusy: 1000, offloaded: 0 },
        // offloading 600/s while op's 60 s in-rate meter still lags at 800: in/out would say 0.4 and
        // (in + offloaded)/out 0.7; the held 0.5 gives demand 2000 × 0.5 = 1000 again
        { sourceOut: 2000, pending: 0, opIn: 800, opBusy: 800, offloaded: 600 },
      ]),
    );
    expect(shares(decisions)[0]).toBeCloseTo(0.2, 12);
    expect(shares(decisions)[1]).toBeCloseTo(0.2, 12);
  });

  it('uses a known capacity instead of measuring it', () => {
    const decisions = runPolicy(factory, { cooldownMs: 0, capacityRps: 1500 }, series([{ sourceOut: 3000, pending: 0, opIn: 1000, opBusy: 1000, offloaded: 0 }]));
    expect(shares(decisions)[0]).toBe(0); // demand 1000 under 0.8 × 1500
    const busy = runPolicy(factory, { cooldownMs: 0, capacityRps: 1500 }, series([{ sourceOut: 3000, pending: 0, opIn: 3000, opBusy: 1000, offloaded: 0 }]));
    expect(shares(busy)[0]).toBeCloseTo(1 - (0.8 * 1500) / 3000, 12);
  });

  it('keeps the last capacity when the vertex is too idle to measure it', () => {
    const decisions = runPolicy(
      factory,
      { cooldownMs: 0, onThreshold: 0, offThreshold: 0, signal: 'pending' },
      series([
        { sourceOut: 500, pending: 0, opIn: 500, opBusy: 500, offloaded: 0 },
        // everything offloaded: op idle, capacity stays 1000; arrival 2000 → 1 − 800/2000.
        { sourceOut: 2000, pending: 0, opIn: 0, opBusy: 0, offloaded: 2000 },
      ]),
    );
    expect(shares(decisions)[1]).toBeCloseTo(0.6, 12);
  });

  it('caps the share at maxShare', () => {
    const decisions = runPolicy(factory, { cooldownMs: 0, maxShare: 0.4 }, series(overloaded([700, 900])));
    expect(shares(decisions)).toEqual([0, 0.4]);
  });

  it('offloads nothing while the signal or the capacity is unknown, and keeps its state', () => {
    const specs = overloaded([700, 900, 900, 900]);
    delete specs[2].opBusy; // signal unknown: share 0, still on
    const s = shares(runPolicy(factory, { cooldownMs: 0 }, series(specs)));
    expect(s.map((x) => Number(x.toFixed(12)))).toEqual([0, 0.6, 0, 0.6]);
    // never measured capacity: triggered on pending, nothing to size with
    const blind = shares(runPolicy(factory, { signal: 'pending', onThreshold: 10, offThreshold: 10 }, series([{ pending: 1e6, sourceOut: 10 }])));
    expect(blind).toEqual([0]);
  });
});
