import { describe, expect, it } from 'vitest';
import { CONSUMPTION_PLAN, place } from '../../src/endpoint/azure/plan.js';
import { EventCalendar } from '../../src/engine/calendar.js';
import { RandomStreams } from '../../src/engine/random.js';
import { AccountConcurrency } from '../../src/serverless/account.js';
import { Platform, type AttemptResult } from '../../src/serverless/platform.js';
import { detAzure, detLambda, req, Rig } from './helpers.js';

const count = (rs: AttemptResult[], f: (r: AttemptResult) => boolean) => rs.filter(f).length;
const outcomesAt = (rs: AttemptResult[], t: number) => {
  const at = rs.filter((r) => r.startMs === t);
  return { ok: count(at, (r) => r.outcome === 'ok'), throttled: count(at, (r) => r.outcome === 'throttled'), cold: count(at, (r) => r.coldStart) };
};

describe('keep-alive timeline (keep-alive 600 s, counted from the end of the last use)', () => {
  it('instant invocations at 0, 1 s, 400 s, 1000 s: cold, warm, warm, cold (idle for exactly the keep-alive = gone)', () => {
    const rig = new Rig(detLambda());
    for (const t of [0, 1000, 400_000, 1_000_000]) rig.at(t, req(0));
    rig.run();
    expect(rig.results.map((r) => r.coldStart)).toEqual([true, false, false, true]);
    expect(rig.results.map((r) => r.environment)).toEqual([1, 1, 1, 2]);
    expect(rig.platform.stats().coldStarts).toBe(2);
  });

  it('with 10 ms of work the environment is idle only 599.99 s at 1000 s, so the fourth is warm', () => {
    const rig = new Rig(detLambda());
    for (const t of [0, 1000, 400_000, 1_000_000]) rig.at(t, req(10 * (1024 / 1769)));
    rig.run();
    expect(rig.results.map((r) => r.coldStart)).toEqual([true, false, false, false]);
  });

  it('the most recently used idle environment is reused first', () => {
    const rig = new Rig(detLambda());
    rig.at(0, req(0), 2); // two environments, both idle at 100 ms
    rig.at(1000, req(1000)); // takes one (the most recently idle)
    rig.at(5000, req(0)); // the one used at 1 s is now the most recently used
    rig.run();
    const [a, b, c, d] = rig.results.sort((x, y) => x.startMs - y.startMs || x.environment - y.environment);
    expect([a.environment, b.environment].sort()).toEqual([1, 2]);
    expect(d.environment).toBe(c.environment);
  });

  it('an environment retires at its maximum lifetime even while it is being reused', () => {
    const rig = new Rig(detLambda({ max_lifetime_s: { type: 'deterministic', value: 1000 } }));
    for (const t of [0, 300_000, 600_000, 900_000, 1_200_000]) rig.at(t, req(0));
    rig.run();
    expect(rig.results.map((r) => r.coldStart)).toEqual([true, false, false, false, true]);
  });
});

describe('scale-out rate: 1,000 new environments per 10 s, refilled continuously', () => {
  // Account limit raised so that only the scaling rate binds; work keeps every environment busy.
  const m = () => detLambda({ concurrency: { account_limit: 100_000 }, limits: { timeout_s: 900 } });

  it('1,000 simultaneous cold starts succeed, the 1,001st is throttled, 1 s later exactly 100 more', () => {
    const rig = new Rig(m());
    rig.at(0, req(60_000 * (1024 / 1769) - 1), 1001);
    rig.at(1000, req(1000), 101);
    rig.run();
    expect(outcomesAt(rig.results, 0)).toEqual({ ok: 1000, throttled: 1, cold: 1000 });
    expect(outcomesAt(rig.results, 1000)).toEqual({ ok: 100, throttled: 1, cold: 100 });
  });

  it('unused allowance does not accumulate: after 20 idle seconds still at most 1,000 at once', () => {
    const rig = new Rig(m());
    rig.at(0, req(0), 1000);
    rig.at(20_000, req(60_000), 1000); // warm reuses, no new environments
    rig.at(40_000, req(60_000), 1001); // those 1,000 are busy: after 40 s, 1,000 new environments, not 4,000
    rig.run();
    expect(outcomesAt(rig.results, 20_000)).toEqual({ ok: 1000, throttled: 0, cold: 0 });
    expect(outcomesAt(rig.results, 40_000)).toEqual({ ok: 1000, throttled: 1, cold: 1000 });
  });

  it('half a second after a full burst, 50 more; the bucket refills to 1,000 in 10 s', () => {
    const rig = new Rig(m());
    rig.at(0, req(100_000), 1000);
    rig.at(500, req(100_000), 51);
    rig.at(10_500, req(100_000), 1001);
    rig.run();
    expect(outcomesAt(rig.results, 500)).toEqual({ ok: 50, throttled: 1, cold: 50 });
    expect(outcomesAt(rig.results, 10_500)).toEqual({ ok: 1000, throttled: 1, cold: 1000 });
  });

  it('the window reading: the allowance resets every 10 s instead of refilling', () => {
    const rig = new Rig(detLambda({ concurrency: { account_limit: 100_000 }, scale_out: { refill: 'window' }, limits: { timeout_s: 900 } }));
    rig.at(0, req(100_000), 1000);
    rig.at(1000, req(100_000), 5);
    rig.at(10_000, req(100_000), 1001);
    rig.run();
    expect(outcomesAt(rig.results, 1000)).toEqual({ ok: 0, throttled: 5, cold: 0 });
    expect(outcomesAt(rig.results, 10_000)).toEqual({ ok: 1000, throttled: 1, cold: 1000 });
  });

  it('prewarm uses the same budget', () => {
    const rig = new Rig(m());
    let started = 0;
    rig.call(0, () => (started = rig.platform.prewarm(1200)));
    rig.at(1000, req(0), 200); // 1,000 warm + ... all 200 land on warm environments
    rig.run();
    expect(started).toBe(1000);
    expect(outcomesAt(rig.results, 1000)).toEqual({ ok: 200, throttled: 0, cold: 0 });
    expect(rig.platform.stats().prewarmed).toBe(1000);
  });
});

describe('concurrency limits', () => {
  it('account concurrency: 1,000 in flight at most; a finished execution frees a slot', () => {
    const rig = new Rig(detLambda({ scale_out: { max_new: 100_000 } }));
    rig.at(0, req(10_000), 1001);
    rig.at(20_000, req(0), 1);
    rig.run();
    expect(outcomesAt(rig.results, 0)).toEqual({ ok: 1000, throttled: 1, cold: 1000 });
    expect(outcomesAt(rig.results, 20_000)).toEqual({ ok: 1, throttled: 0, cold: 0 });
    expect(rig.platform.stats().maxConcurrency).toBe(1000);
  });

  it('functions share the account pool; a reservation is taken out of it', () => {
    const calendar = new EventCalendar();
    const streams = new RandomStreams(1);
    const account = new AccountConcurrency(10);
    const a = new Platform(calendar, streams, detLambda(), 'a', { account, reservedConcurrency: 4 });
    const b = new Platform(calendar, streams, detLambda(), 'b', { account });
    const c = new Platform(calendar, streams, detLambda(), 'c', { account });
    const out: Record<string, string[]> = { a: [], b: [], c: [] };
    for (let i = 0; i < 5; i++) a.invoke(req(1000), (r) => out.a.push(r.outcome));
    for (let i = 0; i < 4; i++) b.invoke(req(1000), (r) => out.b.push(r.outcome));
    for (let i = 0; i < 4; i++) c.invoke(req(1000), (r) => out.c.push(r.outcome));
    calendar.run();
    // a: capped at its reservation of 4; b and c share the 6 unreserved.
    expect(out.a.filter((o) => o === 'ok').length).toBe(4);
    expect(out.b.filter((o) => o === 'ok').length + out.c.filter((o) => o === 'ok').length).toBe(6);
    expect(out.b.filter((o) => o === 'ok').length).toBe(4);
  });

  it('reserved concurrency caps the function', () => {
    const rig = new Rig(detLambda(), { reservedConcurrency: 5 });
    rig.at(0, req(1000), 6);
    rig.run();
    expect(outcomesAt(rig.results, 0)).toEqual({ ok: 5, throttled: 1, cold: 5 });
  });

  it('a reservation larger than the account is refused', () => {
    expect(() => new Rig(detLambda(), { reservedConcurrency: 1001 })).toThrow(/reserved concurrency 1001 does not fit the account limit 1000/);
  });
});

describe('provisioned concurrency', () => {
  it('provisioned environments are never cold, even long after their last use; overflow spills to on-demand', () => {
    const rig = new Rig(detLambda(), { provisionedConcurrency: 3 });
    for (const t of [0, 600_000, 1_800_000, 7_200_000]) rig.at(t, req(100), 3);
    rig.at(7_200_000, req(100), 1);
    rig.run();
    const onProv = rig.results.filter((r) => r.provisioned);
    expect(onProv.length).toBe(12);
    expect(onProv.every((r) => !r.coldStart && r.outcome === 'ok')).toBe(true);
    const spill = rig.results.filter((r) => !r.provisioned);
    expect(spill.map((r) => r.coldStart)).toEqual([true]);
  });

  it('provisioned environments count against reserved concurrency', () => {
    const rig = new Rig(detLambda(), { reservedConcurrency: 4, provisionedConcurrency: 3 });
    rig.at(0, req(1000), 5);
    rig.run();
    expect(outcomesAt(rig.results, 0)).toEqual({ ok: 4, throttled: 1, cold: 1 });
  });

  it('a platform without provisioned concurrency refuses it', () => {
    expect(() => new Rig(detAzure(), { provisionedConcurrency: 1 })).toThrow(/has no provisioned concurrency/);
  });
});

describe('execution time, network, faults', () => {
  it('execution = work / min(1, memory / 1769 MB) + overhead; network = rtt + bytes / bandwidth', () => {
    const rig = new Rig(
      detLambda({
        warm_overhead_ms: { type: 'deterministic', value: 5 },
        network: { rtt_ms: { type: 'deterministic', value: 20 }, bandwidth_bytes_per_s: 1_000_000 },
      }),
    );
    rig.at(0, req(1769, 10_000, 5_000)); // 1,769 ms of work at 1,024 MB: 3,055.97... ms? no: 1769 / (1024/1769)
    rig.run();
    const r = rig.results[0];
    const exec = 1769 / (1024 / 1769) + 5;
    expect(r.executionMs).toBeCloseTo(exec, 9);
    // 10 ms up (half rtt) + 10 ms payload + 100 ms INIT + exec + 10 ms down + 5 ms response
    expect(r.endMs).toBeCloseTo(10 + 10 + 100 + exec + 10 + 5, 9);
  });

  it('a single-threaded handler gets one vCPU above 1,769 MB; a two-threaded one uses two', () => {
    const one = new Rig(detLambda(), { memoryMb: 3538 });
    one.at(0, req(100));
    one.run();
    expect(one.results[0].executionMs).toBeCloseTo(100, 9);
    const two = new Rig(detLambda(), { memoryMb: 3538, handlerThreads: 2 });
    two.at(0, req(100));
    two.run();
    expect(two.results[0].executionMs).toBeCloseTo(50, 9);
  });

  it('a memory size the model does not allow is refused', () => {
    expect(() => new Rig(detLambda(), { memoryMb: 64 })).toThrow(/64 MB is not allowed by aws-lambda-nodejs-1024 \(128\.\.10240 MB in steps of 1 MB\)/);
  });

  it('work longer than the timeout ends in a timeout billed for the full timeout (+ INIT)', () => {
    const rig = new Rig(detLambda(), { timeoutS: 2 });
    rig.at(0, req(10_000));
    rig.run();
    const r = rig.results[0];
    expect(r.outcome).toBe('timeout');
    expect(r.executionMs).toBe(2000);
    expect(r.billedMs).toBe(2100);
    expect(r.endMs).toBeCloseTo(2100, 9);
  });

  it('fault rates: every execution an error, or every execution a hang until the timeout', () => {
    const err = new Rig(detLambda(), { faults: { errorRate: 1 } });
    err.at(0, req(100), 3);
    err.run();
    expect(err.results.map((r) => r.outcome)).toEqual(['error', 'error', 'error']);
    expect(err.results.every((r) => r.billedMs > 0)).toBe(true);
    const hang = new Rig(detLambda(), { faults: { timeoutRate: 1 }, timeoutS: 1 });
    hang.at(0, req(1));
    hang.run();
    expect(hang.results[0].outcome).toBe('timeout');
    expect(hang.results[0].billedMs).toBe(1100);
    expect(hang.platform.stats().timeouts).toBe(1);
  });

  it('a payload over the 6 MB limit is refused unbilled; an oversized response is a billed error', () => {
    const rig = new Rig(detLambda());
    rig.at(0, req(10, 6 * 1024 * 1024 + 1));
    rig.at(0, req(10, 100, 6 * 1024 * 1024 + 1));
    rig.run();
    const [a, b] = rig.results;
    expect(a).toMatchObject({ outcome: 'error', rejected: true, billedMs: 0, costUsd: 0, environment: -1 });
    expect(b).toMatchObject({ outcome: 'error', rejected: false });
    expect(b.billedMs).toBeGreaterThan(0);
  });

  it('a throttle returns after the network round trip and is not billed', () => {
    const rig = new Rig(detLambda({ network: { rtt_ms: { type: 'deterministic', value: 30 } } }), { reservedConcurrency: 0 });
    rig.at(0, req(10));
    rig.run();
    expect(rig.results[0]).toMatchObject({ outcome: 'throttled', endMs: 30, billedMs: 0, costUsd: 0 });
  });
});

describe('Azure Functions Consumption', () => {
  it('one new instance per second, up to 200; an instance runs up to 100 requests at once', () => {
    const rig = new Rig(detAzure(), { timeoutS: 600 });
    const snapshots: Record<number, number> = {};
    // A request every 100 ms for 260 s, each with 300 s of work: every instance stays busy.
    for (let t = 0; t < 260_000; t += 100) rig.at(t, req(300_000));
    // Snapshots 1 ms after the arrivals they should see.
    for (const t of [1, 999, 1001, 1500, 2001, 10_001, 198_999, 199_001, 250_001]) {
      rig.call(t, () => (snapshots[t] = rig.platform.stats().environments));
    }
    rig.run(260_000);
    expect(snapshots).toEqual({ 1: 1, 999: 1, 1001: 2, 1500: 2, 2001: 3, 10_001: 11, 198_999: 199, 199_001: 200, 250_001: 200 });
    const st = rig.platform.stats();
    expect(st.maxEnvironments).toBe(200);
    expect(st.throttles).toBe(0);
  });

  it('a full instance and no new one allowed this second: the 101st simultaneous request is throttled', () => {
    const rig = new Rig(detAzure());
    rig.at(0, req(1000), 101);
    rig.run();
    expect(outcomesAt(rig.results, 0)).toEqual({ ok: 100, throttled: 1, cold: 100 });
  });

  it('requests on one instance share its vCPU (processor sharing)', () => {
    const rig = new Rig(detAzure());
    rig.at(0, req(1000));
    rig.at(0, req(3000));
    rig.run();
    const [a, b] = rig.results;
    // Both wait for the 2 s INIT; shared: the short one needs 2 s, then the long one runs alone for its last 2 s.
    expect(a.executionMs).toBeCloseTo(2000, 6);
    expect(b.executionMs).toBeCloseTo(4000, 6);
    expect(a.endMs).toBeCloseTo(4000, 6);
    expect(b.endMs).toBeCloseTo(6000, 6);
  });

  it('a cold start is an instance started, as the endpoint counts it: requests joining a starting instance only wait', () => {
    // 10 s of work each (nothing ends before 1.5 s), INIT 2 s, one new instance a second, scale target 1:
    // 0 ms ×5: the first starts A, the other 4 find every instance busy and no new one allowed → A;
    // 500 ms ×3: half a token → A; 1,000 ms ×1: a whole token → B; 1,500 ms ×2: B is the least busy (1 < 8) → B.
    const arrivals: [number, number][] = [[0, 5], [500, 3], [1000, 1], [1500, 2]];
    const rig = new Rig(detAzure());
    for (const [t, n] of arrivals) rig.at(t, req(10_000), n);
    rig.run();
    const st = rig.platform.stats();
    expect(st.environmentsStarted).toBe(2);
    expect(st.coldStarts).toBe(2);
    // every one of the 11 waited for an INIT (its latency has the cold start), but only 2 started one
    expect(rig.results.filter((r) => r.coldStart).length).toBe(11);
    // the local endpoint's placement rule (src/endpoint/azure/plan.ts) on the same arrivals starts the same 2
    const slots: { running: number; queued: number; lastUsed: number }[] = [];
    let last: number | null = null;
    let started = 0;
    for (const [t, n] of arrivals) {
      for (let i = 0; i < n; i++) {
        const p = place(slots, t, last, CONSUMPTION_PLAN);
        if (p.kind === 'new') {
          slots.push({ running: 1, queued: 0, lastUsed: t });
          last = t;
          started++;
        } else if (p.kind === 'run') slots[p.at].running++;
        else throw new Error(`unexpected ${p.kind}`);
      }
    }
    expect(started).toBe(2);
    expect(slots.map((s) => s.running)).toEqual([8, 3]);
  });

  it('idle instances live 20 minutes', () => {
    const rig = new Rig(detAzure());
    for (const t of [0, 1_000_000, 2_300_000]) rig.at(t, req(0));
    rig.run();
    expect(rig.results.map((r) => r.coldStart)).toEqual([true, false, true]);
  });
});

describe('determinism', () => {
  it('same seed, same results', () => {
    const run = () => {
      const rig = new Rig(detLambda({ cold_start_ms: { type: 'lognormal', median: 326.1, sigma: 0.4644 }, keep_alive_s: { type: 'uniform', min: 300, max: 420 } }));
      for (let i = 0; i < 200; i++) rig.at(i * 7919, req(50 + (i % 13)), 1 + (i % 3));
      rig.run();
      return JSON.stringify(rig.results);
    };
    expect(run()).toBe(run());
  });
});
