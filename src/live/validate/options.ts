/**
 * validate's options: checking them (one line, exit 2), `--fault` parsing, and the defaults that depend on where the
 * job and the function run (work mode, CPU pinning, the local endpoint's model).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import { UserError } from '../../util/errors.js';
import type { OperatorLang, WorkMode } from '../flink-job.js';
import { repoRoot } from '../../functions/paths.js';
import type { FaultOptions, ValidateOptions } from './types.js';

/** Parses `--fault` values: comma-separated key=value with keys error_rate, throttle_rate, added_latency_ms, crash_after. */
export function parseFaultArgs(args: readonly string[]): FaultOptions {
  const f: FaultOptions = {};
  for (const arg of args) {
    for (const part of arg.split(',').map((s) => s.trim()).filter(Boolean)) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new UserError(`--fault: expected key=value, got "${part}"`);
      const k = part.slice(0, eq).trim();
      const v = Number(part.slice(eq + 1).trim());
      if (!Number.isFinite(v)) throw new UserError(`--fault: ${k}: "${part.slice(eq + 1)}" is not a number`);
      const rateOk = v >= 0 && v <= 1;
      switch (k) {
        case 'error_rate':
          if (!rateOk) throw new UserError(`--fault: error_rate must be in [0, 1], got ${v}`);
          f.errorRate = v;
          break;
        case 'throttle_rate':
          if (!rateOk) throw new UserError(`--fault: throttle_rate must be in [0, 1], got ${v}`);
          f.throttleRate = v;
          break;
        case 'added_latency_ms':
          if (!(v >= 0)) throw new UserError(`--fault: added_latency_ms must be >= 0, got ${v}`);
          f.addedLatencyMs = v;
          break;
        case 'crash_after':
          if (!(Number.isInteger(v) && v >= 0)) throw new UserError(`--fault: crash_after must be an integer >= 0, got ${v}`);
          f.crashAfter = v;
          break;
        default:
          throw new UserError(`--fault: unknown key "${k}" (known: error_rate, throttle_rate, added_latency_ms, crash_after)`);
      }
    }
  }
  return f;
}

/** Every option a user can get wrong, checked before anything starts. */
export function checkOptions(o: ValidateOptions): void {
  const flink = o.flink ?? 'local';
  if (flink !== 'local' && !/^https?:\/\//.test(flink)) throw new UserError(`--flink: expected "local" or a REST URL (http://host:8081), got "${flink}"`);
  if (o.target !== undefined && o.target !== 'local' && o.faults && Object.keys(o.faults).length > 0) {
    throw new UserError(`--fault injects faults into the local endpoint; it cannot be used with --target ${o.target}`);
  }
  if (o.durationS !== undefined && !(o.durationS > 0)) throw new UserError(`--duration: expected a positive number of seconds, got ${o.durationS}`);
  if (o.drainS !== undefined && !(Number.isFinite(o.drainS) && o.drainS > 0 && o.drainS <= 3600)) throw new UserError(`--drain: expected seconds in (0, 3600], got ${o.drainS}`);
  if (o.workMode !== undefined && o.workMode !== 'cpu' && o.workMode !== 'wait') throw new UserError(`--work-mode: expected cpu or wait, got "${String(o.workMode)}"`);
  if (o.rateScale !== undefined && !(o.rateScale > 0 && Number.isFinite(o.rateScale))) throw new UserError(`--rate-scale: expected a positive number, got ${o.rateScale}`);
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) throw new UserError(`--seed: expected an integer, got ${o.seed}`);
  checkRuntime(o);
  checkOperatorLang(o.operatorLang, flink);
}

export const VALIDATE_RUNTIMES = ['node', 'python', 'java'] as const;

/** --runtime picks the local endpoint's handler; on AWS the deployed function's runtime decides (lambda deploy --runtime). */
function checkRuntime(o: ValidateOptions): void {
  if (o.runtime === undefined) return;
  if (!VALIDATE_RUNTIMES.includes(o.runtime)) throw new UserError(`--runtime: expected node, python or java, got "${String(o.runtime)}"`);
  if (o.target === 'aws') throw new UserError('--runtime picks the local endpoint\'s handler; with --target aws the deployed function runs (spillway lambda deploy --runtime ...)');
}

/** `--operator-lang`: java or python; python runs on the local MiniCluster only and needs the PyFlink interpreter. */
function checkOperatorLang(lang: OperatorLang | undefined, flink: string): void {
  if (lang === undefined || lang === 'java') return;
  if (lang !== 'python') throw new UserError(`--operator-lang: expected java or python, got "${String(lang)}"`);
  if (flink !== 'local') throw new UserError('--operator-lang python runs on the local MiniCluster only (a remote cluster needs flink-python in its lib/ and Python on its TaskManagers; docs/PYFLINK.md)');
  pyflinkPython();
}

/**
 * The interpreter with apache-flink==2.3.0 for the Python tokenizer: $SPILLWAY_PYFLINK_PYTHON, else the venv that
 * `npm run setup:pyflink` makes (.venv-pyflink/ in the repository).
 */
export function pyflinkPython(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.SPILLWAY_PYFLINK_PYTHON;
  const python = set !== undefined && set !== '' ? set : join(repoRoot(), '.venv-pyflink', 'bin', 'python');
  if (!existsSync(python)) {
    throw new UserError(`--operator-lang python: no Python with PyFlink at ${python} (run npm run setup:pyflink, or set SPILLWAY_PYFLINK_PYTHON)`);
  }
  return python;
}

/**
 * The model of the local endpoint on this host, simulated for `--target local` (docs/VALIDATION.md): in cpu mode the
 * environments share one vCPU; in wait mode they hold batches on timers and do not slow each other down. A runtime
 * other than node takes its own file (models/local-endpoint[-wait]-<runtime>.json: its cold start and warm latency
 * differ) when there is one.
 */
export function localEndpointModelPath(mode: WorkMode = 'cpu', runtime: 'node' | 'python' | 'java' = 'node'): string {
  const base = mode === 'wait' ? 'local-endpoint-wait' : 'local-endpoint';
  const own = join(repoRoot(), 'models', `${base}-${runtime}.json`);
  return runtime !== 'node' && existsSync(own) ? own : join(repoRoot(), 'models', `${base}.json`);
}

/**
 * wait for a local MiniCluster with the local endpoint: on a shared host, spinning measures the host's CPU contention
 * more than the job (docs/VALIDATION.md, "Work modes"); cpu for AWS or a remote cluster, where the work has its own CPUs.
 */
export function defaultWorkMode(target: 'local' | 'aws' | 'azure', flink: string): WorkMode {
  return target === 'local' && flink === 'local' ? 'wait' : 'cpu';
}

/** taskset on PATH (util-linux), Linux, at least 2 CPUs: the MiniCluster on CPU 0, the function processes on CPU 1. */
export function cpuPinning(env: NodeJS.ProcessEnv = process.env): { flink: string; functions: string } | null {
  if (process.platform !== 'linux' || env.SPILLWAY_VALIDATE_PIN === '0' || availableParallelism() < 2) return null;
  const found = (env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, 'taskset')));
  return found ? { flink: '0', functions: '1' } : null;
}
