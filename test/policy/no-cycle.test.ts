/**
 * Closed loop: the default scenario's job (tokenizer capacity ~6,670 lines/s) under a constant 12,000 lines/s,
 * 1.8 times its capacity, with the scenario's reporting delay and meter windows. After the first 10 s the share
 * must change by less than 0.05 per controller interval: no limit cycle.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../src/experiment/runner.js';

const scenario = loadScenario('examples/default.json');

function maxShareStepAfter(policy: string, fromMs: number): { step: number; shares: number[] } {
  const r = runScenario(scenario, { policy, tracePath: 'test/fixtures/constant-12000.csv', durationS: 40 });
  const shares = r.decisions.filter((d) => d.tMs <= 40_000).map((d) => d.share);
  const late = r.decisions.filter((d) => d.tMs > fromMs && d.tMs <= 40_000);
  let step = 0;
  for (let i = 1; i < late.length; i++) step = Math.max(step, Math.abs(late[i].share - late[i - 1].share));
  return { step, shares };
}

describe('no limit cycle on a constant 1.8x overload', () => {
  it('feed-forward: the share changes by less than 0.05 per interval after the first 10 s, and offloads the excess', () => {
    const { step, shares } = maxShareStepAfter('feed-forward', 10_000);
    expect(step).toBeLessThan(0.05);
    // The excess is 1 − 6,670 / 12,000 ≈ 0.44 of the records; sized at 90% utilisation: ~0.5.
    const last = shares[shares.length - 1];
    expect(last).toBeGreaterThan(0.44);
    expect(last).toBeLessThan(0.6);
  });

  it('target-lag (the old default) fails the same check: it flips between 0 and 1', () => {
    const { step } = maxShareStepAfter('target-lag', 10_000);
    expect(step).toBeGreaterThanOrEqual(0.05);
    expect(step).toBeGreaterThan(0.9);
  });
});
