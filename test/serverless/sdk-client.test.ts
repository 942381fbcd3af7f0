import { describe, expect, it } from 'vitest';
import { EventCalendar } from '../../src/engine/calendar.js';
import { RandomStreams } from '../../src/engine/random.js';
import type { AttemptOutcome, AttemptResult, InvocationRequest } from '../../src/serverless/platform.js';
import { Platform } from '../../src/serverless/platform.js';
import { SdkClient, type InvocationTarget, type InvokeFinal, type SdkClientOptions } from '../../src/serverless/sdk-client.js';
import { detLambda, req } from './helpers.js';

/** A target answering each attempt after `latency` ms with the next outcome of `script`. */
class Stub implements InvocationTarget {
  private readonly pending: ((r: AttemptResult) => void)[] = [];
  private readonly starts: number[] = [];
  private readonly outcomes: AttemptOutcome[] = [];
  private readonly id: number;
  n = 0;
  constructor(
    private readonly calendar: EventCalendar,
    private readonly script: (n: number) => AttemptOutcome,
    private readonly latency = 10,
  ) {
    this.id = calendar.register({ onEvent: (_k, arg) => this.answer(arg) });
  }
  invoke(_req: InvocationRequest, done: (r: AttemptResult) => void): void {
    const i = this.pending.length;
    this.pending.push(done);
    this.starts.push(this.calendar.now);
    this.outcomes.push(this.script(this.n++));
    this.calendar.schedule(this.calendar.now + this.latency, this.id, 0, i);
  }
  private answer(i: number): void {
    const outcome = this.outcomes[i];
    this.pending[i]({
      outcome,
      coldStart: false,
      startMs: this.starts[i],
      endMs: this.calendar.now,
      billedMs: outcome === 'throttled' ? 0 : 10,
      costUsd: outcome === 'throttled' ? 0 : 1,
      environment: 1,
      initMs: 0,
      executionMs: 10,
      provisioned: false,
      rejected: false,
    });
  }
}

function stubRig(script: (n: number) => AttemptOutcome, options?: SdkClientOptions, latency = 10) {
  const calendar = new EventCalendar();
  const stub = new Stub(calendar, script, latency);
  const client = new SdkClient(calendar, new RandomStreams(3), stub, 'c', options);
  const finals: InvokeFinal[] = [];
  return { calendar, stub, client, finals, call: () => client.invokeWithRetry(req(1), (f) => finals.push(f)) };
}

const gaps = (f: InvokeFinal) => f.attempts.slice(1).map((a, i) => a.startMs - f.attempts[i].endMs);

describe('retry then give up (throttled on every attempt)', () => {
  function throttledEverywhere(options?: SdkClientOptions) {
    const calendar = new EventCalendar();
    const streams = new RandomStreams(5);
    const m = detLambda({ network: { rtt_ms: { type: 'deterministic', value: 20 } } });
    const platform = new Platform(calendar, streams, m, 'f', { reservedConcurrency: 0 });
    const client = new SdkClient(calendar, streams, platform, 'c', { maxSockets: Infinity, ...options });
    const finals: InvokeFinal[] = [];
    for (let i = 0; i < 200; i++) client.invokeWithRetry(req(10), (f) => finals.push(f));
    calendar.run();
    return { finals, client, platform };
  }

  it('installed SDK (standard-2026): 3 attempts, backoff in [0, 1 s) then [0, 2 s), final failure', () => {
    // Quota aside (200 simultaneous calls would exhaust it, see below).
    const { finals, client, platform } = throttledEverywhere({ retryQuota: false });
    expect(finals.length).toBe(200);
    for (const f of finals) {
      expect(f.ok).toBe(false);
      expect(f.stoppedBy).toBe('attempts');
      expect(f.attempts.map((a) => a.outcome)).toEqual(['throttled', 'throttled', 'throttled']);
      expect(f.attempts.every((a) => a.endMs - a.startMs === 20 && a.costUsd === 0)).toBe(true);
      const [g1, g2] = gaps(f);
      expect(Number.isInteger(g1) && g1 >= 0 && g1 < 1000).toBe(true);
      expect(Number.isInteger(g2) && g2 >= 0 && g2 < 2000).toBe(true);
      expect(f.endMs).toBe(f.attempts[2].endMs);
    }
    // Full jitter: the draws spread over the whole range.
    expect(Math.max(...finals.map((f) => gaps(f)[1]))).toBeGreaterThan(1800);
    expect(Math.min(...finals.map((f) => gaps(f)[1]))).toBeLessThan(200);
    expect(platform.stats().throttles).toBe(600);
    expect(client.stats()).toMatchObject({ calls: 200, failed: 200, attempts: 600, retries: 400 });
  });

  it('legacy SDK profile: throttling base 500 ms', () => {
    const { finals } = throttledEverywhere({ profile: 'standard-legacy', retryQuota: false });
    for (const f of finals) {
      const [g1, g2] = gaps(f);
      expect(g1 >= 0 && g1 < 500 && g2 >= 0 && g2 < 1000).toBe(true);
    }
  });

  it('the retry quota (500 tokens, 5 per throttling retry) runs out after 100 retries', () => {
    const { finals, client } = throttledEverywhere();
    // 200 calls want 400 retries; the 500 tokens pay for 100: the first 100 calls retry once, then nobody can.
    expect(client.stats()).toMatchObject({ quotaTokens: 0, retries: 100, attempts: 300, quotaRefusals: 200 });
    expect(finals.every((f) => f.stoppedBy === 'quota')).toBe(true);
    expect(finals.filter((f) => f.attempts.length === 2).length).toBe(100);
  });

  it('maxAttempts is configurable', () => {
    const { finals } = throttledEverywhere({ maxAttempts: 5, retryQuota: false });
    expect(finals.every((f) => f.attempts.length === 5)).toBe(true);
  });
});

describe('what is retried', () => {
  it('a function error (HTTP 200 + X-Amz-Function-Error) is not retried by the SDK', () => {
    const r = stubRig(() => 'error');
    r.call();
    r.calendar.run();
    expect(r.finals[0]).toMatchObject({ ok: false, stoppedBy: 'not-retryable' });
    expect(r.finals[0].attempts.length).toBe(1);
  });

  it('with retryFunctionErrors the offload layer retries it: backoff in [0, 50 ms) then [0, 100 ms), no quota', () => {
    const r = stubRig(() => 'error', { retryFunctionErrors: true });
    r.call();
    r.calendar.run();
    const f = r.finals[0];
    expect(f.attempts.length).toBe(3);
    const [g1, g2] = gaps(f);
    expect(g1 >= 0 && g1 < 50 && g2 >= 0 && g2 < 100).toBe(true);
    expect(r.client.stats().quotaTokens).toBe(500);
    expect(f.costUsd).toBe(3);
  });

  it('timeouts likewise: not retried by default, retried with retryFunctionTimeouts', () => {
    const a = stubRig(() => 'timeout');
    a.call();
    a.calendar.run();
    expect(a.finals[0].attempts.length).toBe(1);
    const b = stubRig((n) => (n < 2 ? 'timeout' : 'ok'), { retryFunctionTimeouts: true });
    b.call();
    b.calendar.run();
    expect(b.finals[0]).toMatchObject({ ok: true, stoppedBy: 'ok' });
    expect(b.finals[0].attempts.map((x) => x.outcome)).toEqual(['timeout', 'timeout', 'ok']);
  });

  it('a payload refused for its size is never retried', () => {
    const calendar = new EventCalendar();
    const streams = new RandomStreams(1);
    const platform = new Platform(calendar, streams, detLambda(), 'f');
    const client = new SdkClient(calendar, streams, platform, 'c', { retryFunctionErrors: true });
    const finals: InvokeFinal[] = [];
    client.invokeWithRetry(req(1, 7_000_000), (f) => finals.push(f));
    calendar.run();
    expect(finals[0].attempts.length).toBe(1);
    expect(finals[0].attempts[0].rejected).toBe(true);
  });

  it('throttled then ok: success, and the quota gets the retry cost back', () => {
    const r = stubRig((n) => (n === 0 ? 'throttled' : 'ok'));
    r.call();
    r.calendar.run();
    expect(r.finals[0]).toMatchObject({ ok: true });
    expect(r.finals[0].attempts.length).toBe(2);
    expect(r.client.stats().quotaTokens).toBe(500);
  });

  it('quota exhaustion stops a call that still has attempts left', () => {
    const r = stubRig(() => 'throttled', { maxAttempts: 1000, overrides: { maxBackoffMs: 10 } });
    r.call();
    r.calendar.run();
    expect(r.finals[0].stoppedBy).toBe('quota');
    expect(r.finals[0].attempts.length).toBe(101);
    expect(r.client.stats()).toMatchObject({ quotaRefusals: 1, quotaTokens: 0 });
  });
});

describe('socket cap', () => {
  it('at most maxSockets attempts in flight; the rest wait in order', () => {
    const r = stubRig(() => 'ok', { maxSockets: 2 }, 100);
    for (let i = 0; i < 5; i++) r.call();
    expect(r.client.stats()).toMatchObject({ socketsInUse: 2, queued: 3 });
    r.calendar.run();
    expect(r.finals.map((f) => f.attempts[0].startMs)).toEqual([0, 0, 100, 100, 200]);
    expect(r.finals.map((f) => f.startMs)).toEqual([0, 0, 0, 0, 0]);
    expect(r.client.stats()).toMatchObject({ maxQueued: 3, socketsInUse: 0, queued: 0, succeeded: 5 });
  });

  it('defaults to 50 sockets (the Node handler)', () => {
    const r = stubRig(() => 'ok');
    for (let i = 0; i < 60; i++) r.call();
    expect(r.client.stats()).toMatchObject({ socketsInUse: 50, queued: 10 });
  });
});
