/**
 * The seam between the sweep logic and where runs execute. The sweep hands an Executor its run specs (plain
 * JSON data) and consumes outcomes as they stream back, in any order; it never knows whether they ran in this
 * thread, in worker threads, or (later) on other machines. A new backend implements `Executor` and nothing else.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RunOutcome, RunOutput, RunSpec, SweepRunOptions } from './types.js';

export interface Executor {
  /** Runs worked on at once (used for the progress estimate). */
  readonly concurrency: number;
  /**
   * Execute every spec once and yield one outcome per spec as each finishes, in completion order.
   * When `signal` aborts, stop starting runs, abandon those under way, and end the iteration without error.
   * A failing run yields an outcome with ok: false; it does not end the iteration.
   */
  execute(runs: readonly RunSpec[], signal?: AbortSignal): AsyncIterable<RunOutcome>;
  /** A few lines on what the executor used (e.g. its bill), printed after the sweep; optional. */
  report?(): string;
  /** Release whatever the executor holds (threads, connections). Idempotent. */
  close(): Promise<void>;
}

/** Runs one simulation: the base scenario file, with the run's seed, policy, params, trace and duration. */
export type RunFn = (scenarioPath: string, options: SweepRunOptions) => RunOutput | Promise<RunOutput>;

export function errorOutcome(id: string, err: unknown): RunOutcome {
  const e = err instanceof Error ? err : new Error(String(err));
  const error: { name: string; message: string; stack?: string } = { name: e.name, message: e.message };
  if (e.stack !== undefined) error.stack = e.stack;
  return { id, ok: false, error };
}

/** Runs specs one after another in this thread. For tests, debugging and `--workers 0`. */
export class InProcessExecutor implements Executor {
  readonly concurrency = 1;

  constructor(private readonly runFn: RunFn) {}

  async *execute(runs: readonly RunSpec[], signal?: AbortSignal): AsyncIterable<RunOutcome> {
    for (const run of runs) {
      // Let signal handlers and timers in between runs (a run itself is synchronous).
      await yieldToEventLoop();
      if (signal?.aborted) return;
      let outcome: RunOutcome;
      try {
        const started = performance.now();
        const output = await this.runFn(run.scenarioPath, run.options);
        outcome = { id: run.id, ok: true, output: { ...output, wallMs: output.wallMs ?? performance.now() - started } };
      } catch (err) {
        outcome = errorOutcome(run.id, err);
      }
      yield outcome;
    }
  }

  async close(): Promise<void> {}
}

/** A minimal unbounded async queue: producers push, one consumer iterates until end(). */
export class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private ended = false;

  push(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: item, done: false });
    } else this.items.push(item);
  }

  end(): void {
    this.ended = true;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: undefined as never, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
        if (this.ended) return Promise.resolve({ value: undefined as never, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
    };
  }
}
