/**
 * Execution environments per function snapshot, and the concurrency accounting that decides 429s.
 * A request takes an idle warm environment if one exists (most recently used first), else starts a new one
 * (a cold start). Idle environments are killed after the keep-warm period. Concurrency = in-flight invocations,
 * capped per function by reserved concurrency and in total by the account limit.
 */
import { ExecutionEnvironment } from './environment.js';
import type { ThrottleReason } from './aws-errors.js';
import type { WorkerSpec } from './worker-process.js';

interface Pool {
  idle: ExecutionEnvironment[];
  all: Set<ExecutionEnvironment>;
  retired: boolean;
}

export interface PoolOptions {
  accountConcurrency: number;
  keepWarmMs: number;
  initTimeoutMs: number;
  /** CPU list every environment's process is pinned to (taskset -c), e.g. "1"; undefined: not pinned. */
  cpus?: string;
  onEnvironmentCountChange?: (live: number) => void;
}

export class EnvironmentManager {
  private readonly pools = new Map<string, Pool>();
  private readonly idleTimers = new Map<ExecutionEnvironment, NodeJS.Timeout>();
  private readonly inflightByFunction = new Map<string, number>();
  private inflight = 0;
  private stopped = false;
  retiredCount = 0;

  constructor(private readonly opts: PoolOptions) {}

  get concurrency(): number {
    return this.inflight;
  }

  get liveEnvironments(): number {
    let n = 0;
    for (const p of this.pools.values()) n += p.all.size;
    return n;
  }

  /** Claim one unit of concurrency for `fnName`, or say why not (the 429 reason). */
  tryReserve(fnName: string, reserved: number | undefined): ThrottleReason | undefined {
    const mine = this.inflightByFunction.get(fnName) ?? 0;
    if (reserved !== undefined && mine >= reserved) return 'ReservedFunctionConcurrentInvocationLimitExceeded';
    if (this.inflight >= this.opts.accountConcurrency) return 'ConcurrentInvocationLimitExceeded';
    this.inflightByFunction.set(fnName, mine + 1);
    this.inflight += 1;
    return undefined;
  }

  unreserve(fnName: string): void {
    this.inflightByFunction.set(fnName, Math.max(0, (this.inflightByFunction.get(fnName) ?? 0) - 1));
    this.inflight = Math.max(0, this.inflight - 1);
  }

  /** A warm environment of this snapshot, or a newly started one. Rejects with InitError if init fails. */
  async acquire(poolKey: string, spec: WorkerSpec): Promise<{ env: ExecutionEnvironment; cold: boolean }> {
    const pool = this.pool(poolKey);
    for (let env = pool.idle.pop(); env; env = pool.idle.pop()) {
      this.clearIdleTimer(env);
      if (!env.dead) return { env, cold: false };
      pool.all.delete(env);
    }
    const env = await ExecutionEnvironment.start(this.opts.cpus ? { ...spec, cpus: this.opts.cpus } : spec, this.opts.initTimeoutMs, (dead) => this.forget(poolKey, dead));
    // If the pool was retired while this one started, it serves this invocation and is killed on release.
    pool.all.add(env);
    this.changed();
    return { env, cold: true };
  }

  /** Return an environment after its invocation: keep it warm for keepWarmMs, unless it died or was retired. */
  release(poolKey: string, env: ExecutionEnvironment): void {
    const pool = this.pools.get(poolKey);
    if (!pool || pool.retired || this.stopped || env.dead) {
      env.kill();
      pool?.all.delete(env);
      this.changed();
      return;
    }
    pool.idle.push(env);
    const timer = setTimeout(() => {
      this.idleTimers.delete(env);
      const i = pool.idle.indexOf(env);
      if (i >= 0) pool.idle.splice(i, 1);
      pool.all.delete(env);
      env.kill();
      this.changed();
    }, this.opts.keepWarmMs);
    timer.unref();
    this.idleTimers.set(env, timer);
  }

  /** Kill the warm environments of every pool whose key starts with `prefix` (after an update, as Lambda does). */
  retire(prefix: string): void {
    for (const [key, pool] of this.pools) {
      if (!key.startsWith(prefix)) continue;
      pool.retired = true;
      for (const env of pool.idle) {
        this.clearIdleTimer(env);
        env.kill();
        pool.all.delete(env);
        this.retiredCount += 1;
      }
      pool.idle = [];
      this.pools.delete(key);
    }
    this.changed();
  }

  stopAll(): void {
    this.stopped = true;
    for (const pool of this.pools.values()) for (const env of pool.all) env.kill();
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
    this.pools.clear();
  }

  private pool(key: string): Pool {
    let p = this.pools.get(key);
    if (!p) {
      p = { idle: [], all: new Set(), retired: false };
      this.pools.set(key, p);
    }
    return p;
  }

  private forget(poolKey: string, env: ExecutionEnvironment): void {
    const pool = this.pools.get(poolKey);
    if (!pool) return;
    this.clearIdleTimer(env);
    const i = pool.idle.indexOf(env);
    if (i >= 0) pool.idle.splice(i, 1);
    if (pool.all.delete(env)) this.changed();
  }

  private clearIdleTimer(env: ExecutionEnvironment): void {
    const t = this.idleTimers.get(env);
    if (t) clearTimeout(t);
    this.idleTimers.delete(env);
  }

  private changed(): void {
    this.opts.onEnvironmentCountChange?.(this.liveEnvironments);
  }
}
