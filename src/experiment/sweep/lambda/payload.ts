/**
 * What travels between the Lambda executor and the simulator function. The sweep's input files (base scenario,
 * its trace and platform models, the sweep's traces, user policy modules) go in every request as a content-
 * addressed set: paths relative to their common directory, contents gzipped; the function writes a set to /tmp
 * once per hash and reuses it while warm. Runs name their files by those relative paths. Too large for a request,
 * the set goes to S3 once (same hash) and the request carries only its location.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { looksLikeModulePath } from '../../../policy/loader.js';
import { canonicalJson, sha256 } from '../ids.js';
import { readScenarioRefs } from '../inputs.js';
import type { RunOutcome, RunSpec, SweepRunOptions, SweepSpec } from '../types.js';

export const REQUEST_FORMAT = 'spillway-sweep-runs/1';

export interface S3Location {
  bucket: string;
  key: string;
}

/** The input files: relative path → base64 of the gzipped content; or where that map lies in S3. */
export interface InputSet {
  hash: string;
  files?: Record<string, string>;
  s3?: S3Location;
}

/** A run as the function sees it: every path relative to the input set's root. */
export interface RemoteRun {
  id: string;
  scenario: string;
  options: SweepRunOptions;
}

export interface SweepRequest {
  format: typeof REQUEST_FORMAT;
  inputs: InputSet;
  runs: RemoteRun[];
  /** Where to put a response too large to return (Lambda returns at most 6 MB). */
  output?: { s3: { bucket: string; prefix: string }; inlineLimitBytes?: number };
}

export interface SweepResponse {
  format: typeof REQUEST_FORMAT;
  /** The outcomes, one per run of the request; absent when they were written to `s3`. */
  outcomes?: RunOutcome[];
  s3?: S3Location;
  /** Time the handler spent, ms (a fallback for the bill when the log tail is unavailable). */
  handlerMs: number;
}

export interface PackedInputs {
  set: InputSet;
  /** Absolute directory the relative paths start from. */
  root: string;
  /** Size of the request's `files` map, bytes of JSON. */
  bytes: number;
}

function commonDir(paths: readonly string[]): string {
  let dir = dirname(paths[0]!);
  while (!paths.every((p) => p.startsWith(dir.endsWith(sep) ? dir : dir + sep))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

const toPosix = (p: string): string => p.split(sep).join('/');

/** Every file the runs read, absolute. */
export function inputFiles(spec: SweepSpec, runs: readonly RunSpec[]): string[] {
  const refs = readScenarioRefs(spec.scenario);
  const files = new Set<string>([spec.scenario, ...refs.platforms]);
  if (refs.trace) files.add(refs.trace);
  for (const t of spec.traces ?? []) files.add(t);
  for (const r of runs) if (looksLikeModulePath(r.options.policy)) files.add(r.options.policy);
  return [...files].sort();
}

export function packInputs(files: readonly string[]): PackedInputs {
  const root = commonDir(files);
  const map: Record<string, string> = {};
  const hashes: Record<string, string> = {};
  for (const f of files) {
    const rel = toPosix(relative(root, f));
    const content = readFileSync(f);
    hashes[rel] = sha256(content);
    map[rel] = gzipSync(content, { level: 9 }).toString('base64');
  }
  const hash = sha256(canonicalJson(hashes)).slice(0, 32);
  return { set: { hash, files: map }, root, bytes: Buffer.byteLength(JSON.stringify(map)) };
}

export function toRemote(run: RunSpec, root: string): RemoteRun {
  const rel = (p: string): string => toPosix(relative(root, p));
  const options: SweepRunOptions = { ...run.options, params: { ...run.options.params } };
  if (options.tracePath !== undefined) options.tracePath = rel(options.tracePath);
  if (looksLikeModulePath(options.policy)) options.policy = rel(options.policy);
  return { id: run.id, scenario: rel(run.scenarioPath), options };
}

/** A relative path from a request, refused if it could leave the input directory. */
export function safeRelative(p: string): string {
  const norm = posix.normalize(p);
  if (typeof p !== 'string' || p === '' || isAbsolute(p) || posix.isAbsolute(norm) || norm === '..' || norm.startsWith('../')) {
    throw new Error(`request names the path ${JSON.stringify(p)}, outside the input set`);
  }
  return norm;
}

/** The run with its paths under `dir`, where the input set was written. */
export function fromRemote(run: RemoteRun, dir: string): { id: string; scenarioPath: string; options: SweepRunOptions } {
  const abs = (p: string): string => join(dir, safeRelative(p));
  const options: SweepRunOptions = { ...run.options };
  if (options.tracePath !== undefined) options.tracePath = abs(options.tracePath);
  if (looksLikeModulePath(options.policy)) options.policy = abs(options.policy);
  return { id: run.id, scenarioPath: abs(run.scenario), options };
}

export function unpackFile(base64Gzip: string): Buffer {
  return gunzipSync(Buffer.from(base64Gzip, 'base64'));
}
