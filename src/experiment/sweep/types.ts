/**
 * Types shared by the sweep modules: the sweep file as validated, the run specs it expands into, what a run
 * returns, the records kept in runs.jsonl and the aggregated rows of results.json.
 */
import type { Endings } from '../../metrics/endings.js';
import type { RunSummary } from '../../metrics/summary.js';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

/** One bound of a constraint on a metric's mean. */
export interface Bound {
  min?: number;
  max?: number;
}

/** What the ranking optimises; constraints are on the mean over seeds. */
export type Objective =
  | { minimize: string; subject_to?: Record<string, Bound> }
  | { maximize: string; subject_to?: Record<string, Bound> }
  | { weighted: Record<string, number>; subject_to?: Record<string, Bound> };

export interface PolicyGrid {
  name: string;
  /** Parameter name → the values to try. A parameter not named keeps the policy's default. */
  params: Record<string, ParamValue[]>;
}

/** A sweep file after validation, with paths made absolute. */
export interface SweepSpec {
  /** Absolute path of the sweep file. */
  file: string;
  /** Directory of the sweep file: relative paths in it (and shown in results) are relative to this. */
  dir: string;
  name: string;
  description?: string;
  /** Absolute path of the base scenario. */
  scenario: string;
  /** Traces to run (absolute); null = the scenario's own trace. */
  traces: string[] | null;
  seeds: number[];
  mode: 'grid' | 'random';
  /** Random mode: configurations sampled (without replacement) from the grid, and the sampler's seed. */
  samples?: number;
  sampleSeed: number;
  /** Replay length override, s (undefined = the scenario's). */
  durationS?: number;
  policies: PolicyGrid[];
  objective: Objective;
  /** Metrics aggregated into each row (the default six, then extras named in the file, then objective ones). */
  metrics: string[];
}

/** The options handed to the runner (structurally the runner's RunOptions). */
export interface SweepRunOptions {
  seed: number;
  durationS?: number;
  tracePath?: string;
  policy: string;
  params: Params;
}

/** One configuration: policy + params + trace; a row of the results table. */
export interface ConfigSpec {
  /** `r<N>`, N = 1-based position in expansion order. */
  rowId: string;
  /** Stable hash of policy, params and trace. */
  configId: string;
  policy: string;
  params: Params;
  /** Trace as shown in results: relative to the sweep file's directory. */
  trace: string;
  /** Absolute trace path to pass to the runner; undefined = the scenario's own trace. */
  tracePath?: string;
}

/** One simulation to run: a configuration and a seed. Plain data, so it crosses worker and process boundaries. */
export interface RunSpec {
  /** Stable hash of the configuration and the seed (`<configId>-s<seed>` would leak order; this does not). */
  id: string;
  configId: string;
  rowId: string;
  /** Absolute path of the base scenario. */
  scenarioPath: string;
  options: SweepRunOptions;
}

/** What a successful run hands back. */
export interface RunOutput {
  summary: RunSummary;
  /** Latency CDF as [percentile, latency_ms] pairs, when the runner provides one. */
  latencyCdf?: [number, number][];
  wallMs?: number;
}

export type RunOutcome =
  | { id: string; ok: true; output: RunOutput }
  | { id: string; ok: false; error: { name: string; message: string; stack?: string } };

/** One line of runs.jsonl. */
export interface RunRecord {
  id: string;
  config_id: string;
  policy: string;
  params: Params;
  trace: string;
  seed: number;
  /** The aggregatable metrics of this run (null where undefined, e.g. a latency with no results). */
  metrics: Record<string, number | null>;
  summary: RunSummary;
  latency_cdf?: [number, number][];
  wall_ms: number;
}

export interface MetricStat {
  mean: number | null;
  /** Half-width of the 95% confidence interval of the mean (Student t); null with fewer than 2 values. */
  ci95: number | null;
}

/** One row of results.json. */
export interface ResultRow {
  id: string;
  policy: string;
  params: Params;
  trace: string;
  n: number;
  metrics: Record<string, MetricStat>;
  /** How the row's runs ended (absent in rows built by hand): an undrained run never reads as "lost 0". */
  endings?: Endings;
  rank: number;
  pareto: boolean;
  feasible: boolean;
  score: number | null;
}

export interface SweepResults {
  sweep: string;
  objective: Objective;
  rows: ResultRow[];
}
