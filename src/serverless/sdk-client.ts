/**
 * The client side of a synchronous invocation, as the AWS SDK for JavaScript v3 does it (`standard` retry mode),
 * plus the Node HTTP handler's socket cap and the offload layer's optional retries of function errors.
 *
 * - Attempts: at most `maxAttempts` (SDK default 3) per call.
 * - Backoff before retry i (i = 0 for the first retry): floor(u × min(base × 2^i, 20 s)), u uniform in [0, 1)
 *   ("full jitter"). The base depends on the error type and on the SDK version (see RETRY_PROFILES).
 * - Retry quota: one token bucket per client (500 tokens); a retry costs tokens, a call that succeeds gives back
 *   the cost of its last retry, or 1 if it needed none; a retry that finds too few tokens is not made.
 * - What is retried: a throttle (429 TooManyRequestsException, a THROTTLING error for the SDK). A function error
 *   or a function timeout is an HTTP 200 with X-Amz-Function-Error: the SDK does not retry it. The offload layer
 *   may: `retryFunctionErrors` / `retryFunctionTimeouts` retry them within the same attempt budget and backoff
 *   (non-throttling base), without touching the SDK's quota (they happen above the SDK). An attempt refused for
 *   its payload size is never retried.
 * - Sockets: at most `maxSockets` attempts in flight per client (the SDK's Node handler creates its agent with
 *   maxSockets 50); further attempts wait in FIFO order for a socket. Backoff waits hold no socket.
 */
import type { EventCalendar, EventHandler } from '../engine/calendar.js';
import { Capacity } from '../engine/capacity.js';
import type { RandomStreams, Rng } from '../engine/random.js';
import type { AttemptResult, InvocationRequest } from './platform.js';

/** Anything that runs attempts (the Platform, or a stub in tests). */
export interface InvocationTarget {
  invoke(req: InvocationRequest, done: (r: AttemptResult) => void): void;
}

export type RetryProfileName = 'standard-2026' | 'standard-legacy';

export interface RetryProfile {
  /** Backoff base for non-throttling errors, ms. */
  baseDelayMs: number;
  /** Backoff base for throttling errors, ms. */
  throttlingBaseDelayMs: number;
  maxBackoffMs: number;
  /** Retry quota capacity (and initial tokens). */
  quotaTokens: number;
  /** Tokens a retry of a throttling error costs. */
  throttlingRetryCost: number;
  /** Tokens a retry of any other retryable (transient) error costs. */
  transientRetryCost: number;
  /** Tokens a call that succeeded without retries gives back. */
  noRetryIncrement: number;
}

/**
 * `standard-2026`: @smithy/core ≥ 3.40 (the version installed with @aws-sdk/client-lambda here; "Enable the 2026
 * standard retry behavior unconditionally"): base 50 ms, throttling base 1 s, costs 14 / 5 (throttling).
 * `standard-legacy`: @smithy/util-retry before that: base 100 ms, throttling base 500 ms, costs 5 / 10 (transient).
 * Both: 20 s cap, 500 tokens, +1 per call that succeeded without retries, 3 attempts.
 */
export const RETRY_PROFILES: Readonly<Record<RetryProfileName, RetryProfile>> = Object.freeze({
  'standard-2026': {
    baseDelayMs: 50,
    throttlingBaseDelayMs: 1000,
    maxBackoffMs: 20_000,
    quotaTokens: 500,
    throttlingRetryCost: 5,
    transientRetryCost: 14,
    noRetryIncrement: 1,
  },
  'standard-legacy': {
    baseDelayMs: 100,
    throttlingBaseDelayMs: 500,
    maxBackoffMs: 20_000,
    quotaTokens: 500,
    throttlingRetryCost: 5,
    transientRetryCost: 10,
    noRetryIncrement: 1,
  },
});

export interface SdkClientOptions {
  /** Attempts per call, first included (SDK default 3). */
  maxAttempts?: number;
  /** Which SDK retry behaviour (default 'standard-2026', the installed SDK's). */
  profile?: RetryProfileName;
  /** Override single numbers of the profile. */
  overrides?: Partial<RetryProfile>;
  /** Apply the retry quota (default true). */
  retryQuota?: boolean;
  /** Retry function errors at the offload layer (default false: the SDK does not). */
  retryFunctionErrors?: boolean;
  /** Retry function timeouts at the offload layer (default false: the SDK does not). */
  retryFunctionTimeouts?: boolean;
  /** Attempts in flight at once per client (default 50, Node handler's maxSockets); Infinity for no cap. */
  maxSockets?: number;
}

export interface InvokeFinal {
  ok: boolean;
  attempts: AttemptResult[];
  /** When the call was made, ms. */
  startMs: number;
  /** When the final answer arrived, ms. */
  endMs: number;
  /** Sum of the attempts' costs. */
  costUsd: number;
  /** Why a failed call stopped: 'attempts' (budget used up), 'not-retryable', 'quota' (retry quota empty). */
  stoppedBy: 'ok' | 'attempts' | 'not-retryable' | 'quota';
}

export interface SdkClientStats {
  calls: number;
  succeeded: number;
  failed: number;
  attempts: number;
  retries: number;
  /** Retries refused for lack of retry-quota tokens. */
  quotaRefusals: number;
  quotaTokens: number;
  /** Sum of backoff delays, ms. */
  backoffMs: number;
  socketsInUse: number;
  /** Attempts waiting for a socket now, and the most ever. */
  queued: number;
  maxQueued: number;
}

/** A call's backoff is over: send it again (arg: the call's id). */
const EV_RETRY = 1;

class Call {
  req: InvocationRequest = { records: 0, payloadBytes: 0, responseBytes: 0, workMs: 0 };
  done: ((f: InvokeFinal) => void) | null = null;
  attempts: AttemptResult[] = [];
  startMs = 0;
  retries = 0;
  lastRetryCost = 0;
  costUsd = 0;
  readonly onResult: (r: AttemptResult) => void;
  constructor(
    readonly id: number,
    client: SdkClient,
  ) {
    this.onResult = (r) => client.attemptDone(this, r);
  }
}

export class SdkClient implements EventHandler {
  readonly maxAttempts: number;
  readonly profile: RetryProfile;
  private readonly useQuota: boolean;
  private readonly retryErrors: boolean;
  private readonly retryTimeouts: boolean;
  private readonly maxSockets: number;
  private readonly jitter: Rng;
  private readonly handlerId: number;

  private quota: number;
  /** Sockets in use, and the calls waiting for one (FIFO). */
  private readonly sockets: Capacity<Call>;
  private readonly calls: Call[] = [];
  private readonly freeCalls: Call[] = [];

  private readonly s = { calls: 0, succeeded: 0, failed: 0, attempts: 0, retries: 0, quotaRefusals: 0, backoffMs: 0, maxQueued: 0 };

  constructor(
    private readonly calendar: EventCalendar,
    streams: RandomStreams,
    private readonly target: InvocationTarget,
    readonly id: string,
    options: SdkClientOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 3;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new Error(`client ${id}: maxAttempts must be a whole number >= 1`);
    this.profile = { ...RETRY_PROFILES[options.profile ?? 'standard-2026'], ...options.overrides };
    this.useQuota = options.retryQuota ?? true;
    this.retryErrors = options.retryFunctionErrors ?? false;
    this.retryTimeouts = options.retryFunctionTimeouts ?? false;
    this.maxSockets = options.maxSockets ?? 50;
    if (!(this.maxSockets >= 1)) throw new Error(`client ${id}: maxSockets must be >= 1`);
    this.sockets = new Capacity<Call>(this.maxSockets);
    this.quota = this.profile.quotaTokens;
    this.jitter = streams.stream(`client:${id}:backoff`);
    this.handlerId = calendar.register(this);
  }

  /**
   * Invoke with retries; `done` is called exactly once (never synchronously) with every attempt made.
   * `req` is kept until then and sent again on a retry: do not change it meanwhile.
   */
  invokeWithRetry(req: InvocationRequest, done: (final: InvokeFinal) => void): void {
    const call = this.freeCalls.pop() ?? this.newCall();
    call.req = req;
    call.done = done;
    call.attempts = [];
    call.startMs = this.calendar.now;
    call.retries = 0;
    call.lastRetryCost = 0;
    call.costUsd = 0;
    this.s.calls++;
    this.send(call);
  }

  stats(): SdkClientStats {
    const s = this.s;
    return {
      calls: s.calls,
      succeeded: s.succeeded,
      failed: s.failed,
      attempts: s.attempts,
      retries: s.retries,
      quotaRefusals: s.quotaRefusals,
      quotaTokens: this.quota,
      backoffMs: s.backoffMs,
      socketsInUse: this.sockets.used,
      queued: this.sockets.waiters.length,
      maxQueued: s.maxQueued,
    };
  }

  onEvent(kind: number, arg: number): void {
    if (kind === EV_RETRY) this.send(this.calls[arg]);
  }

  /** @internal Called by a Call's result callback. */
  attemptDone(call: Call, r: AttemptResult): void {
    this.sockets.give();
    this.sockets.grantWaiters(this.startAttempt);
    call.attempts.push(r);
    call.costUsd += r.costUsd;
    if (r.outcome === 'ok') {
      if (this.useQuota) this.quota = Math.min(this.profile.quotaTokens, this.quota + (call.retries > 0 ? call.lastRetryCost : this.profile.noRetryIncrement));
      this.finish(call, true, 'ok');
      return;
    }
    const throttled = r.outcome === 'throttled';
    const retryable = throttled || (r.outcome === 'error' && this.retryErrors && !r.rejected) || (r.outcome === 'timeout' && this.retryTimeouts);
    if (!retryable) {
      this.finish(call, false, 'not-retryable');
      return;
    }
    if (call.attempts.length >= this.maxAttempts) {
      this.finish(call, false, 'attempts');
      return;
    }
    if (throttled && this.useQuota) {
      const cost = this.profile.throttlingRetryCost;
      if (this.quota < cost) {
        this.s.quotaRefusals++;
        this.finish(call, false, 'quota');
        return;
      }
      this.quota -= cost;
      call.lastRetryCost = cost;
    }
    const base = throttled ? this.profile.throttlingBaseDelayMs : this.profile.baseDelayMs;
    const cap = Math.min(base * 2 ** call.retries, this.profile.maxBackoffMs);
    const delay = Math.floor(this.jitter() * cap);
    call.retries++;
    this.s.retries++;
    this.s.backoffMs += delay;
    this.calendar.schedule(this.calendar.now + delay, this.handlerId, EV_RETRY, call.id);
  }

  private newCall(): Call {
    const call = new Call(this.calls.length, this);
    this.calls.push(call);
    return call;
  }

  private send(call: Call): void {
    if (this.sockets.free > 0) {
      this.startAttempt(call);
      return;
    }
    this.sockets.wait(call);
    const q = this.sockets.waiters.length;
    if (q > this.s.maxQueued) this.s.maxQueued = q;
  }

  /** An attempt takes a socket and goes out. */
  private readonly startAttempt = (call: Call): void => {
    this.sockets.tryTake();
    this.s.attempts++;
    this.target.invoke(call.req, call.onResult);
  };

  private finish(call: Call, ok: boolean, stoppedBy: InvokeFinal['stoppedBy']): void {
    if (ok) this.s.succeeded++;
    else this.s.failed++;
    const done = call.done!;
    const final: InvokeFinal = {
      ok,
      attempts: call.attempts,
      startMs: call.startMs,
      endMs: this.calendar.now,
      costUsd: call.costUsd,
      stoppedBy,
    };
    call.done = null;
    call.attempts = [];
    this.freeCalls.push(call);
    done(final);
  }
}
