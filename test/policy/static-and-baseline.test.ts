import { describe, expect, it } from 'vitest';
import { idleDecision } from '../../src/policy/contract.js';
import { getPolicyFactory } from '../../src/policy/registry.js';
import { OP, POINT, SOURCE, context, runPolicy, series, shares } from './snapshots.js';

describe('backpressure', () => {
  it('never offloads, whatever the load, for every point', () => {
    const ctx = context({ offloadPoints: [{ id: POINT, vertex: OP }, { id: 'p2', vertex: OP }] });
    const decisions = runPolicy(getPolicyFactory('backpressure'), {}, series([{ pending: 1e9, opBusy: 1000 }, {}]), ctx);
    for (const d of decisions) expect(d.points).toEqual({ [POINT]: idleDecision(), p2: idleDecision() });
  });
});

describe('static', () => {
  const factory = getPolicyFactory('static');

  it('offloads half at or above the pending threshold, nothing below', () => {
    const decisions = runPolicy(factory, {}, series([{ pending: 9_999 }, { pending: 10_000 }, { pending: 50_000 }, { pending: 0 }]));
    expect(shares(decisions)).toEqual([0, 0.5, 0.5, 0]);
    expect(decisions[1].points[POINT]).toEqual({ share: 0.5, batchRecords: 100, maxWaitMs: 50, maxInFlight: 32 });
  });

  it('uses its share and batching parameters', () => {
    const decisions = runPolicy(
      factory,
      { signal: 'busy', threshold: 900, share: 0.3, batchRecords: 500, maxWaitMs: 20, maxInFlight: 4 },
      series([{ opBusy: 899 }, { opBusy: 900 }]),
    );
    expect(decisions.map((d) => d.points[POINT])).toEqual([
      { share: 0, batchRecords: 500, maxWaitMs: 20, maxInFlight: 4 },
      { share: 0.3, batchRecords: 500, maxWaitMs: 20, maxInFlight: 4 },
    ]);
  });

  it('reads the upstream backpressure from vertices listed before the offloaded one', () => {
    const decisions = runPolicy(
      factory,
      { signal: 'upstream-backpressure', threshold: 500 },
      series([{ sourceBackpressure: 400, opBackpressure: 900 }, { sourceBackpressure: 600, opBackpressure: 0 }]),
    );
    expect(shares(decisions)).toEqual([0, 0.5]);
  });

  it('reads an explicitly named upstream vertex', () => {
    const decisions = runPolicy(
      factory,
      { signal: 'upstream-backpressure', threshold: 500, upstreamVertex: SOURCE },
      series([{ sourceBackpressure: 700 }]),
    );
    expect(shares(decisions)).toEqual([0.5]);
  });

  it('triggers on the offloaded vertex backpressure and on lag', () => {
    expect(shares(runPolicy(factory, { signal: 'backpressure', threshold: 100 }, series([{ opBackpressure: 100 }])))).toEqual([0.5]);
    expect(shares(runPolicy(factory, { signal: 'lag', threshold: 2_000 }, series([{ lagMs: 1_999 }, { lagMs: 2_000 }])))).toEqual([0, 0.5]);
  });

  it('does not offload when the signal is missing, NaN or negative', () => {
    const snapshots = series([{}, { pending: 20_000 }, { pending: 20_000 }, { pending: 20_000 }]);
    snapshots[2].vertices[0].metrics.pendingRecords!.sum = NaN;
    snapshots[3].vertices[0].metrics.pendingRecords!.sum = -5;
    expect(shares(runPolicy(factory, {}, snapshots))).toEqual([0, 0.5, 0, 0]);
  });

  it('does not offload when the offloaded vertex is absent', () => {
    const snapshots = series([{ opBusy: 1000 }]);
    snapshots[0].vertices = snapshots[0].vertices.filter((v) => v.id !== OP);
    expect(shares(runPolicy(factory, { signal: 'busy', threshold: 0 }, snapshots))).toEqual([0]);
  });
});
