/**
 * Task counters across a rescale (issue 15): the snapshot a policy reads after a scale-up counts every subtask of
 * the new parallelism. Before, the collector's per-subtask totals kept their first length and dropped the new
 * subtasks' counts, so `burst+autoscale`'s bridge saw records vanish between the source and the tokenizer (a
 * backlog growing with the load, share 0.96 for hours on the day scenario).
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/experiment/runner.js';
import type { MetricsSnapshot, PolicyFactory } from '../../src/policy/contract.js';
import { readMetric } from '../../src/policy/signals.js';
import { scenario, tokenizerSpec } from '../helpers/scenarios.js';
import { expectEveryRecordOnce, scripted } from '../helpers/scripted-policy.js';

/** The scripted policy, keeping every snapshot it is shown. */
function recording(inner: PolicyFactory, seen: MetricsSnapshot[]): PolicyFactory {
  return {
    ...inner,
    create(p, ctx) {
      const policy = inner.create(p, ctx);
      return { name: policy.name, decide: (s) => (seen.push(s), policy.decide(s)) };
    },
  };
}

describe('task counters across a rescale', () => {
  it("after 2 → 4 tokenizer subtasks, its numRecordsIn counter equals the sum of the time series' per-second counts", () => {
    const seen: MetricsSnapshot[] = [];
    const r = runScenario(scenario(tokenizerSpec({ cluster: { model: 'cluster-test.json' } })), { policy: recording(scripted([{ tS: 5, p: 4 }], 0), seen) });
    expectEveryRecordOnce(r.summary);
    expect(r.summary.vertices.tokenizer.parallelism).toBe(4);
    const ts = r.timeseries;
    const t = ts.columns.indexOf('t_s');
    const c = ts.columns.indexOf('tokenizer.numRecordsInPerSecond');
    // one metrics interval a second: the counter at t is the sum of the rows up to t
    const upTo = (tS: number) => ts.rows.filter((row) => row[t] <= tS + 1e-9).reduce((a, row) => a + row[c], 0);
    const after = seen.filter((s) => s.vertices.find((v) => v.id === 'tokenizer')!.parallelism === 4);
    expect(after.length).toBeGreaterThan(5);
    for (const s of after) expect(readMetric(s, 'tokenizer', 'numRecordsIn', 'sum')).toBe(upTo(s.tMs / 1000));
  });
});
