import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventCalendar } from '../../src/engine/calendar.js';
import { RandomStreams } from '../../src/engine/random.js';
import type { PlatformModel } from '../../src/serverless/model.js';
import { Platform, type AttemptResult } from '../../src/serverless/platform.js';
import { SdkClient, type InvokeFinal } from '../../src/serverless/sdk-client.js';
import { model } from './helpers.js';

const arbRequest = fc.record({
  t: fc.integer({ min: 0, max: 120_000 }),
  n: fc.integer({ min: 1, max: 30 }),
  workMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 20_000, noNaN: true })),
  payloadBytes: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constant(7_000_000)),
  responseBytes: fc.integer({ min: 0, max: 100_000 }),
});

const arbCase = fc.record({
  base: fc.constantFrom('aws-lambda-nodejs-1024', 'aws-lambda-python-512', 'aws-lambda-nodejs-1769-arm64', 'azure-functions-consumption'),
  seed: fc.integer(),
  reserved: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
  provisioned: fc.integer({ min: 0, max: 5 }),
  accountLimit: fc.integer({ min: 1, max: 60 }),
  maxNew: fc.integer({ min: 1, max: 50 }),
  errorRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
  timeoutRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
  timeoutS: fc.integer({ min: 1, max: 30 }),
  keepAlive: fc.integer({ min: 1, max: 100 }),
  maxInstances: fc.integer({ min: 1, max: 10 }),
  perInstance: fc.integer({ min: 1, max: 5 }),
  viaClient: fc.boolean(),
  requests: fc.array(arbRequest, { minLength: 1, maxLength: 25 }),
});

type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

function modelFor(c: Case): PlatformModel {
  const m = structuredClone(model(c.base));
  m.keep_alive_s = { type: 'exponential', mean: c.keepAlive };
  m.max_lifetime_s = { type: 'uniform', min: 50, max: 200 };
  m.scale_out.max_new = c.maxNew;
  if (m.platform === 'aws-lambda') {
    m.concurrency.account_limit = c.accountLimit;
  } else {
    m.concurrency.max_instances = c.maxInstances;
    m.instance.max_concurrency = c.perInstance;
  }
  return m;
}

function run(c: Case) {
  const m = modelFor(c);
  const lambda = m.platform === 'aws-lambda';
  const reserved = lambda && c.reserved !== null ? Math.min(c.reserved, c.accountLimit) : null;
  const provisioned = lambda ? Math.min(c.provisioned, reserved ?? c.accountLimit) : 0;
  const calendar = new EventCalendar();
  const streams = new RandomStreams(c.seed);
  const platform = new Platform(calendar, streams, m, 'f', {
    reservedConcurrency: reserved,
    provisionedConcurrency: provisioned,
    faults: { errorRate: c.errorRate, timeoutRate: c.timeoutRate },
    timeoutS: Math.min(c.timeoutS, m.limits.max_timeout_s),
  });
  const client = new SdkClient(calendar, streams, platform, 'c', { retryFunctionErrors: true, retryFunctionTimeouts: true, maxSockets: 7 });
  const calls = new Map<number, number>();
  const attempts: AttemptResult[] = [];
  const finals: InvokeFinal[] = [];
  let sent = 0;
  let maxEnvs = 0;
  let perInstanceOk = true;
  const id = calendar.register({
    onEvent: (_k, i) => {
      const r = c.requests[i];
      for (let k = 0; k < r.n; k++) {
        const me = sent++;
        calls.set(me, 0);
        const req = { records: 1, workMs: r.workMs, payloadBytes: r.payloadBytes, responseBytes: r.responseBytes };
        if (c.viaClient) {
          client.invokeWithRetry(req, (f) => {
            calls.set(me, calls.get(me)! + 1);
            finals.push(f);
          });
        } else {
          platform.invoke(req, (a) => {
            calls.set(me, calls.get(me)! + 1);
            attempts.push(a);
          });
        }
      }
      const st = platform.stats();
      maxEnvs = Math.max(maxEnvs, st.environments);
      if (!lambda && st.concurrency > st.environments * c.perInstance) perInstanceOk = false;
    },
  });
  c.requests.forEach((r, i) => calendar.schedule(r.t, id, 0, i));
  calendar.run();
  return { m, lambda, reserved, provisioned, platform, client, calls, attempts, finals, sent, maxEnvs, perInstanceOk };
}

describe('properties', () => {
  it('every invocation gets exactly one done; limits hold; costs are never negative', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const r = run(c);
        for (const n of r.calls.values()) expect(n).toBe(1);
        expect(r.calls.size).toBe(r.sent);
        const st = r.platform.stats();
        // Every attempt ended one way.
        expect(st.ok + st.throttles + st.errors + st.timeouts).toBe(st.invocations);
        expect(st.concurrency).toBe(0);
        if (r.lambda) {
          const limit = r.reserved ?? r.m.concurrency.account_limit!;
          expect(st.maxConcurrency).toBeLessThanOrEqual(Math.max(limit, r.provisioned));
        } else {
          expect(st.maxEnvironments).toBeLessThanOrEqual(c.maxInstances);
          expect(r.perInstanceOk).toBe(true);
        }
        const results = r.finals.length > 0 ? r.finals.flatMap((f) => f.attempts) : r.attempts;
        for (const a of results) {
          expect(a.costUsd).toBeGreaterThanOrEqual(0);
          expect(a.billedMs).toBeGreaterThanOrEqual(0);
          expect(a.endMs).toBeGreaterThanOrEqual(a.startMs);
          if (a.outcome === 'throttled' || a.rejected) expect(a.costUsd).toBe(0);
        }
        for (const f of r.finals) {
          expect(f.attempts.length).toBeGreaterThanOrEqual(1);
          expect(f.attempts.length).toBeLessThanOrEqual(3);
          expect(f.ok).toBe(f.attempts[f.attempts.length - 1].outcome === 'ok');
          expect(f.costUsd).toBeGreaterThanOrEqual(0);
        }
        expect(st.costs.totalUsd).toBeGreaterThanOrEqual(0);
        expect(st.costs.requestsUsd).toBeGreaterThanOrEqual(0);
        expect(st.costs.durationUsd).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 120, seed: 20261120 },
    );
  });
});
