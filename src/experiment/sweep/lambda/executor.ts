/**
 * Executor that fans runs out to the simulator function on AWS Lambda (or the local endpoint speaking its API):
 * runs in groups of `groupSize`, at most `concurrency` invocations in flight, through @aws-sdk/client-lambda in
 * standard retry mode (throttles and 5xx retried by the SDK with backoff). What the SDK gives up on, and function
 * errors (a crashed or timed-out environment, an injected fault), are retried here a few times more; a group that
 * still fails yields failed outcomes (the next sweep invocation retries them). Each run yields exactly one outcome,
 * only once its whole group's response checked out, so nothing is lost and nothing recorded twice.
 */
import { GetFunctionConfigurationCommand, InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { userErrorFromAws } from '../../../functions/client.js';
import { UserError } from '../../../util/errors.js';
import { Channel, errorOutcome, type Executor } from '../executor.js';
import type { RunOutcome, RunSpec } from '../types.js';
import type { LambdaBill } from './bill.js';
import { s3Key, s3UserError, type ObjectStore } from './object-store.js';
import { REQUEST_FORMAT, packInputs, toRemote, type InputSet, type PackedInputs, type SweepRequest, type SweepResponse } from './payload.js';

export interface LambdaExecutorOptions {
  client: LambdaClient;
  functionName: string;
  qualifier?: string;
  concurrency: number;
  /** Runs per invocation (default 1). */
  groupSize?: number;
  /** The files the runs read (absolute), shipped as a content-addressed set. */
  inputFiles: (runs: readonly RunSpec[]) => string[];
  /** Attempts per group beyond the SDK's own retries, for function errors and exhausted throttles (default 6). */
  attempts?: number;
  /** Pricing of what ran. */
  bill?: LambdaBill;
  /**
   * S3 for inputs too large for a request and outputs too large for a response; with its bucket and prefix, and
   * optionally the size above which both go there (default: inputs over 4 MB packed, responses over 5 MB).
   */
  s3?: { store: ObjectStore; bucket: string; prefix: string; aboveBytes?: number };
  /** Endpoint shown in messages (local endpoint URL, or undefined for AWS). */
  endpoint?: string;
  /** Delay before executor-level retry n (default: exponential with full jitter, 0.2 s doubling to 10 s). */
  backoffMs?: (attempt: number) => number;
}

/** Input sets above this travel through S3 (a request may hold 6 MB). */
export const INLINE_INPUTS_LIMIT = 4 * 1024 * 1024;

/** Errors no retry will fix: the whole sweep stops with a one-line message. */
const FATAL = new Set(['ResourceNotFoundException', 'AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException',
  'ExpiredTokenException', 'CredentialsProviderError', 'RequestTooLargeException', 'InvalidRequestContentException']);
const FATAL_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH']);

export class LambdaExecutor implements Executor {
  readonly concurrency: number;
  private readonly groupSize: number;
  private readonly attempts: number;
  /** Counters for the report line. */
  readonly stats = { invocations: 0, sdkRetries: 0, functionErrors: 0, failedCalls: 0 };

  constructor(private readonly o: LambdaExecutorOptions) {
    this.concurrency = Math.max(1, Math.floor(o.concurrency));
    this.groupSize = Math.max(1, Math.floor(o.groupSize ?? 1));
    this.attempts = Math.max(1, o.attempts ?? 6);
  }

  /** The function's configured memory, MB; fails (one line) when it does not exist or cannot be reached. */
  async memoryMb(): Promise<number> {
    try {
      const c = await this.o.client.send(new GetFunctionConfigurationCommand({ FunctionName: this.o.functionName, Qualifier: this.o.qualifier }));
      return c.MemorySize ?? 128;
    } catch (err) {
      throw userErrorFromAws(err, `sweep --executor lambda: function ${this.o.functionName}`, this.o.endpoint);
    }
  }

  async *execute(runs: readonly RunSpec[], signal?: AbortSignal): AsyncIterable<RunOutcome> {
    if (runs.length === 0 || signal?.aborted) return;
    const packed = packInputs(this.o.inputFiles(runs));
    const inputs = await this.placeInputs(packed);
    const groups: RunSpec[][] = [];
    for (let i = 0; i < runs.length; i += this.groupSize) groups.push(runs.slice(i, i + this.groupSize));
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const out = new Channel<RunOutcome>();
    let fatal: unknown = null;
    const lane = async (): Promise<void> => {
      for (let g = groups.shift(); g && !stop.signal.aborted; g = groups.shift()) {
        const outcomes = await this.runGroup(g, packed, inputs, stop.signal);
        if (outcomes) for (const o of outcomes) out.push(o);
      }
    };
    const lanes = Array.from({ length: Math.min(this.concurrency, groups.length) }, () =>
      lane().catch((err: unknown) => {
        fatal ??= err;
        stop.abort();
      }),
    );
    void Promise.all(lanes).then(() => out.end());
    stop.signal.addEventListener('abort', () => out.end(), { once: true });
    try {
      for await (const outcome of out) yield outcome;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
    if (fatal) throw fatal;
  }

  /** The input set itself, or (too large for a request) its S3 location, uploaded once per content hash. */
  private async placeInputs(packed: PackedInputs): Promise<InputSet> {
    const s3 = this.o.s3;
    const limit = s3?.aboveBytes ?? INLINE_INPUTS_LIMIT;
    if (packed.bytes <= limit) return packed.set;
    if (!s3) throw new UserError(`sweep --executor lambda: the sweep's input files are ${packed.bytes} bytes packed, over ${limit}: pass --s3 s3://bucket/prefix`);
    const loc = { bucket: s3.bucket, key: s3Key(s3.prefix, `inputs/${packed.set.hash}.json`) };
    try {
      if (!(await s3.store.exists(loc))) await s3.store.put(loc, Buffer.from(JSON.stringify(packed.set.files)));
    } catch (err) {
      throw s3UserError(err, `sweep --executor lambda: --s3 s3://${loc.bucket}/${loc.key}`);
    }
    return { hash: packed.set.hash, s3: loc };
  }

  private request(group: readonly RunSpec[], packed: PackedInputs, inputs: InputSet): Buffer {
    const req: SweepRequest = { format: REQUEST_FORMAT, inputs, runs: group.map((r) => toRemote(r, packed.root)) };
    const s3 = this.o.s3;
    if (s3) req.output = { s3: { bucket: s3.bucket, prefix: s3.prefix }, ...(s3.aboveBytes !== undefined ? { inlineLimitBytes: s3.aboveBytes } : {}) };
    return Buffer.from(JSON.stringify(req));
  }

  /** One group to its outcomes (null when stopped); throws only what no retry can fix. */
  private async runGroup(group: readonly RunSpec[], packed: PackedInputs, inputs: InputSet, signal: AbortSignal): Promise<RunOutcome[] | null> {
    const payload = this.request(group, packed, inputs);
    let last = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1 && !(await this.pause(attempt - 1, signal))) return null;
      let res: InvokeCommandOutput;
      try {
        res = await this.o.client.send(
          new InvokeCommand({ FunctionName: this.o.functionName, Qualifier: this.o.qualifier, Payload: payload, LogType: 'Tail' }),
          { abortSignal: signal },
        );
      } catch (err) {
        if (signal.aborted) return null;
        const e = err as Error & { code?: string };
        if (FATAL.has(e.name) || FATAL_CODES.has(e.code ?? '')) throw userErrorFromAws(err, `sweep --executor lambda: invoking ${this.o.functionName}`, this.o.endpoint);
        this.stats.failedCalls++;
        last = `${e.name}: ${e.message}`;
        continue;
      }
      this.stats.invocations++;
      this.stats.sdkRetries += (res.$metadata.attempts ?? 1) - 1;
      const text = res.Payload ? Buffer.from(res.Payload).toString('utf8') : '';
      let body: SweepResponse | undefined;
      try {
        body = text ? (JSON.parse(text) as SweepResponse) : undefined;
      } catch {
        body = undefined;
      }
      this.o.bill?.add(res.LogResult, res.FunctionError ? undefined : body?.handlerMs);
      if (res.FunctionError) {
        this.stats.functionErrors++;
        const err = body as unknown as { errorType?: string; errorMessage?: string } | undefined;
        last = `function error (${res.FunctionError}): ${err?.errorType ?? '?'}: ${err?.errorMessage ?? text.slice(0, 200)}`;
        continue;
      }
      try {
        return await this.outcomesOf(body, group);
      } catch (err) {
        last = (err as Error).message;
      }
    }
    const message = `${this.o.functionName}: gave up after ${this.attempts} attempts: ${last}`;
    return group.map((r) => errorOutcome(r.id, new Error(message)));
  }

  /** The response's outcomes (fetched from S3 if it put them there), exactly one per run of the group. */
  private async outcomesOf(body: SweepResponse | undefined, group: readonly RunSpec[]): Promise<RunOutcome[]> {
    if (!body || body.format !== REQUEST_FORMAT) throw new Error('the function did not answer with a sweep response (is it the simulator function?)');
    let outcomes = body.outcomes;
    if (!outcomes && body.s3) {
      if (!this.o.s3) throw new Error(`the response is in S3 (s3://${body.s3.bucket}/${body.s3.key}) but no --s3 store was set up`);
      outcomes = (JSON.parse((await this.o.s3.store.get(body.s3)).toString('utf8')) as SweepResponse).outcomes;
    }
    const ids = group.map((r) => r.id).sort();
    const got = (outcomes ?? []).map((o) => o.id).sort();
    if (ids.length !== got.length || ids.some((id, i) => id !== got[i])) throw new Error('the response does not hold exactly one outcome per run sent');
    return outcomes!;
  }

  /** Wait before a retry; false when stopped meanwhile. */
  private async pause(retry: number, signal: AbortSignal): Promise<boolean> {
    const ms = this.o.backoffMs ? this.o.backoffMs(retry) : Math.random() * Math.min(10_000, 200 * 2 ** retry);
    try {
      await sleep(ms, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  }

  /** One line for after the sweep: invocations, retries, and the bill. */
  report(): string {
    const s = this.stats;
    const head = `lambda ${this.o.functionName}: ${s.invocations} invocations at concurrency ${this.concurrency} (groups of ${this.groupSize}), ` +
      `${s.sdkRetries} retried by the SDK, ${s.functionErrors} function errors and ${s.failedCalls} failed calls retried here`;
    return this.o.bill ? `${head}\n${this.o.bill.line()}` : head;
  }

  async close(): Promise<void> {
    this.o.client.destroy();
  }
}
