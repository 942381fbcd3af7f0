/**
 * The dataflow model against queueing theory. Each check runs independent replications (seeds) in
 * per-record mode and asserts that the theoretical value lies inside the 99% confidence interval of the
 * replication means: the tolerance is the simulation's own statistical uncertainty, not a guess.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../src/experiment/runner.js';
import {
  blockingThroughput,
  md1MeanSojourn,
  mm1Sojourn,
  mmcMeanSojourn,
  replicationCi,
  roundRobinSojourn,
  tandemMeanSojourn,
} from '../helpers/queueing-theory.js';

const REPLICATIONS = 8;

function replicate(file: string, metric: (s: ReturnType<typeof runScenario>) => number, durationS?: number): number[] {
  const scenario = loadScenario(`examples/queues/${file}`);
  const out: number[] = [];
  for (let seed = 1; seed <= REPLICATIONS; seed++) out.push(metric(runScenario(scenario, { seed, durationS })));
  return out;
}

function expectInsideCi(values: number[], theory: number): void {
  const { mean, half } = replicationCi(values, 0.99);
  expect(Math.abs(mean - theory), `theory ${theory} vs mean ${mean} ± ${half}`).toBeLessThanOrEqual(half);
  // And the interval is tight enough to mean something: within 5% of the value.
  expect(half / theory).toBeLessThan(0.05);
}

describe('queueing theory', () => {
  it('M/M/1: mean sojourn 5 ms and exponential quantiles', () => {
    const theory = mm1Sojourn(800, 1000);
    const scenario = loadScenario('examples/queues/mm1.json');
    const runs = Array.from({ length: REPLICATIONS }, (_, i) => runScenario(scenario, { seed: i + 1, durationS: 150 }).summary);
    expectInsideCi(runs.map((s) => s.latency_ms.mean), theory.mean);
    expectInsideCi(runs.map((s) => s.latency_ms.p50), theory.quantile(0.5));
    expectInsideCi(runs.map((s) => s.latency_ms.p90), theory.quantile(0.9));
    // The tail quantile needs a looser interval check: p99 over 120k samples has a wider spread per run.
    const p99 = replicationCi(runs.map((s) => s.latency_ms.p99));
    expect(Math.abs(p99.mean - theory.quantile(0.99))).toBeLessThanOrEqual(p99.half);
    for (const s of runs) {
      expect(s.records.lost).toBe(0);
      expect(s.records.duplicated).toBe(0);
      expect(s.drained).toBe(true);
      expect(s.records.results).toBe(s.records.arrived);
    }
  });

  it('M/D/1: Pollaczek–Khinchine mean sojourn 3 ms', () => {
    expectInsideCi(replicate('md1.json', (r) => r.summary.latency_ms.mean, 150), md1MeanSojourn(800, 1));
  });

  it('rebalance over c = 4 servers: round-robin (E4/M/1) sojourn, above the Erlang C bound', () => {
    const values = replicate('mmc-rebalance.json', (r) => r.summary.latency_ms.mean, 150);
    const rr = roundRobinSojourn(800, 250, 4);
    expectInsideCi(values, rr.mean);
    const erlangC = mmcMeanSojourn(800, 250, 4);
    expect(replicationCi(values).mean).toBeGreaterThan(erlangC);
  });

  it('tandem of two stations: Jackson network mean sojourn', () => {
    expectInsideCi(replicate('tandem.json', (r) => r.summary.latency_ms.mean, 150), tandemMeanSojourn(800, [1000, 1250]));
  });

  it('blocking: one buffer between two stations cuts throughput to μ(B+2)/(B+3) = 750/s', () => {
    const values = replicate('blocking.json', (r) => r.summary.records.results / r.summary.duration_s, 100);
    expectInsideCi(values, blockingThroughput(1000, 1000, 1));
  });
});
