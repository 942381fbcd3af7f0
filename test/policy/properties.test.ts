/**
 * Properties every built-in policy must keep on any input: well-formed decisions and determinism.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Aggregate, Decision, MetricsSnapshot, ParamValue, PolicyContext, PolicyFactory } from '../../src/policy/contract.js';
import type { PolicyParamSpec } from '../../src/policy/params.js';
import { decisionProblems } from '../../src/policy/check-decision.js';
import { BUILTIN_POLICIES, getPolicyFactory } from '../../src/policy/registry.js';
import { UserError } from '../../src/util/errors.js';
import { OP, SINK, SOURCE, context } from './snapshots.js';

const TWO_POINTS: PolicyContext = context({
  offloadPoints: [
    { id: 'p1', vertex: OP },
    { id: 'p2', vertex: SINK },
  ],
});

/** Any number a metric could carry, including the broken ones. */
const metricValue = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0, max: 1000, noNaN: true }) },
  { weight: 3, arbitrary: fc.double({ min: 0, max: 1e7, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -1, 0, 1e300) },
);
const aggregate: fc.Arbitrary<Aggregate | undefined> = fc.option(
  fc.record({ min: metricValue, max: metricValue, avg: metricValue, sum: metricValue }),
  { nil: undefined, freq: 8 },
);
const metricNames = [
  'busyTimeMsPerSecond',
  'idleTimeMsPerSecond',
  'backPressuredTimeMsPerSecond',
  'numRecordsInPerSecond',
  'numRecordsOutPerSecond',
  'pendingRecords',
  'currentEmitEventTimeLag',
  // counters, for the fast signals (random values: they may go backwards, like a restart)
  'numRecordsIn',
  'numRecordsOut',
  'accumulateBusyTimeMs',
  'accumulateBackPressuredTimeMs',
  'buffers.inPoolUsage',
] as const;
const vertexMetrics = fc.tuple(...metricNames.map(() => aggregate)).map((aggs) => {
  const metrics: MetricsSnapshot['vertices'][number]['metrics'] = {};
  aggs.forEach((a, i) => {
    if (a) metrics[metricNames[i]] = a;
  });
  return metrics;
});
const counter = fc.oneof({ weight: 9, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(NaN, -3) });
const offloadPoint = (id: string, vertex: string) =>
  fc.record({
    id: fc.constant(id),
    vertex: fc.constant(vertex),
    inFlightRecords: counter,
    inFlightBatches: counter,
    concurrency: counter,
    warmIdle: counter,
    offloadedRecords: counter,
    coldStarts: counter,
    throttles: counter,
    errors: counter,
    fallbacks: counter,
    costUsd: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constant(NaN)),
    recentRoundTripMs: fc.oneof(fc.double({ min: 0, max: 60_000, noNaN: true }), fc.constant(NaN)),
  });

/** A run: snapshots whose times never go backwards (steps of 0 included). */
const snapshotSequence: fc.Arbitrary<MetricsSnapshot[]> = fc
  .array(
    fc.record({
      stepMs: fc.constantFrom(0, 1, 500, 1000, 1000, 1000, 7000),
      source: vertexMetrics,
      op: vertexMetrics,
      sink: vertexMetrics,
      dropOp: fc.boolean(),
      p1: fc.option(offloadPoint('p1', OP), { nil: undefined }),
      p2: fc.option(offloadPoint('p2', SINK), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((steps) => {
    let tMs = 0;
    return steps.map((s) => {
      tMs += s.stepMs;
      const vertices = [
        { id: SOURCE, parallelism: 1, metrics: s.source },
        { id: OP, parallelism: 2, metrics: s.op },
        { id: SINK, parallelism: 1, metrics: s.sink },
      ].filter((v) => !(s.dropOp && v.id === OP));
      return { tMs, receivedMs: tMs + 200, windowMs: 1000, vertices, offload: [s.p1, s.p2].filter((p) => p !== undefined) };
    });
  });

/** Random values within each parameter's spec. */
function paramsFor(factory: PolicyFactory): fc.Arbitrary<Record<string, ParamValue>> {
  const entries: Record<string, fc.Arbitrary<ParamValue>> = {};
  for (const spec of factory.params as PolicyParamSpec[]) {
    if (spec.choices) entries[spec.name] = fc.constantFrom(...spec.choices);
    else if (typeof spec.default === 'number') {
      const min = spec.min ?? 0;
      const max = spec.max ?? Math.max(min, spec.default) * 10 + 10;
      entries[spec.name] = spec.integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
    } else entries[spec.name] = fc.constant(spec.default);
  }
  return fc.record(entries);
}

function expectWellFormed(decision: Decision): void {
  expect(decisionProblems(decision)).toEqual([]);
  for (const point of Object.values(decision.points)) {
    expect(Number.isFinite(point.share)).toBe(true);
    expect(point.share).toBeGreaterThanOrEqual(0);
    expect(point.share).toBeLessThanOrEqual(1);
    expect(Number.isFinite(point.batchRecords) && point.batchRecords > 0).toBe(true);
    expect(Number.isFinite(point.maxWaitMs) && point.maxWaitMs >= 0).toBe(true);
    expect(Number.isInteger(point.maxInFlight) && point.maxInFlight >= 0).toBe(true);
    if (point.prewarm !== undefined) expect(Number.isInteger(point.prewarm) && point.prewarm >= 0).toBe(true);
    if (point.maxRateRps !== undefined) expect(point.maxRateRps >= 0 && !Number.isNaN(point.maxRateRps)).toBe(true);
  }
}

function runAll(factory: PolicyFactory, params: Record<string, ParamValue>, snapshots: MetricsSnapshot[]): Decision[] | undefined {
  let policy;
  try {
    policy = factory.create(params, TWO_POINTS);
  } catch (err) {
    // Random params may break a cross-parameter rule (offThreshold > onThreshold): that must be a UserError.
    expect(err).toBeInstanceOf(UserError);
    return undefined;
  }
  return snapshots.map((s) => policy.decide(s));
}

describe.each(BUILTIN_POLICIES.map((f) => [f.name, f] as const))('%s on random snapshots', (_name, factory) => {
  it('always decides a share in [0,1], positive batches and integer maxInFlight >= 0', () => {
    fc.assert(
      fc.property(paramsFor(factory), snapshotSequence, (params, snapshots) => {
        for (const d of runAll(factory, params, snapshots) ?? []) expectWellFormed(d);
      }),
      { numRuns: 150, seed: 20261120 },
    );
  });

  it('is deterministic: the same snapshots give the same decisions', () => {
    fc.assert(
      fc.property(paramsFor(factory), snapshotSequence, (params, snapshots) => {
        expect(runAll(factory, params, snapshots)).toEqual(runAll(factory, params, snapshots));
      }),
      { numRuns: 50, seed: 7 },
    );
  });
});

describe('budget around every inner policy', () => {
  it.each(['static', 'threshold', 'target-lag', 'predictive', 'feed-forward'])('budget(%s) is well-formed', (inner) => {
    const budget = getPolicyFactory('budget');
    fc.assert(
      fc.property(snapshotSequence, fc.double({ min: 0, max: 10, noNaN: true }), (snapshots, cap) => {
        for (const d of runAll(budget, { inner, usdPerHour: cap, windowS: 30 }, snapshots) ?? []) expectWellFormed(d);
      }),
      { numRuns: 60, seed: 42 },
    );
  });
});
