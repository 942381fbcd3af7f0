import { describe, expect, it } from 'vitest';
import { ControlLoop, type DecisionSink } from '../../src/control/loop.js';
import type { Decision, MetricsSnapshot, Policy, PointDecision } from '../../src/policy/contract.js';

const snap = (tMs: number): MetricsSnapshot => ({ tMs, receivedMs: tMs, windowMs: 5000, vertices: [], offload: [] });
const point = (share: number, extra: Partial<PointDecision> = {}): PointDecision => ({ share, batchRecords: 100, maxWaitMs: 50, maxInFlight: 4, ...extra });

/** A policy that answers each snapshot with the next scripted decision, and remembers what it saw. */
function scripted(decisions: Decision[]): Policy & { seen: number[] } {
  const seen: number[] = [];
  return { name: 'scripted', seen, decide: (s) => (seen.push(s.tMs), decisions.shift()!) };
}

function recordingSink(): DecisionSink & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    applyPoint: (id, d, at) => void calls.push(`point ${id} ${d.share} @${at}`),
    applyParallelism: (p, at) => void calls.push(`parallelism ${JSON.stringify(p)} @${at}`),
  };
}

describe('ControlLoop', () => {
  it('applies parallelism first, then each known point in order, and records one row per applied point', () => {
    const policy = scripted([
      { points: { b: point(0.25, { prewarm: 3 }), a: point(0.5), ghost: point(1) }, parallelism: { tokenizer: 4 }, note: 'n=1' },
    ]);
    const sink = recordingSink();
    const loop = new ControlLoop(policy, ['a', 'b'], sink);
    loop.step(snap(1000), 2000);
    expect(policy.seen).toEqual([1000]);
    expect(sink.calls).toEqual(['parallelism {"tokenizer":4} @2000', 'point a 0.5 @2000', 'point b 0.25 @2000']);
    expect(loop.log).toEqual([
      { tMs: 2000, point: 'a', share: 0.5, batchRecords: 100, maxWaitMs: 50, maxInFlight: 4, prewarm: 0, note: 'n=1' },
      { tMs: 2000, point: 'b', share: 0.25, batchRecords: 100, maxWaitMs: 50, maxInFlight: 4, prewarm: 3, note: 'n=1' },
    ]);
  });

  it('a point the decision leaves out is neither applied nor recorded; no parallelism, no rescale call', () => {
    const sink = recordingSink();
    const loop = new ControlLoop(scripted([{ points: { b: point(1) } }, { points: {} }]), ['a', 'b'], sink);
    loop.step(snap(0), 0);
    loop.step(snap(1000), 1000);
    expect(sink.calls).toEqual(['point b 1 @0']);
    expect(loop.log.map((r) => [r.tMs, r.point, r.note])).toEqual([[0, 'b', '']]);
  });
});
