/**
 * One serverless function (Lambda function or Azure Functions app) as a simulation component.
 *
 * An attempt travels: client → (half the round trip + payload / bandwidth) → the platform decides: reuse an idle
 * warm environment (most recently used first), start a new one (a cold start) if concurrency, instance cap and the
 * scale-out budget allow, or throttle (429, not billed, answered after the other half of the round trip). In an
 * environment, executions share its vCPUs equally (processor sharing; with one execution per environment, as in
 * Lambda, an execution simply runs at min(handler threads, vCPUs)). A finished execution's response travels back
 * (half the round trip + response / bandwidth). Idle environments expire after a keep-alive drawn each time they
 * become idle, and every environment retires at its maximum lifetime. Provisioned environments are created warm at
 * t = 0, never expire, and are billed for the whole run. See docs/SERVERLESS.md.
 *
 * Events carry integers only: attempts live in a pool indexed by id and environments in a pool of slots; a pending
 * event for a slot carries the slot's generation so a stale one is ignored (the calendar has no cancellation).
 */
import type { EventCalendar, EventHandler } from '../engine/calendar.js';
import { makeSampler, type Sampler } from '../engine/distributions.js';
import type { RandomStreams, Rng } from '../engine/random.js';
import { UserError } from '../util/errors.js';
import { AccountConcurrency } from './account.js';
import { attemptBill, billedMemoryMb, provisionedCost } from './billing.js';
import { checkMemory } from './model-file.js';
import { environmentVcpus, type PlatformModel } from './model.js';
import { ScaleOutBudget } from './scale-budget.js';

export interface InvocationRequest {
  records: number;
  payloadBytes: number;
  responseBytes: number;
  /** The batch's work in ms on one full vCPU. */
  workMs: number;
}

export type AttemptOutcome = 'ok' | 'throttled' | 'error' | 'timeout';

export interface AttemptResult {
  outcome: AttemptOutcome;
  /** The attempt waited for an environment's INIT. */
  coldStart: boolean;
  /** When the client sent the attempt, ms. */
  startMs: number;
  /** When the client had the answer, ms. */
  endMs: number;
  /** Billed duration, ms (0 if not billed). */
  billedMs: number;
  costUsd: number;
  /** Serial number of the environment that ran it (1, 2, ...), -1 if none did. */
  environment: number;
  /** INIT duration this attempt caused (0 unless it started the environment), ms. */
  initMs: number;
  /** Time in the function (execution; the full timeout for a timeout), ms. */
  executionMs: number;
  /** Served by a provisioned environment. */
  provisioned: boolean;
  /** Refused before reaching a function (payload over the request limit): an 'error' no retry can fix. */
  rejected: boolean;
}

export interface PlatformOptions {
  /** Configured memory, MB (default: the model's default). */
  memoryMb?: number;
  /** Reserved concurrency (overrides the model's). null: none. */
  reservedConcurrency?: number | null;
  /** Provisioned environments (overrides the model's). */
  provisionedConcurrency?: number;
  /** Account concurrency shared with other functions; default: a pool of the model's account limit for this one. */
  account?: AccountConcurrency;
  /** Threads the handler can keep busy (default 1: a Node.js or Python handler uses one vCPU at most). */
  handlerThreads?: number;
  /** Override whether INIT is billed. */
  billInit?: boolean;
  /** Override the model's fault rates. */
  faults?: { errorRate?: number; timeoutRate?: number };
  /** Override the configured timeout, s (at most the model's max_timeout_s). */
  timeoutS?: number;
}

export interface PlatformStats {
  /** Attempts sent to the platform. */
  invocations: number;
  ok: number;
  /** Environments (instances) started on demand by a request; requests that joined one while it started are not counted. */
  coldStarts: number;
  throttles: number;
  errors: number;
  timeouts: number;
  /** Attempts refused for their payload size (counted in errors too). */
  rejected: number;
  /** Environments started by prewarm(). */
  prewarmed: number;
  /** Environments started in all (cold starts + prewarms + provisioned). */
  environmentsStarted: number;
  /** Executions in flight now (including those waiting for INIT). */
  concurrency: number;
  maxConcurrency: number;
  /** Live environments now (initialising, busy or idle). */
  environments: number;
  maxEnvironments: number;
  /** Live environments with nothing to do. */
  warmIdle: number;
  /** Environments in INIT. */
  initializing: number;
  billedMs: number;
  gbSeconds: number;
  costs: { requestsUsd: number; durationUsd: number; provisionedUsd: number; totalUsd: number };
}

// Event kinds.
const K_ARRIVE = 1;
const K_READY = 2;
const K_TICK = 3;
const K_EXPIRE = 4;
const K_LIFETIME = 5;
const K_RESPOND = 6;

/** Slot id + generation in one exactly representable number. */
const GEN_BASE = 2 ** 26;
const key = (id: number, gen: number) => (gen % GEN_BASE) * GEN_BASE + id;
const keyId = (k: number) => k % GEN_BASE;
const keyGen = (k: number) => Math.floor(k / GEN_BASE);

/** Work left below this (vCPU-ms) counts as done. */
const DONE_EPS = 1e-6;

const ST_DEAD = 0;
const ST_INIT = 1;
const ST_READY = 2;

const F_OK = 0;
const F_ERROR = 1;
const F_HANG = 2;

class Env {
  state = ST_DEAD;
  serial = 0;
  incarnation = 0;
  provisioned = false;
  retiring = false;
  initMs = 0;
  /** INIT not yet charged to the attempt that caused it. */
  initUnclaimed = false;
  active = 0;
  /** Executing now. */
  running: Attempt[] = [];
  /** Assigned during INIT, waiting for it. */
  waiting: Attempt[] = [];
  lastUpdate = 0;
  lastUsed = 0;
  /** When an idle environment's keep-alive ends (Infinity while busy or provisioned). */
  expiresAt = Infinity;
  tickGen = 0;
  idleGen = 0;
  /** Time of this environment's one pending expiry event (Infinity if none): one event, not one per idle spell. */
  expiryEventAt = Infinity;
  /** Stamp of its current entry in an idle stack, -1 if none. */
  idleStamp = -1;
  /** Index in Platform.live, -1 if dead. */
  liveIndex = -1;
  constructor(readonly id: number) {}
}

class Attempt {
  free = true;
  payloadBytes = 0;
  responseBytes = 0;
  workMs = 0;
  done: ((r: AttemptResult) => void) | null = null;
  prewarm = false;
  t0 = 0;
  rttHalf = 0;
  env: Env | null = null;
  coldStart = false;
  initMs = 0;
  execStart = 0;
  remaining = 0;
  deadline = 0;
  fault = F_OK;
  outcome: AttemptOutcome = 'ok';
  executionMs = 0;
  billedMs = 0;
  costUsd = 0;
  rejected = false;
  envSerial = -1;
  onProvisioned = false;
  constructor(readonly id: number) {}
}

export class Platform implements EventHandler {
  readonly memoryMb: number;
  readonly reserved: number | null;
  readonly provisioned: number;
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
  readonly timeoutMs: number;

  private readonly target: number;
  /** When the platform (and its provisioned environments) came into being, ms. */
  private readonly createdAt: number;
  private readonly account: AccountConcurrency;
  private readonly vcpus: number;
  private readonly threads: number;
  private readonly billInit: boolean;
  private readonly billedMemoryMb: number;
  private readonly errorRate: number;
  private readonly timeoutRate: number;
  private readonly bytesPerMs: number;
  private readonly perEnv: number;
  private readonly scaleTarget: number;
  private readonly maxInstances: number;
  private readonly budget: ScaleOutBudget;

  private readonly coldStart: Sampler;
  private readonly overhead: Sampler;
  private readonly rtt: Sampler;
  private readonly keepAlive: Sampler;
  private readonly lifetime: Sampler | null;
  private readonly faultRng: Rng;

  private readonly envs: Env[] = [];
  private readonly freeEnvs: Env[] = [];
  private readonly live: Env[] = [];
  private readonly attempts: Attempt[] = [];
  private readonly freeAttempts: number[] = [];

  /** Idle on-demand environments, most recently idle on top (stale entries skipped by stamp). */
  private readonly idleEnvs: Env[] = [];
  private readonly idleStamps: number[] = [];
  private idleCount = 0;
  private readonly idleProvisioned: Env[] = [];
  private stampCounter = 0;
  private serialCounter = 0;

  private inFlight = 0;
  /** On-demand executions in flight (counted against concurrency limits; provisioned ones are pre-counted). */
  private onDemandInFlight = 0;

  private readonly s = {
    invocations: 0,
    ok: 0,
    coldStarts: 0,
    throttles: 0,
    errors: 0,
    timeouts: 0,
    rejected: 0,
    prewarmed: 0,
    environmentsStarted: 0,
    maxConcurrency: 0,
    maxEnvironments: 0,
    billedMs: 0,
    gbSeconds: 0,
    requestsUsd: 0,
    durationUsd: 0,
  };

  constructor(
    private readonly calendar: EventCalendar,
    streams: RandomStreams,
    readonly model: PlatformModel,
    readonly id: string,
    options: PlatformOptions = {},
  ) {
    const who = `platform ${id} (${model.id})`;
    this.memoryMb = options.memoryMb ?? model.memory.default_mb;
    const memProblem = checkMemory(model, this.memoryMb);
    if (memProblem) throw new UserError(`${who}: memory: ${memProblem}`);
    this.reserved = options.reservedConcurrency !== undefined ? options.reservedConcurrency : model.concurrency.reserved;
    this.provisioned = options.provisionedConcurrency ?? model.concurrency.provisioned;
    if (this.reserved !== null && (!Number.isInteger(this.reserved) || this.reserved < 0)) {
      throw new UserError(`${who}: reserved concurrency must be a whole number >= 0`);
    }
    if (!Number.isInteger(this.provisioned) || this.provisioned < 0) throw new UserError(`${who}: provisioned concurrency must be a whole number >= 0`);
    if (this.provisioned > 0) {
      if (!model.billing.provisioned || model.instance.max_concurrency !== 1) {
        throw new UserError(`${who}: the platform has no provisioned concurrency`);
      }
      if (this.reserved !== null && this.provisioned > this.reserved) {
        throw new UserError(`${who}: provisioned concurrency ${this.provisioned} exceeds reserved concurrency ${this.reserved}`);
      }
    }
    this.account = options.account ?? new AccountConcurrency(model.concurrency.account_limit);
    if (this.reserved !== null) this.account.reserve(this.reserved, who);
    else {
      if (this.account.limit !== null && this.account.unreservedInUse + this.provisioned > this.account.limit - this.account.reservedTotal) {
        throw new UserError(`${who}: provisioned concurrency ${this.provisioned} does not fit the unreserved account concurrency`);
      }
      this.account.unreservedInUse += this.provisioned;
    }
    this.threads = options.handlerThreads ?? 1;
    this.vcpus = environmentVcpus(model, this.memoryMb);
    this.billInit = options.billInit ?? model.billing.bill_init;
    this.billedMemoryMb = billedMemoryMb(model.billing, this.memoryMb);
    this.errorRate = options.faults?.errorRate ?? model.faults.error_rate;
    this.timeoutRate = options.faults?.timeoutRate ?? model.faults.timeout_rate;
    const timeoutS = options.timeoutS ?? model.limits.timeout_s;
    if (!(timeoutS > 0) || timeoutS > model.limits.max_timeout_s) {
      throw new UserError(`${who}: timeout ${timeoutS} s must be in (0, ${model.limits.max_timeout_s}] s`);
    }
    this.timeoutMs = timeoutS * 1000;
    this.maxRequestBytes = model.limits.max_request_bytes;
    this.maxResponseBytes = model.limits.max_response_bytes;
    this.bytesPerMs = model.network.bandwidth_bytes_per_s / 1000;
    this.perEnv = model.instance.max_concurrency;
    this.scaleTarget = model.instance.scale_target_concurrency;
    this.maxInstances = model.concurrency.max_instances ?? Infinity;
    this.budget = new ScaleOutBudget(model.scale_out.max_new, model.scale_out.window_s * 1000, model.scale_out.refill);

    const stream = (name: string) => streams.stream(`platform:${id}:${name}`);
    this.coldStart = makeSampler(model.cold_start_ms, stream('coldstart'));
    this.overhead = makeSampler(model.warm_overhead_ms, stream('overhead'));
    this.rtt = makeSampler(model.network.rtt_ms, stream('network'));
    this.keepAlive = makeSampler(model.keep_alive_s, stream('keepalive'));
    this.lifetime = model.max_lifetime_s ? makeSampler(model.max_lifetime_s, stream('lifetime')) : null;
    this.faultRng = stream('faults');

    this.target = calendar.register(this);
    this.createdAt = calendar.now;

    for (let i = 0; i < this.provisioned; i++) {
      const env = this.newEnv(calendar.now);
      env.provisioned = true;
      env.state = ST_READY;
      env.lastUsed = calendar.now;
      this.idleProvisioned.push(env);
    }
  }

  /** Executions in flight now. */
  get concurrency(): number {
    return this.inFlight;
  }

  /** Send one attempt; `done` is called exactly once, when the client has the answer. */
  invoke(req: InvocationRequest, done: (r: AttemptResult) => void): void {
    const now = this.calendar.now;
    const a = this.allocAttempt();
    a.payloadBytes = req.payloadBytes;
    a.responseBytes = req.responseBytes;
    a.workMs = req.workMs;
    a.done = done;
    a.t0 = now;
    a.rttHalf = this.rtt.sample() / 2;
    this.s.invocations++;
    this.calendar.schedule(now + a.rttHalf + req.payloadBytes / this.bytesPerMs, this.target, K_ARRIVE, a.id);
  }

  /**
   * Start up to `n` new environments now (a pre-warming burst of empty invocations), subject to concurrency, the
   * instance cap and the scale-out budget. Each is billed as an empty invocation (request + overhead, + INIT if
   * INIT is billed) and is warm once its INIT is over. Returns how many were started.
   */
  prewarm(n: number): number {
    const now = this.calendar.now;
    let started = 0;
    for (let i = 0; i < n; i++) {
      if (!this.onDemandHasRoom() || this.live.length >= this.maxInstances || !this.budget.tryTake(now)) break;
      const a = this.allocAttempt();
      a.prewarm = true;
      a.t0 = now;
      const env = this.startEnv(now);
      this.assign(env, a, now);
      started++;
    }
    this.s.prewarmed += started;
    return started;
  }

  stats(): PlatformStats {
    let warmIdle = 0;
    let initializing = 0;
    for (const e of this.live) {
      if (e.state === ST_INIT) initializing++;
      else if (e.active === 0) warmIdle++;
    }
    const provisionedUsd = provisionedCost(this.model.billing, this.provisioned, this.memoryMb, this.calendar.now - this.createdAt);
    const s = this.s;
    return {
      invocations: s.invocations,
      ok: s.ok,
      coldStarts: s.coldStarts,
      throttles: s.throttles,
      errors: s.errors,
      timeouts: s.timeouts,
      rejected: s.rejected,
      prewarmed: s.prewarmed,
      environmentsStarted: s.environmentsStarted,
      concurrency: this.inFlight,
      maxConcurrency: s.maxConcurrency,
      environments: this.live.length,
      maxEnvironments: s.maxEnvironments,
      warmIdle,
      initializing,
      billedMs: s.billedMs,
      gbSeconds: s.gbSeconds,
      costs: {
        requestsUsd: s.requestsUsd,
        durationUsd: s.durationUsd,
        provisionedUsd,
        totalUsd: s.requestsUsd + s.durationUsd + provisionedUsd,
      },
    };
  }

  onEvent(kind: number, arg: number, now: number): void {
    switch (kind) {
      case K_ARRIVE:
        this.arrive(this.attempts[arg], now);
        return;
      case K_READY: {
        const env = this.envs[keyId(arg)];
        if (env.state === ST_INIT && env.incarnation % GEN_BASE === keyGen(arg)) this.ready(env, now);
        return;
      }
      case K_TICK: {
        const env = this.envs[keyId(arg)];
        if (env.state === ST_READY && env.tickGen % GEN_BASE === keyGen(arg)) this.tick(env, now);
        return;
      }
      case K_EXPIRE: {
        // The keep-alive may have been pushed back since this event was scheduled: expire, or wait again.
        const env = this.envs[keyId(arg)];
        if (env.idleGen % GEN_BASE !== keyGen(arg) || env.expiryEventAt !== now) return;
        env.expiryEventAt = Infinity;
        if (env.state !== ST_READY || env.active !== 0) return;
        if (env.expiresAt <= now) this.destroy(env);
        else this.scheduleExpiry(env);
        return;
      }
      case K_LIFETIME: {
        const env = this.envs[keyId(arg)];
        if (env.state === ST_DEAD || env.incarnation % GEN_BASE !== keyGen(arg)) return;
        if (env.state === ST_READY && env.active === 0) this.destroy(env);
        else env.retiring = true;
        return;
      }
      case K_RESPOND:
        this.respond(this.attempts[arg], now);
        return;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Routing

  private arrive(a: Attempt, now: number): void {
    if (a.payloadBytes > this.maxRequestBytes) {
      a.outcome = 'error';
      a.rejected = true;
      this.s.errors++;
      this.s.rejected++;
      this.calendar.schedule(now + a.rttHalf, this.target, K_RESPOND, a.id);
      return;
    }
    const env = this.perEnv === 1 ? this.routeSingle(now) : this.routeShared(now);
    if (env === null) {
      a.outcome = 'throttled';
      this.s.throttles++;
      this.calendar.schedule(now + a.rttHalf, this.target, K_RESPOND, a.id);
      return;
    }
    this.assign(env, a, now);
  }

  /** One execution per environment (Lambda): provisioned idle, else on-demand idle (MRU), else a cold start. */
  private routeSingle(now: number): Env | null {
    if (this.idleProvisioned.length > 0) return this.idleProvisioned.pop()!;
    if (!this.onDemandHasRoom()) return null;
    const idle = this.popIdle(now);
    if (idle) return idle;
    if (this.live.length < this.maxInstances && this.budget.tryTake(now)) return this.startEnv(now);
    return null;
  }

  /**
   * Several executions per instance (Azure): a new instance when every instance carries at least the scale target
   * and a new one may start; otherwise the least-loaded instance with a free slot (most recently used on ties).
   */
  private routeShared(now: number): Env | null {
    if (!this.onDemandHasRoom()) return null;
    for (let i = this.live.length - 1; i >= 0; i--) {
      const e = this.live[i];
      if (e.state === ST_READY && e.active === 0 && e.expiresAt <= now) this.destroy(e);
    }
    let best: Env | null = null;
    for (const e of this.live) {
      if (e.retiring || e.active >= this.perEnv) continue;
      if (best === null || e.active < best.active || (e.active === best.active && e.lastUsed > best.lastUsed)) best = e;
    }
    if ((best === null || best.active >= this.scaleTarget) && this.live.length < this.maxInstances && this.budget.tryTake(now)) {
      return this.startEnv(now);
    }
    return best;
  }

  private onDemandHasRoom(): boolean {
    if (this.reserved !== null) return this.provisioned + this.onDemandInFlight < this.reserved;
    return this.account.unreservedHasRoom();
  }

  /**
   * The most recently used idle environment. One idle for exactly its keep-alive is gone already, whatever the
   * order of simultaneous events: its expiry may still be pending in the calendar at this instant.
   */
  private popIdle(now: number): Env | null {
    while (this.idleEnvs.length > 0) {
      const env = this.idleEnvs.pop()!;
      const stamp = this.idleStamps.pop()!;
      if (env.idleStamp !== stamp) continue;
      env.idleStamp = -1;
      this.idleCount--;
      if (env.expiresAt <= now) {
        this.destroy(env);
        continue;
      }
      return env;
    }
    return null;
  }

  private pushIdle(env: Env): void {
    env.idleStamp = ++this.stampCounter;
    this.idleEnvs.push(env);
    this.idleStamps.push(env.idleStamp);
    this.idleCount++;
    // Drop stale entries (environments that expired while in the stack) once they dominate.
    if (this.idleEnvs.length > 64 && this.idleEnvs.length > 2 * this.idleCount) {
      let w = 0;
      for (let r = 0; r < this.idleEnvs.length; r++) {
        const e = this.idleEnvs[r];
        if (e.idleStamp === this.idleStamps[r]) {
          this.idleEnvs[w] = e;
          this.idleStamps[w] = this.idleStamps[r];
          w++;
        }
      }
      this.idleEnvs.length = w;
      this.idleStamps.length = w;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Environments

  private newEnv(now: number): Env {
    const env = this.freeEnvs.pop() ?? this.makeEnv();
    env.incarnation++;
    env.serial = ++this.serialCounter;
    env.provisioned = false;
    env.retiring = false;
    env.active = 0;
    env.initMs = 0;
    env.initUnclaimed = false;
    env.lastUpdate = now;
    env.lastUsed = now;
    env.idleStamp = -1;
    env.expiresAt = Infinity;
    env.expiryEventAt = Infinity;
    env.liveIndex = this.live.length;
    this.live.push(env);
    if (this.live.length > this.s.maxEnvironments) this.s.maxEnvironments = this.live.length;
    this.s.environmentsStarted++;
    return env;
  }

  private makeEnv(): Env {
    if (this.envs.length >= GEN_BASE) throw new Error(`platform ${this.id}: more than ${GEN_BASE} environments alive at once`);
    const env = new Env(this.envs.length);
    this.envs.push(env);
    return env;
  }

  /** A new on-demand environment, in INIT from now. */
  private startEnv(now: number): Env {
    const env = this.newEnv(now);
    env.state = ST_INIT;
    env.initMs = this.coldStart.sample();
    env.initUnclaimed = true;
    this.calendar.schedule(now + env.initMs, this.target, K_READY, key(env.id, env.incarnation));
    if (this.lifetime) {
      this.calendar.schedule(now + this.lifetime.sample() * 1000, this.target, K_LIFETIME, key(env.id, env.incarnation));
    }
    return env;
  }

  private destroy(env: Env): void {
    env.state = ST_DEAD;
    if (env.idleStamp !== -1) {
      env.idleStamp = -1;
      this.idleCount--;
    }
    env.tickGen++;
    env.idleGen++;
    const last = this.live.pop()!;
    if (last !== env) {
      this.live[env.liveIndex] = last;
      last.liveIndex = env.liveIndex;
    }
    env.liveIndex = -1;
    this.freeEnvs.push(env);
  }

  private assign(env: Env, a: Attempt, now: number): void {
    if (env.active === 0) env.expiresAt = Infinity; // a pending expiry event finds it busy and does nothing
    env.active++;
    env.lastUsed = now;
    a.env = env;
    a.envSerial = env.serial;
    a.onProvisioned = env.provisioned;
    this.inFlight++;
    if (!env.provisioned) {
      this.onDemandInFlight++;
      if (this.reserved === null) this.account.unreservedInUse++;
    }
    if (this.inFlight > this.s.maxConcurrency) this.s.maxConcurrency = this.inFlight;
    if (env.state === ST_INIT) {
      a.coldStart = true;
      if (env.initUnclaimed) {
        // This attempt started the environment: its INIT is charged to it, and it is the cold start. Requests that
        // join an instance still starting (Azure: up to 100 a instance) wait for it too but start nothing; counting
        // them made the Azure model read ~4x the instances the endpoint and the job count (docs/AZURE.md).
        a.initMs = env.initMs;
        env.initUnclaimed = false;
        if (!a.prewarm) this.s.coldStarts++;
      }
      env.waiting.push(a);
    } else {
      this.startExecution(env, a, now);
    }
  }

  private ready(env: Env, now: number): void {
    env.state = ST_READY;
    env.lastUpdate = now;
    const waiting = env.waiting;
    for (let i = 0; i < waiting.length; i++) this.startExecution(env, waiting[i], now);
    waiting.length = 0;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Execution (processor sharing within an environment)

  private rate(n: number): number {
    const share = this.vcpus / n;
    return share < this.threads ? share : this.threads;
  }

  private startExecution(env: Env, a: Attempt, now: number): void {
    a.execStart = now;
    let fault = F_OK;
    if (!a.prewarm && (this.timeoutRate > 0 || this.errorRate > 0)) {
      const u = this.faultRng();
      if (u < this.timeoutRate) fault = F_HANG;
      else if (u < this.timeoutRate + this.errorRate) fault = F_ERROR;
    }
    a.fault = fault;
    // The per-invocation overhead is counted as work that takes `overhead` ms when the execution runs alone.
    const overheadWork = this.overhead.sample() * this.rate(1);
    a.remaining = fault === F_HANG ? Infinity : a.workMs + overheadWork;
    a.deadline = now + this.timeoutMs;
    this.advance(env, now);
    env.running.push(a);
    this.reschedule(env, now);
  }

  private advance(env: Env, now: number): void {
    const dt = now - env.lastUpdate;
    env.lastUpdate = now;
    const running = env.running;
    if (dt <= 0 || running.length === 0) return;
    const done = dt * this.rate(running.length);
    for (let i = 0; i < running.length; i++) running[i].remaining -= done;
  }

  private reschedule(env: Env, now: number): void {
    env.tickGen++;
    const running = env.running;
    if (running.length === 0) return;
    const r = this.rate(running.length);
    let next = Infinity;
    for (let i = 0; i < running.length; i++) {
      const a = running[i];
      const t = a.remaining <= DONE_EPS ? now : now + a.remaining / r;
      const end = t < a.deadline ? t : a.deadline;
      if (end < next) next = end;
    }
    this.calendar.schedule(next < now ? now : next, this.target, K_TICK, key(env.id, env.tickGen));
  }

  private tick(env: Env, now: number): void {
    this.advance(env, now);
    const running = env.running;
    let w = 0;
    for (let i = 0; i < running.length; i++) {
      const a = running[i];
      if (a.remaining <= DONE_EPS) this.finish(env, a, now, a.fault === F_ERROR ? 'error' : 'ok');
      else if (a.deadline <= now) this.finish(env, a, now, 'timeout');
      else running[w++] = a;
    }
    running.length = w;
    this.reschedule(env, now);
    if (env.active === 0) this.becomeIdle(env, now);
  }

  private finish(env: Env, a: Attempt, now: number, outcome: AttemptOutcome): void {
    env.active--;
    this.inFlight--;
    if (!env.provisioned) {
      this.onDemandInFlight--;
      if (this.reserved === null) this.account.unreservedInUse--;
    }
    a.executionMs = outcome === 'timeout' ? this.timeoutMs : now - a.execStart;
    let back = a.rttHalf;
    if (outcome === 'ok' && !a.prewarm) {
      if (a.responseBytes > this.maxResponseBytes) outcome = 'error';
      else back += a.responseBytes / this.bytesPerMs;
    }
    a.outcome = outcome;
    const bill = attemptBill(this.model.billing, {
      durationMs: a.executionMs,
      initMs: this.billInit ? a.initMs : 0,
      memoryMb: this.memoryMb,
      provisioned: env.provisioned,
    });
    a.billedMs = bill.billedMs;
    a.costUsd = bill.totalUsd;
    const s = this.s;
    s.billedMs += bill.billedMs;
    s.gbSeconds += (bill.billedMs / 1000) * (this.billedMemoryMb / 1024);
    s.requestsUsd += bill.requestUsd;
    s.durationUsd += bill.durationUsd;
    if (a.prewarm) {
      this.release(a);
      return;
    }
    if (outcome === 'ok') s.ok++;
    else if (outcome === 'error') s.errors++;
    else s.timeouts++;
    this.calendar.schedule(now + back, this.target, K_RESPOND, a.id);
  }

  private becomeIdle(env: Env, now: number): void {
    if (env.retiring) {
      this.destroy(env);
      return;
    }
    env.lastUsed = now;
    if (env.provisioned) {
      this.idleProvisioned.push(env);
      return;
    }
    env.expiresAt = now + this.keepAlive.sample() * 1000;
    if (this.perEnv === 1) this.pushIdle(env);
    // A pending expiry that comes earlier will reschedule itself; only an earlier one is scheduled anew.
    if (env.expiryEventAt > env.expiresAt) this.scheduleExpiry(env);
  }

  private scheduleExpiry(env: Env): void {
    env.expiryEventAt = env.expiresAt;
    this.calendar.schedule(env.expiresAt, this.target, K_EXPIRE, key(env.id, env.idleGen));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Attempts

  private allocAttempt(): Attempt {
    const id = this.freeAttempts.pop();
    let a: Attempt;
    if (id === undefined) {
      a = new Attempt(this.attempts.length);
      this.attempts.push(a);
    } else {
      a = this.attempts[id];
    }
    a.free = false;
    a.prewarm = false;
    a.env = null;
    a.coldStart = false;
    a.initMs = 0;
    a.executionMs = 0;
    a.billedMs = 0;
    a.costUsd = 0;
    a.rejected = false;
    a.envSerial = -1;
    a.onProvisioned = false;
    a.outcome = 'ok';
    a.done = null;
    a.payloadBytes = 0;
    a.responseBytes = 0;
    a.workMs = 0;
    return a;
  }

  private release(a: Attempt): void {
    a.free = true;
    a.done = null;
    a.env = null;
    this.freeAttempts.push(a.id);
  }

  private respond(a: Attempt, now: number): void {
    const done = a.done!;
    const result: AttemptResult = {
      outcome: a.outcome,
      coldStart: a.coldStart,
      startMs: a.t0,
      endMs: now,
      billedMs: a.billedMs,
      costUsd: a.costUsd,
      environment: a.envSerial,
      initMs: a.initMs,
      executionMs: a.executionMs,
      provisioned: a.onProvisioned,
      rejected: a.rejected,
    };
    this.release(a);
    done(result);
  }
}
