/**
 * An execution environment: one runtime process that initialises once (the cold start) and then serves one
 * invocation at a time, as Lambda's environments do. Reports init time, handler duration, memory and logs.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { startWorker, type WorkerHandle, type WorkerMessage, type WorkerSpec } from './worker-process.js';

export interface InvokeRequest {
  requestId: string;
  payload: string;
  functionName: string;
  functionVersion: string;
  functionArn: string;
  memoryMb: number;
  timeoutMs: number;
}

export type InvokeOutcome =
  | { ok: true; body: string; durationMs: number; maxRssBytes: number; logs: string[] }
  | {
      ok: false;
      /** The error document Lambda returns as the payload (errorType, errorMessage, ...). */
      error: Record<string, unknown>;
      durationMs: number;
      maxRssBytes: number;
      logs: string[];
      /** The environment is gone (crash, exit, timeout) and must not be reused. */
      environmentLost: boolean;
    };

export class InitError extends Error {
  constructor(
    readonly error: Record<string, unknown>,
    readonly initMs: number,
    readonly logs: string[],
  ) {
    super(String(error.errorMessage ?? 'init failed'));
    this.name = 'InitError';
  }
}

interface Pending {
  id: number;
  requestId: string;
  started: number;
  resolve: (o: InvokeOutcome) => void;
  timer: NodeJS.Timeout;
}

export class ExecutionEnvironment {
  readonly id = randomUUID();
  initMs = 0;
  invocations = 0;
  dead = false;
  private worker!: WorkerHandle;
  private logs: string[] = [];
  private pending: Pending | undefined;
  private nextId = 1;
  private onDeath: ((env: ExecutionEnvironment) => void) | undefined;

  private constructor(readonly spec: WorkerSpec) {}

  /** Start the runtime process and resolve once the handler module is loaded (rejects with InitError). */
  static start(spec: WorkerSpec, initTimeoutMs: number, onDeath?: (env: ExecutionEnvironment) => void): Promise<ExecutionEnvironment> {
    const env = new ExecutionEnvironment(spec);
    env.onDeath = onDeath;
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(initTimer);
        fn();
      };
      const initTimer = setTimeout(() => {
        env.kill();
        settle(() =>
          reject(new InitError({ errorType: 'Runtime.InitTimeout', errorMessage: `init did not finish in ${initTimeoutMs} ms` }, initTimeoutMs, env.takeLogs())),
        );
      }, initTimeoutMs);
      env.worker = startWorker(spec, {
        onLog: (line) => {
          env.logs.push(line);
          if (env.logs.length > 500) env.logs.shift(); // bounded: only the tail is ever reported
        },
        onMessage: (msg) => {
          if (msg.type === 'ready') {
            env.initMs = performance.now() - t0;
            settle(() => resolve(env));
          } else if (msg.type === 'init_error') {
            const { type: _t, ...error } = msg;
            settle(() => reject(new InitError(error, performance.now() - t0, env.takeLogs())));
          } else if (msg.type === 'result') {
            env.finish(msg);
          }
        },
        onExit: (code, signal) => {
          env.dead = true;
          const how = signal ? `signal: ${signal}` : code === null ? 'the runtime process could not start' : `exit status ${code}`;
          settle(() =>
            reject(new InitError({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited during init (${how})` }, performance.now() - t0, env.takeLogs())),
          );
          env.lost(`Runtime exited with error: ${how}`, 'Runtime.ExitError');
          env.onDeath?.(env);
        },
      });
    });
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  invoke(req: InvokeRequest): Promise<InvokeOutcome> {
    if (this.dead) throw new Error('environment is dead');
    if (this.pending) throw new Error('environment is busy: it serves one invocation at a time');
    this.invocations += 1;
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // Lambda stops the environment when the function times out; the next invocation starts a new one.
        this.lost(`Task timed out after ${(req.timeoutMs / 1000).toFixed(2)} seconds`, 'Sandbox.Timedout');
        this.kill();
      }, req.timeoutMs);
      this.pending = { id, requestId: req.requestId, started: performance.now(), resolve, timer };
      this.worker.send({
        type: 'invoke',
        id,
        requestId: req.requestId,
        payload: req.payload,
        functionName: req.functionName,
        functionVersion: req.functionVersion,
        functionArn: req.functionArn,
        memoryMb: req.memoryMb,
        timeoutMs: req.timeoutMs,
      });
    });
  }

  kill(): void {
    this.dead = true;
    this.worker?.kill();
  }

  private takeLogs(): string[] {
    const l = this.logs;
    this.logs = [];
    return l;
  }

  private finish(msg: WorkerMessage): void {
    const p = this.pending;
    if (!p || msg.id !== p.id) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    const durationMs = performance.now() - p.started;
    const maxRssBytes = typeof msg.maxRssBytes === 'number' ? msg.maxRssBytes : 0;
    // Lines printed outside an invocation (during init) come through the pipes; the invocation's own lines
    // come with the result.
    const logs = [...this.takeLogs(), ...(Array.isArray(msg.logs) ? msg.logs.map(String) : [])];
    if (msg.ok) {
      p.resolve({ ok: true, body: msg.body ?? 'null', durationMs, maxRssBytes, logs });
    } else {
      const { type: _t, id: _i, ok: _o, maxRssBytes: _m, logs: _l, ...error } = msg;
      p.resolve({ ok: false, error, durationMs, maxRssBytes, logs, environmentLost: false });
    }
  }

  /** Fail the in-flight invocation because the environment is gone. */
  private lost(why: string, errorType: string): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    this.dead = true;
    p.resolve({
      ok: false,
      error: { errorType, errorMessage: `RequestId: ${p.requestId} Error: ${why}` },
      durationMs: performance.now() - p.started,
      maxRssBytes: 0,
      logs: this.takeLogs(),
      environmentLost: true,
    });
  }
}
