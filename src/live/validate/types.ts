/**
 * The options, outcome and result types of `spillway validate` (docs/VALIDATION.md), shared by its phases:
 * prepare → run real → simulate the copies → calibrate → compare → report (src/live/validate/phases/).
 */
import type { RunSummary } from '../../metrics/summary.js';
import type { ParamValue } from '../../policy/contract.js';
import type { OperatorLang, WorkMode } from '../flink-job.js';
import type { ComparisonRow } from './compare.js';
import type { Judgement, Tolerance, Verdict } from './tolerances.js';

export interface FaultOptions {
  errorRate?: number;
  throttleRate?: number;
  addedLatencyMs?: number;
  crashAfter?: number | null;
}

export interface ValidateOptions {
  scenario: string;
  /** Built-in policy name or a .js/.mjs module path (default: the scenario's policy). */
  policy?: string;
  params?: Record<string, ParamValue>;
  /** local: the local endpoint; aws: AWS Lambda; azure: a real Azure function app (--platform azure). */
  target?: 'local' | 'aws' | 'azure';
  /** lambda (default) or azure: which protocol the job's invoker speaks (src/live/validate/azure.ts). */
  platform?: 'lambda' | 'azure';
  /** --target azure: the function URL (default: SPILLWAY_AZURE_FUNCTION_URL). */
  functionUrl?: string;
  /** 'local' (MiniCluster child process) or the REST URL of a remote cluster. */
  flink?: string;
  durationS?: number;
  tracePath?: string;
  /** Multiplies the scenario's trace rates (workload.rate_scale), for the real job and the simulator alike. */
  rateScale?: number;
  out?: string;
  faults?: FaultOptions;
  calibrate?: boolean;
  functionName?: string;
  /** The handler the local endpoint runs (default node): node, python or java (a JVM per environment). */
  runtime?: 'node' | 'python' | 'java';
  region?: string;
  /** --profile: shared-config profile for the region and credentials (--target aws). */
  profile?: string;
  /** A Lambda-API endpoint standing in for AWS in the --target aws preflight (tests only). */
  awsEndpoint?: string;
  /** JVM options for the MiniCluster (default -Xmx1g). */
  jvmArgs?: string[];
  /**
   * Pin the MiniCluster to CPU 0 and the local endpoint's environments to CPU 1 (taskset), as models/local-endpoint.json
   * assumes. Default: when both run here, on Linux with taskset and at least 2 CPUs, unless SPILLWAY_VALIDATE_PIN=0.
   */
  pinCpus?: boolean;
  /** Platform model the simulator uses for `--target local` (default models/local-endpoint.json, -wait.json in wait mode). */
  localModel?: string;
  /** Seconds the job may drain after the trace before it is stopped (default min(scenario drain_s, 600)). */
  drainS?: number;
  /** Replaces the scenario's seed on both sides (the job's text and service draws, the simulator's streams). */
  seed?: number;
  /** How the job and the function spend service time (default: wait for a local MiniCluster + local endpoint, else cpu). */
  workMode?: WorkMode;
  /** The tokenizer's language: java (default) or python (a PyFlink UDTF; docs/PYFLINK.md). */
  operatorLang?: OperatorLang;
  /** Tolerances the comparison is judged by (default DEFAULT_TOLERANCES, the goals). */
  tolerances?: readonly Tolerance[];
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

export interface CalibrationOutcome {
  status: 'done' | 'unavailable' | 'failed';
  message: string;
  files?: { model: string; scenario: string | null; report: string | null };
  service_mean_ms?: { before: number | null; after: number | null };
  changes?: { field: string; before: unknown; after: unknown }[];
  warnings?: string[];
}

export interface ValidateResult {
  dir: string;
  real: RunSummary;
  simulated: RunSummary;
  /** --target local: the simulator on the scenario's own (published-figures) platform model; else null. */
  published: RunSummary | null;
  calibrated: RunSummary | null;
  rows: ComparisonRow[];
  table: string;
  /** Real run: lost = duplicated = 0 and the job's own check passed. */
  zeroLoss: boolean;
  /** Simulated run kept the zero-loss invariant. */
  simulatedOk: boolean;
  notes: string[];
  calibration: CalibrationOutcome | null;
  workMode: WorkMode;
  /** PASS/FAIL per judged metric (floored errors against the tolerances), the overall verdict and its sentence. */
  judgements: Judgement[];
  verdict: Verdict;
  verdictSentence: string;
  /** Mean |error| / tolerance over the judged metrics. */
  headline: number | null;
}

