/**
 * The simulator function: the handler `spillway lambda bundle --simulator` bundles (esbuild, one ESM file).
 * A request carries a content-addressed set of input files and a few runs; the handler writes the set to /tmp
 * once per hash, runs each run with the same runner code as a local sweep, and returns one outcome per run
 * (a run's own failure is an outcome, not a function error). A response larger than the request allows inline
 * goes to S3 and only its location is returned.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTrace } from '../../../workload/parse.js';
import { loadScenario, runScenario } from '../../runner.js';
import { errorOutcome, type RunFn } from '../executor.js';
import { makeRunFn } from '../runner-adapter.js';
import type { RunOutcome } from '../types.js';
import { s3Key, s3ObjectStore, type ObjectStore } from './object-store.js';
import { REQUEST_FORMAT, fromRemote, safeRelative, unpackFile, type InputSet, type SweepRequest, type SweepResponse } from './payload.js';

/** Responses above this go to S3 when the request names a bucket (Lambda's limit is 6 MB). */
export const DEFAULT_INLINE_LIMIT = 5 * 1024 * 1024;

let runFn: RunFn | undefined;
let store: ObjectStore | undefined;

async function objectStore(): Promise<ObjectStore> {
  store ??= await s3ObjectStore({ endpoint: process.env.SPILLWAY_S3_ENDPOINT || undefined });
  return store;
}

/** Test hook: use this store instead of S3. */
export function useObjectStore(s: ObjectStore): void {
  store = s;
}

/** Write the input set under `base/<hash>/` unless a warm environment already did. Returns that directory. */
export async function materialise(inputs: InputSet, base = join(tmpdir(), 'spillway-inputs')): Promise<string> {
  if (!/^[0-9a-f]{16,64}$/.test(inputs.hash)) throw new Error(`input set hash ${JSON.stringify(inputs.hash)} is not a hex digest`);
  const dir = join(base, inputs.hash);
  if (existsSync(join(dir, '.complete'))) return dir;
  let files = inputs.files;
  if (!files && inputs.s3) files = JSON.parse((await (await objectStore()).get(inputs.s3)).toString('utf8')) as Record<string, string>;
  if (!files) throw new Error('request has neither input files nor their S3 location');
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  for (const [rel, content] of Object.entries(files)) {
    const path = join(staging, safeRelative(rel));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, unpackFile(content));
  }
  writeFileSync(join(staging, '.complete'), '');
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return dir;
}

function checkRequest(event: unknown): SweepRequest {
  const req = event as Partial<SweepRequest> | null;
  if (!req || req.format !== REQUEST_FORMAT || !Array.isArray(req.runs) || typeof req.inputs !== 'object' || req.inputs === null) {
    throw new Error(`not a ${REQUEST_FORMAT} request`);
  }
  return req as SweepRequest;
}

export async function handler(event: unknown): Promise<SweepResponse> {
  const started = performance.now();
  const req = checkRequest(event);
  const dir = await materialise(req.inputs);
  runFn ??= makeRunFn({ loadScenario, runScenario, loadTrace });
  const outcomes: RunOutcome[] = [];
  for (const remote of req.runs) {
    const run = fromRemote(remote, dir);
    try {
      outcomes.push({ id: run.id, ok: true, output: await runFn(run.scenarioPath, run.options) });
    } catch (err) {
      outcomes.push(errorOutcome(run.id, err));
    }
  }
  const response: SweepResponse = { format: REQUEST_FORMAT, outcomes, handlerMs: 0 };
  const body = Buffer.from(JSON.stringify(response));
  if (req.output && body.length > (req.output.inlineLimitBytes ?? DEFAULT_INLINE_LIMIT)) {
    const loc = { bucket: req.output.s3.bucket, key: s3Key(req.output.s3.prefix, `outputs/${req.inputs.hash}/${req.runs[0]?.id ?? 'none'}-${req.runs.length}.json`) };
    await (await objectStore()).put(loc, body);
    return { format: REQUEST_FORMAT, s3: loc, handlerMs: Math.ceil(performance.now() - started) };
  }
  response.handlerMs = Math.ceil(performance.now() - started);
  return response;
}
