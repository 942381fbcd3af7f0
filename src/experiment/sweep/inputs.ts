/**
 * The files a sweep's results depend on: the base scenario, the files it names (trace, platform models) and the
 * sweep's own traces. Their content hashes go into the sweep manifest, so resuming into an --out directory whose
 * recorded runs were made from different inputs is refused instead of silently mixing results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { UserError } from '../../util/errors.js';
import { canonicalJson, sha256 } from './ids.js';
import type { SweepSpec } from './types.js';

export interface ScenarioRefs {
  /** The scenario file as written (no defaults applied). */
  raw: Record<string, unknown>;
  /** Absolute path of the scenario's trace, when it names one. */
  trace: string | null;
  /** Absolute paths of the platform model files its offload points name. */
  platforms: string[];
}

/** Path relative to `fromDir`, with forward slashes (stable across platforms, shown in results). */
export function relPath(fromDir: string, absPath: string): string {
  const r = relative(fromDir, absPath);
  return (r === '' ? '.' : r).split(sep).join('/');
}

export function readScenarioRefs(scenarioPath: string, label = scenarioPath): ScenarioRefs {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(scenarioPath, 'utf8'));
  } catch (err) {
    throw new UserError(`${label}: cannot read the base scenario: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UserError(`${label}: the base scenario must be a JSON object`);
  const obj = raw as Record<string, unknown>;
  const dir = dirname(scenarioPath);
  const workload = obj.workload as { trace?: unknown } | undefined;
  const trace = workload && typeof workload.trace === 'string' ? resolve(dir, workload.trace) : null;
  const platforms: string[] = [];
  if (Array.isArray(obj.offload)) {
    for (const o of obj.offload as { platform?: unknown }[]) {
      if (o && typeof o.platform === 'string') {
        const p = resolve(dir, o.platform);
        if (!platforms.includes(p)) platforms.push(p);
      }
    }
  }
  return { raw: obj, trace, platforms };
}

/**
 * The base scenario's hash covers what changes a run: its canonical JSON without `policy` (the sweep sets the
 * policy) and `description`, so reformatting it or switching its default policy keeps a sweep resumable.
 */
function scenarioHash(raw: Record<string, unknown>): string {
  const { policy, description, ...rest } = raw;
  void policy;
  void description;
  return sha256(canonicalJson(rest));
}

function fileHash(path: string): string {
  return existsSync(path) ? sha256(readFileSync(path)) : 'missing';
}

/** Content hashes of every input file, keyed by path relative to the sweep file's directory. */
export function inputHashes(spec: SweepSpec): Record<string, string> {
  const refs = readScenarioRefs(spec.scenario);
  const files = new Set<string>([spec.scenario, ...refs.platforms]);
  if (spec.traces) for (const t of spec.traces) files.add(t);
  else if (refs.trace) files.add(refs.trace);
  const out: Record<string, string> = {};
  for (const f of [...files].sort()) out[relPath(spec.dir, f)] = f === spec.scenario ? scenarioHash(refs.raw) : fileHash(f);
  return out;
}
