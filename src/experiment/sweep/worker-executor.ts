/**
 * Executor on node:worker_threads: N threads, each running one simulation at a time (runs are synchronous and
 * CPU-bound, so one per thread is right), fed from a shared queue, results streamed back as they finish.
 * A thread that dies takes only its current run with it (reported as failed); a replacement picks up the queue.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UserError } from '../../util/errors.js';
import { Channel, errorOutcome, type Executor } from './executor.js';
import type { FromWorker, ToWorker, WorkerData } from './worker.js';
import type { RunOutcome, RunSpec } from './types.js';

export interface WorkerExecutorOptions {
  /** Threads; at least 1. */
  workers: number;
  /** Compiled worker entry; default worker.js beside this module (present in dist/, not under vitest). */
  workerFile?: URL | string;
  /** Runner module specifier the workers import (default: the simulator's runner.js). */
  runnerModule?: string;
}

export const DEFAULT_WORKER_FILE = new URL('./worker.js', import.meta.url);

export class WorkerThreadExecutor implements Executor {
  readonly concurrency: number;
  private readonly workerFile: URL | string;
  private readonly data: WorkerData;
  private readonly live = new Set<Worker>();

  constructor(options: WorkerExecutorOptions) {
    this.concurrency = Math.max(1, Math.floor(options.workers));
    this.workerFile = options.workerFile ?? DEFAULT_WORKER_FILE;
    const path = typeof this.workerFile === 'string' ? this.workerFile : fileURLToPath(this.workerFile);
    if (!existsSync(path)) {
      throw new UserError(`worker entry not found: ${path}; worker threads run the compiled build (npm run build), or use --workers 0`);
    }
    this.data = {};
    if (options.runnerModule !== undefined) this.data.runnerModule = options.runnerModule;
  }

  async *execute(runs: readonly RunSpec[], signal?: AbortSignal): AsyncIterable<RunOutcome> {
    const out = new Channel<RunOutcome>();
    const queue = [...runs];
    let outstanding = runs.length;
    let stopped = false;
    const finishOne = (outcome: RunOutcome): void => {
      out.push(outcome);
      outstanding--;
      if (outstanding === 0) out.end();
    };

    const spawn = (): void => {
      const worker = new Worker(this.workerFile, { workerData: this.data });
      this.live.add(worker);
      let current: RunSpec | null = null;
      let lastError: unknown = null;
      const next = (): void => {
        const run = queue.shift();
        if (!run || stopped) {
          current = null;
          void worker.terminate();
          return;
        }
        current = run;
        const msg: ToWorker = { type: 'run', run };
        worker.postMessage(msg);
      };
      worker.on('message', (msg: FromWorker) => {
        if (msg.type !== 'result' || stopped) return;
        current = null;
        finishOne(msg.outcome);
        next();
      });
      worker.on('error', (err) => {
        lastError = err;
      });
      worker.on('exit', (code) => {
        this.live.delete(worker);
        if (stopped) return;
        if (current) {
          const run: RunSpec = current;
          current = null;
          finishOne(errorOutcome(run.id, lastError ?? new Error(`worker thread exited with code ${code} during the run`)));
          if (queue.length > 0) spawn();
        }
      });
      next();
    };

    const onAbort = (): void => {
      stopped = true;
      queue.length = 0;
      for (const w of this.live) void w.terminate();
      out.end();
    };
    if (signal?.aborted) return;
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (runs.length === 0) out.end();
      for (let i = 0; i < Math.min(this.concurrency, runs.length); i++) spawn();
      for await (const outcome of out) yield outcome;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stopped = true;
      await this.close();
    }
  }

  async close(): Promise<void> {
    const all = [...this.live];
    this.live.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }
}
