/**
 * The Lambda function the offload path calls (runtime nodejs20.x, handler `index.handler` once bundled).
 * It does the same work as the local Flink operator (see ops.ts) and reports which execution environment
 * served the batch, whether that was the environment's first (cold) invocation, and how long init took.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { holdFor, parseRequest, runOp } from './ops.js';

// Module scope runs once per execution environment: this is the environment's identity and init time.
// performance.now() counts from the process start, so this is "process start -> handler module ready".
const ENV_ID = randomUUID();
const INIT_MS = Math.round(performance.now() * 1000) / 1000;
let invocations = 0;

export interface EnvFields {
  env: string;
  cold: boolean;
  init_ms?: number;
  duration_ms: number;
}

export async function handler(event: unknown): Promise<Record<string, unknown> & EnvFields> {
  const started = performance.now();
  const cold = invocations === 0;
  invocations += 1;
  const req = parseRequest(event);
  await holdFor(req.wait_ms);
  const result = runOp(req);
  const env: EnvFields = { env: ENV_ID, cold, duration_ms: round3(performance.now() - started) };
  if (cold) env.init_ms = INIT_MS;
  return { ...result, ...env };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
