/**
 * POST /2015-03-31/functions/{name}/invocations: the Invoke API as the SDKs see it.
 * RequestResponse → 200 with the function's result (function errors: 200 + X-Amz-Function-Error: Unhandled);
 * Event → 202 and the invocation runs in the background; DryRun → 204. Throttles → 429 TooManyRequestsException.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { apiErrors } from './aws-errors.js';
import { poolKey, type ServerContext } from './context.js';
import { InitError, type InvokeOutcome } from './environment.js';
import { ensureJavaBootstrap } from '../functions/java-build.js';
import { workerRuntimeOf, type FunctionSnapshot, type LambdaFunction } from './functions.js';
import { BodyTooLarge, INVOKE_PAYLOAD_LIMIT, readBody, sendEmpty, sendJson } from './http-util.js';
import { billedMs, invocationLog, logTail } from './report-log.js';

const INVOCATION_TYPES = new Set(['RequestResponse', 'Event', 'DryRun']);

interface RunResult {
  outcome: InvokeOutcome;
  cold: boolean;
  initMs: number | undefined;
  log: string;
}

export async function handleInvoke(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  rawName: string,
  qualifier: string | undefined,
): Promise<void> {
  ctx.stats.requests += 1;
  const crashAfter = ctx.faults.current.crashAfter;
  if (crashAfter !== null && ctx.stats.invocations >= crashAfter) {
    ctx.log(`crash-after ${crashAfter}: dropping every connection and stopping`);
    ctx.crash();
    return;
  }
  let body: Buffer;
  try {
    body = await readBody(req, INVOKE_PAYLOAD_LIMIT);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw apiErrors.requestTooLarge(INVOKE_PAYLOAD_LIMIT);
    throw err;
  }
  const { fn, snapshot } = ctx.registry.resolve(rawName, qualifier);
  const type = headerValue(req, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (!INVOCATION_TYPES.has(type)) throw apiErrors.invalidParameter(`Unsupported invocation type ${type}`);
  const payload = body.length === 0 ? '{}' : body.toString('utf8');
  try {
    JSON.parse(payload);
  } catch (err) {
    throw apiErrors.invalidRequestContent(`Could not parse request body into json: ${(err as Error).message}`);
  }
  const versionHeader = { 'X-Amz-Executed-Version': snapshot.version };
  if (type === 'DryRun') {
    sendEmpty(res, requestId, 204, versionHeader);
    return;
  }
  if (ctx.faults.rollThrottle()) {
    ctx.stats.throttles += 1;
    throw apiErrors.tooManyRequests('ReservedFunctionConcurrentInvocationLimitExceeded');
  }
  if (type === 'Event') {
    // Lambda queues async events and retries throttles itself; the caller only learns the event was accepted.
    sendEmpty(res, requestId, 202, versionHeader);
    const job = runWhenCapacity(ctx, fn, snapshot, requestId, payload).catch((err: unknown) => ctx.log(`event ${requestId} failed: ${String(err)}`));
    ctx.background.add(job);
    void job.finally(() => ctx.background.delete(job));
    return;
  }
  const reason = ctx.environments.tryReserve(fn.name, fn.reservedConcurrency);
  if (reason) {
    ctx.stats.throttles += 1;
    throw apiErrors.tooManyRequests(reason);
  }
  const result = await runReserved(ctx, fn, snapshot, requestId, payload);
  const added = ctx.faults.current.addedLatencyMs;
  if (added > 0) await sleep(added);
  const headers: Record<string, string> = { ...versionHeader };
  if ((headerValue(req, 'x-amz-log-type') ?? 'None') === 'Tail') headers['X-Amz-Log-Result'] = logTail(result.log);
  if (result.outcome.ok) {
    const data = Buffer.from(result.outcome.body, 'utf8');
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(data.length), 'x-amzn-RequestId': requestId, ...headers });
    res.end(data);
  } else {
    sendJson(res, requestId, 200, result.outcome.error, { ...headers, 'X-Amz-Function-Error': 'Unhandled' });
  }
}

/** Run one admitted invocation (concurrency already reserved) and release everything afterwards. */
async function runReserved(ctx: ServerContext, fn: LambdaFunction, snap: FunctionSnapshot, requestId: string, payload: string): Promise<RunResult> {
  ctx.stats.invocations += 1;
  ctx.stats.concurrency = ctx.environments.concurrency;
  ctx.stats.maxConcurrency = Math.max(ctx.stats.maxConcurrency, ctx.environments.concurrency);
  const key = poolKey(fn, snap);
  const c = snap.config;
  try {
    let acquired;
    const runtime = workerRuntimeOf(c.runtime);
    if (runtime === 'java') await ensureJavaBootstrap(); // a no-op once the jar exists
    try {
      acquired = await ctx.environments.acquire(key, {
        runtime,
        codeDir: snap.code.dir,
        handler: c.handler,
        env: lambdaEnvironment(ctx, fn, snap),
      });
    } catch (err) {
      if (!(err instanceof InitError)) throw err;
      ctx.stats.coldStarts += 1;
      ctx.stats.functionErrors += 1;
      const outcome: InvokeOutcome = { ok: false, error: err.error, durationMs: 0, maxRssBytes: 0, logs: err.logs, environmentLost: true };
      return finish(ctx, snap, requestId, outcome, true, err.initMs);
    }
    const { env, cold } = acquired;
    if (cold) ctx.stats.coldStarts += 1;
    else ctx.stats.warmStarts += 1;
    const initMs = cold ? env.initMs : undefined;
    let outcome: InvokeOutcome;
    try {
      if (ctx.faults.rollError()) {
        outcome = {
          ok: false,
          error: { errorType: 'Spillway.InjectedFault', errorMessage: 'function error injected by the local endpoint', trace: [] },
          durationMs: 0,
          maxRssBytes: 0,
          logs: [],
          environmentLost: false,
        };
      } else {
        outcome = await env.invoke({
          requestId,
          payload,
          functionName: fn.name,
          functionVersion: snap.version,
          functionArn: ctx.registry.arn(fn.name, snap.version === '$LATEST' ? undefined : snap.version),
          memoryMb: c.memoryMb,
          timeoutMs: c.timeoutS * 1000,
        });
      }
    } finally {
      ctx.environments.release(key, env);
    }
    if (!outcome.ok) ctx.stats.functionErrors += 1;
    return finish(ctx, snap, requestId, outcome, cold, initMs);
  } finally {
    ctx.environments.unreserve(fn.name);
    ctx.stats.concurrency = ctx.environments.concurrency;
    ctx.stats.environments = ctx.environments.liveEnvironments;
  }
}

function finish(ctx: ServerContext, snap: FunctionSnapshot, requestId: string, outcome: InvokeOutcome, cold: boolean, initMs: number | undefined): RunResult {
  const report = {
    requestId,
    version: snap.version,
    durationMs: outcome.durationMs,
    billedMs: billedMs(outcome.durationMs, initMs, ctx.billInit),
    memoryMb: snap.config.memoryMb,
    maxMemoryUsedMb: Math.max(1, Math.ceil(outcome.maxRssBytes / (1024 * 1024))),
    ...(initMs !== undefined ? { initMs } : {}),
  };
  return { outcome, cold, initMs, log: invocationLog(report, outcome.logs) };
}

/** Event invocations wait for capacity instead of failing, like Lambda's internal event queue. */
async function runWhenCapacity(ctx: ServerContext, fn: LambdaFunction, snap: FunctionSnapshot, requestId: string, payload: string): Promise<void> {
  for (;;) {
    if (ctx.stopped()) return;
    const reason = ctx.environments.tryReserve(fn.name, fn.reservedConcurrency);
    if (!reason) {
      await runReserved(ctx, fn, snap, requestId, payload);
      return;
    }
    ctx.stats.throttles += 1;
    await sleep(100);
  }
}

/** The variables Lambda sets in every environment, plus the function's own. */
function lambdaEnvironment(ctx: ServerContext, fn: LambdaFunction, snap: FunctionSnapshot): Record<string, string> {
  return {
    AWS_REGION: ctx.registry.region,
    AWS_DEFAULT_REGION: ctx.registry.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: snap.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(snap.config.memoryMb),
    AWS_EXECUTION_ENV: `AWS_Lambda_${snap.config.runtime}`,
    LAMBDA_TASK_ROOT: snap.code.dir,
    SPILLWAY_LOCAL_LAMBDA: '1',
    ...snap.config.environment,
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

