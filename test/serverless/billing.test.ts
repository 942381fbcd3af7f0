import { describe, expect, it } from 'vitest';
import { attemptBill, billedDurationMs, billedMemoryMb, provisionedCost } from '../../src/serverless/billing.js';
import { detAzure, detLambda, model, req, Rig } from './helpers.js';

const x86 = model('aws-lambda-nodejs-1024').billing;
const arm = model('aws-lambda-nodejs-1769-arm64').billing;
const azure = model('azure-functions-consumption').billing;

describe('billing functions', () => {
  it('rounds durations up to 1 ms (Lambda) and to at least 100 ms (Azure)', () => {
    expect(billedDurationMs(x86, 0.2)).toBe(1);
    expect(billedDurationMs(x86, 172.75)).toBe(173);
    expect(billedDurationMs(x86, 100.0000000001)).toBe(100); // float noise, not a real extra ms
    expect(billedDurationMs(x86, 100.01)).toBe(101);
    expect(billedDurationMs(azure, 50)).toBe(100);
    expect(billedDurationMs(azure, 100.4)).toBe(101);
  });

  it('bills configured memory on Lambda, observed memory rounded up to 128 MB on Azure', () => {
    expect(billedMemoryMb(x86, 1024)).toBe(1024);
    expect(billedMemoryMb(x86, 1769)).toBe(1769);
    expect(billedMemoryMb(azure, 1536)).toBe(256);
    expect(billedMemoryMb({ ...azure, observed_mb: 160 }, 1536)).toBe(256);
    expect(billedMemoryMb({ ...azure, observed_mb: 40 }, 1536)).toBe(128);
    expect(billedMemoryMb({ ...azure, observed_mb: 2000 }, 1536)).toBe(1536);
  });

  it('x86, 1,024 MB, 173 ms: $0.20 per million + 0.173 GB-s × $0.0000166667', () => {
    const b = attemptBill(x86, { durationMs: 172.75, initMs: 0, memoryMb: 1024, provisioned: false });
    expect(b.billedMs).toBe(173);
    expect(b.requestUsd).toBe(0.0000002);
    expect(b.durationUsd).toBeCloseTo(0.173 * 0.0000166667, 15);
    expect(b.totalUsd).toBeCloseTo(0.0000002 + 0.173 * 0.0000166667, 15);
  });

  it('INIT is added to the duration before rounding when billed', () => {
    const withInit = attemptBill(x86, { durationMs: 172.75, initMs: 326.4, memoryMb: 1024, provisioned: false });
    expect(withInit.billedMs).toBe(500); // ceil(499.15)
    const noInit = attemptBill({ ...x86, bill_init: false }, { durationMs: 172.75, initMs: 326.4, memoryMb: 1024, provisioned: false });
    expect(noInit.billedMs).toBe(173);
  });

  it('arm64, 1,769 MB, 100 ms: 0.1 s × 1769/1024 GB × $0.0000133334', () => {
    const b = attemptBill(arm, { durationMs: 100, initMs: 0, memoryMb: 1769, provisioned: false });
    expect(b.durationUsd).toBeCloseTo(0.1 * (1769 / 1024) * 0.0000133334, 15);
  });

  it('provisioned: invocations at the provisioned duration price, no INIT; the configured time in 5-minute steps', () => {
    const b = attemptBill(x86, { durationMs: 173, initMs: 300, memoryMb: 1024, provisioned: true });
    expect(b.billedMs).toBe(173);
    expect(b.durationUsd).toBeCloseTo(0.173 * 0.0000097222, 15);
    expect(provisionedCost(x86, 2, 1024, 600_000)).toBeCloseTo(2 * 1 * 600 * 0.0000041667, 12);
    expect(provisionedCost(x86, 2, 1024, 600_001)).toBeCloseTo(2 * 1 * 900 * 0.0000041667, 12);
    expect(provisionedCost(arm, 1, 1769, 300_000)).toBeCloseTo((1769 / 1024) * 300 * 0.0000033334, 12);
    expect(provisionedCost(x86, 2, 1024, 0)).toBe(0);
    expect(provisionedCost(azure, 2, 1536, 600_000)).toBe(0);
  });

  it('Azure: 50 ms at 256 MB observed = 100 ms × 0.25 GB × $0.000016 + $0.20 per million', () => {
    const b = attemptBill(azure, { durationMs: 50, initMs: 3000, memoryMb: 1536, provisioned: false });
    expect(b.billedMs).toBe(100);
    expect(b.totalUsd).toBeCloseTo(0.0000002 + 0.1 * 0.25 * 0.000016, 15);
  });
});

describe('costs through the platform, by hand', () => {
  it('x86 1,024 MB: a cold and a warm invocation of 100 ms of one-vCPU work, INIT billed', () => {
    const rig = new Rig(detLambda());
    rig.at(0, req(100));
    rig.at(10_000, req(100));
    rig.run();
    const exec = 100 / (1024 / 1769); // 172.75390625 ms
    const [cold, warm] = rig.results;
    expect(cold.billedMs).toBe(Math.ceil(exec + 100)); // 273
    expect(warm.billedMs).toBe(Math.ceil(exec)); // 173
    expect(cold.costUsd).toBeCloseTo(0.0000002 + 0.273 * 0.0000166667, 15);
    expect(warm.costUsd).toBeCloseTo(0.0000002 + 0.173 * 0.0000166667, 15);
    const st = rig.platform.stats();
    expect(st.costs.requestsUsd).toBeCloseTo(0.0000004, 15);
    expect(st.costs.durationUsd).toBeCloseTo(0.446 * 0.0000166667, 15);
    expect(st.costs.provisionedUsd).toBe(0);
    expect(st.billedMs).toBe(446);
  });

  it('x86 without INIT billing', () => {
    const rig = new Rig(detLambda(), { billInit: false });
    rig.at(0, req(100));
    rig.run();
    expect(rig.results[0].billedMs).toBe(173);
  });

  it('arm64 1,769 MB: 100 ms of work is 100 ms', () => {
    const rig = new Rig(detLambda({}, 'aws-lambda-nodejs-1769-arm64'));
    rig.at(0, req(100));
    rig.at(5000, req(100));
    rig.run();
    expect(rig.results.map((r) => r.billedMs)).toEqual([200, 100]);
    expect(rig.results[1].costUsd).toBeCloseTo(0.0000002 + 0.1 * (1769 / 1024) * 0.0000133334, 15);
  });

  it('provisioned: 2 environments for 10 minutes plus one invocation on them', () => {
    const rig = new Rig(detLambda(), { provisionedConcurrency: 2 });
    rig.at(0, req(100));
    rig.run(600_000);
    const st = rig.platform.stats();
    expect(rig.results[0]).toMatchObject({ provisioned: true, coldStart: false, billedMs: 173 });
    expect(st.costs.durationUsd).toBeCloseTo(0.173 * 0.0000097222, 15);
    expect(st.costs.provisionedUsd).toBeCloseTo(2 * 600 * 0.0000041667, 12);
    expect(st.costs.totalUsd).toBeCloseTo(0.0000002 + 0.173 * 0.0000097222 + 2 * 600 * 0.0000041667, 12);
  });

  it('prewarm bills an empty invocation: request + INIT when INIT is billed', () => {
    const rig = new Rig(detLambda());
    rig.call(0, () => rig.platform.prewarm(3));
    rig.run(1000);
    const st = rig.platform.stats();
    expect(st.billedMs).toBe(300);
    expect(st.costs.totalUsd).toBeCloseTo(3 * 0.0000002 + 0.3 * 0.0000166667, 15);
    expect(st.invocations).toBe(0);
    expect(st.warmIdle).toBe(3);
  });

  it('Azure: 50 ms of work billed as 100 ms at 256 MB; INIT not billed', () => {
    const rig = new Rig(detAzure());
    rig.at(0, req(50));
    rig.run();
    expect(rig.results[0].billedMs).toBe(100);
    expect(rig.results[0].costUsd).toBeCloseTo(0.0000002 + 0.1 * 0.25 * 0.000016, 15);
    expect(rig.platform.stats().gbSeconds).toBeCloseTo(0.1 * 0.25, 12);
  });

  it('throttles cost nothing', () => {
    const rig = new Rig(detLambda(), { reservedConcurrency: 1 });
    rig.at(0, req(100), 3);
    rig.run();
    expect(rig.results.filter((r) => r.outcome === 'throttled').every((r) => r.costUsd === 0 && r.billedMs === 0)).toBe(true);
    expect(rig.platform.stats().costs.requestsUsd).toBeCloseTo(0.0000002, 15);
  });
});
