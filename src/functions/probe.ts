/**
 * `spillway lambda probe`: measure cold and warm invocations of the deployed offload function, per batch size.
 * A cold start is forced the way one is on AWS: change an environment variable (UpdateFunctionConfiguration
 * retires the warm environments), wait until updated, invoke. Durations come from the REPORT line of the log
 * tail; client_ms is the round trip the SDK caller saw. Output: JSON lines, one per invocation (docs/LAMBDA.md),
 * the input of the calibration command.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/output.js';
import { makeLambdaClient, userErrorFromAws } from './client.js';
import { decodeLogResult, parseReport } from './report-line.js';

export interface ProbeOptions {
  functionName: string;
  endpoint?: string;
  region?: string;
  /** Shared-config profile for the region and the credentials (--profile). */
  profile?: string;
  /** Cold invocations per batch size. */
  cold?: number;
  /** Warm invocations per batch size. */
  warm?: number;
  /** Records per invocation; one series per value. */
  batchRecords?: number[];
  /** Emulated operator cost per record (the handler's work_us_per_record). */
  workUsPerRecord?: number;
  /** Write the samples here as JSON lines. */
  out?: string;
  log?: (line: string) => void;
  client?: LambdaClient;
}

/** One line of the probe file. Field names are the file format; keep them stable. */
export interface ProbeSample {
  kind: 'cold' | 'warm';
  /** Epoch ms when the invocation was sent. */
  t: number;
  function: string;
  memory_mb: number;
  batch_records: number;
  payload_bytes: number;
  /** Round trip seen by the caller (SDK send to response), ms. */
  client_ms: number;
  /** From the REPORT line: handler duration, billed duration, init duration (cold only, else null), ms. */
  duration_ms: number;
  billed_ms: number;
  init_ms: number | null;
}

const NONCE_VAR = 'SPILLWAY_PROBE_NONCE';
const WAIT = { maxWaitTime: 300, minDelay: 1, maxDelay: 5 };
const SAMPLE_LINE = 'the Quick brown fox, jumps over 13 lazy dogs; stream-processing bursts spill over';

export function probePayload(batchRecords: number, workUsPerRecord: number, t0: number): string {
  const records = Array.from({ length: batchRecords }, (_, i) => ({ seq: i, t: t0 + i, text: SAMPLE_LINE }));
  return JSON.stringify({ op: 'tokenize', work_us_per_record: workUsPerRecord, records });
}

export function validateProbeOptions(o: ProbeOptions): { cold: number; warm: number; batchRecords: number[]; work: number } {
  const cold = o.cold ?? 3;
  const warm = o.warm ?? 10;
  const count = (name: string, v: number): void => {
    if (!Number.isInteger(v) || v < 0) throw new UserError(`--${name} must be an integer >= 0, got ${v}`);
  };
  count('cold', cold);
  count('warm', warm);
  const batchRecords = o.batchRecords ?? [1, 100];
  if (batchRecords.length === 0) throw new UserError('--batch-records needs at least one value');
  for (const b of batchRecords) {
    if (!Number.isInteger(b) || b < 1 || b > 100_000) throw new UserError(`--batch-records values must be integers in [1, 100000], got ${b}`);
  }
  const work = o.workUsPerRecord ?? 0;
  if (!(work >= 0) || !Number.isFinite(work)) throw new UserError(`--work-us must be a number >= 0, got ${work}`);
  return { cold, warm, batchRecords, work };
}

export async function probeLambda(o: ProbeOptions): Promise<ProbeSample[]> {
  const v = validateProbeOptions(o);
  const log = o.log ?? (() => undefined);
  const client = o.client ?? makeLambdaClient({ endpoint: o.endpoint, region: o.region, profile: o.profile });
  const FunctionName = o.functionName;
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw userErrorFromAws(err, `lambda probe: ${what}`, o.endpoint, o.profile);
    }
  };
  const samples: ProbeSample[] = [];
  try {
    const cfg = await step('GetFunctionConfiguration', () => client.send(new GetFunctionConfigurationCommand({ FunctionName })));
    const memoryMb = cfg.MemorySize ?? 0;
    const originalVars = { ...(cfg.Environment?.Variables ?? {}) };
    let nonceSet = false;
    try {
      for (const batch of v.batchRecords) {
        for (let i = 0; i < v.cold; i++) {
          // New configuration → Lambda retires the warm environments → the next invocation is cold.
          await step('UpdateFunctionConfiguration', () =>
            client.send(new UpdateFunctionConfigurationCommand({ FunctionName, Environment: { Variables: { ...originalVars, [NONCE_VAR]: randomUUID() } } })),
          );
          nonceSet = true;
          await step('waiting for the configuration update', () => waitUntilFunctionUpdatedV2({ client, ...WAIT }, { FunctionName }));
          samples.push(await invokeOnce(client, step, FunctionName, memoryMb, batch, v.work, 'cold', log));
        }
        for (let i = 0; i < v.warm; i++) samples.push(await invokeOnce(client, step, FunctionName, memoryMb, batch, v.work, 'warm', log));
      }
    } finally {
      if (nonceSet) {
        // Leave the function configured as it was found.
        await step('restoring the environment variables', () =>
          client.send(new UpdateFunctionConfigurationCommand({ FunctionName, Environment: { Variables: originalVars } })),
        );
      }
    }
  } finally {
    if (!o.client) client.destroy();
  }
  if (o.out) {
    writeFileAtomic(o.out, samples.map((s) => JSON.stringify(s)).join('\n') + (samples.length ? '\n' : ''));
    log(`wrote ${samples.length} samples to ${o.out}`);
  }
  return samples;
}

async function invokeOnce(
  client: LambdaClient,
  step: <T>(what: string, fn: () => Promise<T>) => Promise<T>,
  FunctionName: string,
  memoryMb: number,
  batch: number,
  work: number,
  wanted: 'cold' | 'warm',
  log: (line: string) => void,
): Promise<ProbeSample> {
  const t = Date.now();
  const payload = probePayload(batch, work, t);
  const started = performance.now();
  const out = await step('Invoke', () => client.send(new InvokeCommand({ FunctionName, LogType: 'Tail', Payload: Buffer.from(payload, 'utf8') })));
  const clientMs = performance.now() - started;
  if (out.FunctionError) {
    const body = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    throw new UserError(`lambda probe: ${FunctionName} returned a function error (${out.FunctionError}): ${body.slice(0, 300)}`);
  }
  const report = parseReport(decodeLogResult(out.LogResult));
  if (!report) throw new UserError(`lambda probe: no REPORT line in the log tail of ${FunctionName} (was LogType Tail honoured?)`);
  // The kind is what happened, not what was asked for: only a REPORT with Init Duration is a cold start.
  const kind = report.initMs !== null ? 'cold' : 'warm';
  if (kind !== wanted) log(`note: asked for a ${wanted} invocation, got a ${kind} one (recorded as ${kind})`);
  return {
    kind,
    t,
    function: FunctionName,
    memory_mb: memoryMb,
    batch_records: batch,
    payload_bytes: Buffer.byteLength(payload, 'utf8'),
    client_ms: Math.round(clientMs * 1000) / 1000,
    duration_ms: report.durationMs,
    billed_ms: report.billedMs,
    init_ms: report.initMs,
  };
}
