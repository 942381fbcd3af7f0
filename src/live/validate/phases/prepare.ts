/**
 * Phase 1, prepare: check the options, load the scenario and the policy, translate the scenario into the job config
 * (failing early, before anything starts, for a scenario of another shape), and write the simulated copies
 * (DIR/simulated-scenario.json with the job's router hop and cluster; DIR/published-scenario.json with --target local).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadScenario, scenarioPolicyParams } from '../../../experiment/runner.js';
import type { Scenario } from '../../../scenario/scenario.js';
import type { ParamValue, Policy, PolicyFactory } from '../../../policy/contract.js';
import { createPolicy, loadPolicyFactory } from '../../../policy/registry.js';
import { loadPlatformModel } from '../../../serverless/model-file.js';
import type { FlinkJobConfig, FlinkRunSummary, WorkMode } from '../../flink-job.js';
import { LiveController, type CostModel, type MappedVertex } from '../controller.js';
import { mirrorJobShape, scenarioToJobConfig, type JobConfigOptions, type JobConfigTranslation, type TokenizerShape } from '../job-config.js';
import { checkOptions, cpuPinning, defaultWorkMode, localEndpointModelPath } from '../options.js';
import { azureLocalModelPath, realAzureFunction, resolvePlatform, type OffloadPlatform } from '../azure.js';
import type { ValidateOptions } from '../types.js';
import { loadScaled, type Adjust } from './copies.js';
import { claimOutputDir } from '../../../util/output.js';
import { awsPreflight } from './preflight.js';
import type { IgnoredParallelism } from '../ignored-parallelism.js';

/** Everything the later phases need to know, decided before anything starts. */
export interface Prepared {
  o: ValidateOptions;
  log: (line: string) => void;
  target: 'local' | 'aws' | 'azure';
  platform: OffloadPlatform;
  flink: string;
  remote: boolean;
  workMode: WorkMode;
  scenarioPath: string;
  scenario: Scenario;
  adjust: Adjust;
  tracePath?: string;
  factory: PolicyFactory;
  params: Record<string, ParamValue>;
  policy: Policy;
  dir: string;
  realDir: string;
  jobOut: string;
  shape: TokenizerShape;
  /** The translation without the run's URLs (for the cost model and the notes). */
  translation: JobConfigTranslation;
  /** --target local: the local endpoint's model the simulated copy runs instead of the scenario's; else null. */
  simModel: string | null;
  vertices: MappedVertex[];
  point: { id: string; vertex: string } | null;
  cost: CostModel | null;
  memoryMb: number;
  simScenarioPath: string;
  publishedScenarioPath: string | null;
  pin: { flink: string; functions: string } | null;
  /** --target aws: the region the preflight resolved (the job uses it too); else null. */
  awsRegion: string | null;
  /** What cannot be carried over and what was chosen; every phase may add to it. */
  notes: string[];
  /** Set by the real run: the policy's parallelism requests the live job ignored (ignored-parallelism.ts). */
  ignoredParallelism?: IgnoredParallelism;
  /** A scenario-built job (graph-validate.ts): its job config, REST metrics and offload vertex; absent: the tokenizer job. */
  jobConfig?: (scenario: Scenario, opts: JobConfigOptions) => { config: FlinkJobConfig; durationS: number };
  wanted?: { operator: string; names: string[] }[];
  offloadOperators?: { routed: string; client: string };
  /** Adds what the job wrote beside summary.json to the summary (a benchmark shape's source-side counts). */
  jobSummaryExtra?: (jobOut: string, summary: FlinkRunSummary) => void;
}

/** The scenario validate simulates (the input one plus the router hop, job-config.ts mirrorJobShape), in DIR. */
const SIMULATED_SCENARIO = 'simulated-scenario.json';
/** The same with the scenario's own platform model (published figures) where --target local replaced it. */
const PUBLISHED_SCENARIO = 'published-scenario.json';

export async function prepare(o: ValidateOptions): Promise<Prepared> {
  checkOptions(o);
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const target = o.target ?? 'local';
  const platform = resolvePlatform(o.platform, target);
  if (target === 'azure') realAzureFunction(o.functionUrl); // URL and key set, before anything starts
  const flink = o.flink ?? 'local';
  const remote = flink !== 'local';
  const workMode = o.workMode ?? defaultWorkMode(target, flink);
  const scenarioPath = resolve(o.scenario);
  const adjust: Adjust = { rateScale: o.rateScale, faults: o.faults, seed: o.seed, drainS: o.drainS };
  const scenario = loadScaled(scenarioPath, { ...adjust, faults: undefined });
  const tracePath = o.tracePath ? resolve(o.tracePath) : undefined;
  const factory = await loadPolicyFactory(o.policy ?? scenario.policy?.name ?? 'backpressure');
  const params = scenarioPolicyParams(scenario, factory, o.params);
  const dir = resolve(o.out ?? `out/validate/${scenario.name}-${factory.name}`);
  const realDir = join(dir, 'real');
  const jobOut = join(realDir, 'flink');
  const translation = scenarioToJobConfig(scenario, { durationS: o.durationS, tracePath, controlUrl: null, outputDir: jobOut, endpointUrl: null, workMode });
  const shape = translation.shape;
  const awsRegion = await awsPreflight(o, shape, log);
  const simModel = shape.offload && target === 'local' ? resolve(o.localModel ?? (platform === 'azure' ? azureLocalModelPath(workMode) : localEndpointModelPath(workMode, o.runtime))) : null;
  const copies = writeCopies({ scenarioPath, shape, remote, simModel, dir, jobOut });
  const vertices = mappedVertices(shape, copies.routerId);
  const point = shape.offload ? { id: shape.offload.id, vertex: shape.tokenizer.id } : null;
  const policy = createPolicy(factory, params, LiveController.context(vertices, point, scenario.controller.interval_ms));
  const p: Prepared = {
    ...{ o, log, target, platform, flink, remote, workMode, scenarioPath, scenario, adjust, tracePath, factory, params, policy, dir, realDir, jobOut },
    ...{ shape, translation, simModel, awsRegion, vertices, point, ...costModel(shape, translation), ...copies },
    pin: o.pinCpus === false || remote || target !== 'local' ? null : cpuPinning(),
    notes: [...translation.notes],
  };
  addNotes(p);
  return p;
}

/** The simulated scenario's job vertices (simulator task ids) with the role each plays in the real job. */
function mappedVertices(shape: TokenizerShape, routerId: string): MappedVertex[] {
  // tokenizerShape() guarantees three unchained tasks and the mirrored router hop is unchained (rebalance), so the
  // task ids are the vertex ids, in the mirrored scenario's order.
  return [
    { id: shape.source.id, role: 'source', parallelism: shape.source.parallelism },
    { id: routerId, role: 'router', parallelism: shape.source.parallelism },
    { id: shape.tokenizer.id, role: 'tokenizer', parallelism: shape.tokenizer.parallelism },
    { id: shape.sink.id, role: 'sink', parallelism: shape.sink.parallelism },
  ];
}

/** The estimate of the real run's cost: the offload point's model's prices and memory. */
export function costModel(shape: TokenizerShape, t: JobConfigTranslation): { cost: CostModel | null; memoryMb: number } {
  if (!shape.offload) return { cost: null, memoryMb: 1024 };
  const model = loadPlatformModel(shape.offload.platform);
  const memoryMb = shape.offload.memory_mb ?? model.memory.default_mb;
  // Azure bills the memory an execution used (memory_basis observed), not the instance's 1.5 GB.
  const billedMb = model.billing.memory_basis === 'observed' && model.billing.observed_mb ? model.billing.observed_mb : memoryMb;
  const cost: CostModel = {
    perRequestUsd: model.billing.per_request_usd,
    perGbSUsd: model.billing.per_gb_s_usd,
    memoryMb: billedMb,
    workUsPerRecord: t.config.offload?.work_us_per_record ?? 0,
    billInit: model.billing.bill_init,
  };
  return { cost, memoryMb };
}

export function cleanOut(dir: string): void {
  // Only a folder Spillway wrote (or a new or empty one) is cleaned: checked, created and marked first.
  claimOutputDir(dir, '--out', { defaultPath: true });
  for (const f of ['real', 'simulated', 'published', 'calibrated', 'calibration', 'charts', 'compare.json', 'comparison.json', 'report.html', SIMULATED_SCENARIO, PUBLISHED_SCENARIO]) {
    rmSync(join(dir, f), { recursive: true, force: true });
  }
}

/**
 * DIR/simulated-scenario.json: the input scenario with the job's router hop and, for the local MiniCluster (one
 * TaskManager), local channels; with --target local the function is the local endpoint's model (one host, process
 * starts, loopback), and DIR/published-scenario.json keeps the scenario's own model, the uncalibrated default.
 */
function writeCopies(c: { scenarioPath: string; shape: TokenizerShape; remote: boolean; simModel: string | null; dir: string; jobOut: string }): {
  routerId: string;
  simScenarioPath: string;
  publishedScenarioPath: string | null;
} {
  const raw = JSON.parse(readFileSync(c.scenarioPath, 'utf8')) as Record<string, unknown>;
  const mirrored = mirrorJobShape(raw, c.shape, dirname(c.scenarioPath), c.remote ? undefined : 1);
  const published = c.simModel ? structuredClone(mirrored.scenario) : null;
  if (c.simModel) {
    loadPlatformModel(c.simModel);
    for (const off of (mirrored.scenario as { offload?: { platform: string }[] }).offload ?? []) off.platform = c.simModel;
  }
  cleanOut(c.dir);
  mkdirSync(c.jobOut, { recursive: true });
  const simScenarioPath = join(c.dir, SIMULATED_SCENARIO);
  writeFileSync(simScenarioPath, JSON.stringify(mirrored.scenario, null, 2) + '\n');
  loadScenario(simScenarioPath); // the mirrored copy must be a valid scenario
  const publishedScenarioPath = published ? join(c.dir, PUBLISHED_SCENARIO) : null;
  if (publishedScenarioPath) writeFileSync(publishedScenarioPath, JSON.stringify(published, null, 2) + '\n');
  return { routerId: mirrored.routerId, simScenarioPath, publishedScenarioPath };
}

function addNotes(p: Prepared): void {
  if (p.simModel) p.notes.push(`simulated with the platform model ${p.simModel} (the local endpoint on this host) instead of the scenario's ${p.shape.offload!.platform}`);
  if (p.simModel) p.notes.push(`function runtime: ${p.o.runtime ?? 'node'} handler on the local endpoint${p.o.runtime === 'java' ? ' (a JVM per execution environment)' : ''}`);
  if (p.pin) p.notes.push(`CPU pinning: the MiniCluster on CPU ${p.pin.flink}, the endpoint's function processes on CPU ${p.pin.functions} (taskset)`);
  const f = p.o.faults ?? {};
  if (f.errorRate) p.notes.push(`faults: error_rate ${f.errorRate} is simulated too (the offload point's error_rate)`);
  if (f.throttleRate) p.notes.push('faults: throttle_rate has no simulator counterpart (the simulator throttles only at its concurrency and scaling limits)');
  if (f.addedLatencyMs) p.notes.push('faults: added_latency_ms has no simulator counterpart');
  if (f.crashAfter != null) p.notes.push('faults: crash_after has no simulator counterpart (the simulated function stays up)');
}
