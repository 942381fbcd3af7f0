import { describe, expect, it } from 'vitest';
import { idleDecision } from '../../src/policy/contract.js';
import { assertWellFormedDecision, decisionProblems } from '../../src/policy/check-decision.js';
import { UserError } from '../../src/util/errors.js';

describe('decision checks for user policies', () => {
  it('accepts the idle decision and optional fields', () => {
    expect(decisionProblems({ points: { p1: idleDecision(), p2: { ...idleDecision(), prewarm: 3, maxRateRps: Infinity } } })).toEqual([]);
  });

  it('lists every problem', () => {
    const decision = { points: { p1: { share: 1.5, batchRecords: 0, maxWaitMs: NaN, maxInFlight: 2.5, prewarm: -1 } } };
    expect(decisionProblems(decision)).toEqual([
      'point "p1": share 1.5 is not a number from 0 to 1',
      'point "p1": batchRecords 0 is not a positive number',
      'point "p1": maxWaitMs NaN is not a number >= 0',
      'point "p1": maxInFlight 2.5 is not an integer >= 0',
      'point "p1": prewarm -1 is not an integer >= 0',
    ]);
    expect(decisionProblems(null)).toEqual(['the decision is not an object']);
    expect(decisionProblems({})).toEqual(['the decision has no "points" object']);
  });

  it('throws a UserError naming the policy and time', () => {
    expect(() => assertWellFormedDecision('mine', 3000, { points: { p1: { ...idleDecision(), share: -0.1 } } })).toThrow(
      new UserError('policy "mine" at t=3000 ms: point "p1": share -0.1 is not a number from 0 to 1'),
    );
  });
});
