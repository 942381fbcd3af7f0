/**
 * The offload function as an Azure Functions HTTP trigger (Node.js v4 programming model; registered in index.ts).
 * It does the same work as the Lambda handler (lambda/node/src/ops.ts, the shared vectors) and reports the same
 * environment fields: which instance served the batch, whether it was that instance's first request (cold), and
 * how long the instance took to load this module. Kept free of runtime imports from @azure/functions so the
 * simulator's tests and the local endpoint can load it without the package; index.ts binds it to `app.http`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { holdFor, parseRequest, runOp } from '../../node/src/ops.js';

/** The parts of @azure/functions' HttpRequest and InvocationContext the handler uses. */
export interface OffloadRequest {
  json(): Promise<unknown>;
}
export interface OffloadContext {
  invocationId: string;
  error(...args: unknown[]): void;
}
/** An HttpResponseInit of @azure/functions. */
export interface OffloadResponse {
  status: number;
  jsonBody: Record<string, unknown>;
}

// Module scope runs once per Functions host instance (one Node.js worker process per instance by default).
const INSTANCE_ID = randomUUID();
const INIT_MS = Math.round(performance.now() * 1000) / 1000;
let requests = 0;

/**
 * 200 with the op's result and the environment fields; 400 with `{error}` for a payload the ops reject (the caller's
 * bug: retrying cannot help). Anything thrown past here is a function error, which the host answers with 500.
 */
export async function offload(request: OffloadRequest, context: OffloadContext): Promise<OffloadResponse> {
  const started = performance.now();
  const cold = requests === 0;
  requests += 1;
  let op;
  try {
    op = parseRequest(await request.json());
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    context.error(`invocation ${context.invocationId}: ${message}`);
    return { status: 400, jsonBody: { error: message } };
  }
  await holdFor(op.wait_ms);
  const result = runOp(op);
  const env: Record<string, unknown> = { env: INSTANCE_ID, cold, duration_ms: round3(performance.now() - started) };
  if (cold) env.init_ms = INIT_MS;
  return { status: 200, jsonBody: { ...result, ...env } };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
