/**
 * One function app instance: one Functions host with its Node.js worker, here one OS process (the shared worker
 * protocol, lambda/local-runtime/node_bootstrap.mjs running azure_adapter.mjs). Unlike a Lambda environment it serves
 * many requests at once (up to the plan's per-instance concurrency), as the host does; its start is the cold start.
 */
import { performance } from 'node:perf_hooks';
import { startWorker, type WorkerHandle, type WorkerMessage } from '../worker-process.js';

export interface AzureHttpEvent {
  function: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The function's answer, or a function error (an exception, a timeout, the host dying), which becomes a 500. */
export type AzureOutcome =
  | { ok: true; status: number; headers: Record<string, string>; body: string; durationMs: number }
  | { ok: false; error: string; durationMs: number };

interface Pending {
  started: number;
  resolve: (o: AzureOutcome) => void;
  timer: NodeJS.Timeout;
}

export class AzureInstance {
  initMs = 0;
  dead = false;
  /** Requests placed on this instance and not answered yet: running or waiting for its start. */
  active = 0;
  idleTimer: NodeJS.Timeout | undefined;
  private worker!: WorkerHandle;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  private constructor(readonly index: number) {}

  /** Start the host process; resolves when the app has loaded and registered its functions, rejects otherwise. */
  static start(index: number, codeDir: string, opts: { env: Record<string, string>; cpus?: string; initTimeoutMs: number; log: (l: string) => void }): Promise<AzureInstance> {
    const inst = new AzureInstance(index);
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const initTimer = setTimeout(() => fail(`the instance did not start in ${opts.initTimeoutMs} ms`), opts.initTimeoutMs);
      let settled = false;
      const fail = (why: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(initTimer);
        inst.kill();
        reject(new Error(why));
      };
      inst.worker = startWorker(
        { runtime: 'node', codeDir, handler: 'index.handler', env: opts.env, cpus: opts.cpus },
        {
          onLog: (line) => opts.log(`[instance ${index}] ${line}`),
          onMessage: (msg) => {
            if (msg.type === 'ready' && !settled) {
              settled = true;
              clearTimeout(initTimer);
              inst.initMs = performance.now() - t0;
              resolve(inst);
            } else if (msg.type === 'init_error') fail(`the function app failed to load: ${String(msg.errorMessage)}`);
            else if (msg.type === 'result') inst.finish(msg);
          },
          onExit: (code, signal) => {
            inst.dead = true;
            fail(`the host process exited during start (${signal ?? code})`);
            inst.failAll(`the host process exited (${signal ?? code})`);
          },
        },
      );
    });
  }

  /** Forward one request; a request still running after timeoutMs fails and restarts the host, as Azure does. */
  invoke(requestId: string, event: AzureHttpEvent, timeoutMs: number): Promise<AzureOutcome> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.failAll(`Timeout value of ${timeoutMs} ms was exceeded by function ${event.function}`);
        this.kill();
      }, timeoutMs);
      this.pending.set(id, { started: performance.now(), resolve, timer });
      this.worker.send({ type: 'invoke', id, requestId, payload: JSON.stringify(event), functionName: event.function, functionVersion: '1', functionArn: '', memoryMb: 1536, timeoutMs });
    });
  }

  kill(): void {
    this.dead = true;
    this.worker?.kill();
  }

  private finish(msg: WorkerMessage): void {
    const p = this.pending.get(msg.id ?? -1);
    if (!p) return;
    this.pending.delete(msg.id ?? -1);
    clearTimeout(p.timer);
    const durationMs = performance.now() - p.started;
    if (!msg.ok) {
      p.resolve({ ok: false, error: `${String(msg.errorType)}: ${String(msg.errorMessage)}`, durationMs });
      return;
    }
    const wire = JSON.parse(msg.body ?? '{}') as { status?: number; headers?: Record<string, string>; body?: string };
    p.resolve({ ok: true, status: wire.status ?? 200, headers: wire.headers ?? {}, body: wire.body ?? '', durationMs });
  }

  private failAll(why: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, error: why, durationMs: performance.now() - p.started });
      this.pending.delete(id);
    }
  }
}
