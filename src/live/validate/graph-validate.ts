/**
 * `spillway validate` on a scenario-built job (issue 16, item 1): any scenario that is not the tokenizer shape runs
 * as the job flink-validate builds from its graph (job-graph.ts; map, flatMap, filter, keyed windows, an offload
 * point on a window), and its simulated mirror is the same scenario (no router hop: the built job has none) on the
 * MiniCluster's one TaskManager. The policy loop is the same as for the tokenizer: the controller reads each
 * simulator task's REST vertex by scenario id (the built job names its operators by id) and the window's offload
 * metrics on the window's own vertex, and publishes decisions the window operator polls. A scenario the job cannot
 * build stops here with one line naming the field (a UserError), before anything starts.
 *
 * This module only prepares: the later phases (phases/real.ts ... report.ts) run unchanged on what it returns.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { loadScenario, scenarioPolicyParams } from '../../experiment/runner.js';
import { buildJobGraph } from '../../dataflow/graph.js';
import { createPolicy, loadPolicyFactory } from '../../policy/registry.js';
import { withScenarioPaths } from '../../scenario/paths.js';
import type { Scenario, VertexSpec } from '../../scenario/scenario.js';
import type { FlinkJobConfig, FlinkRunSummary } from '../flink-job.js';
import type { ParamValue, PolicyFactory } from '../../policy/contract.js';
import { loadPlatformModel } from '../../serverless/model-file.js';
import { UserError } from '../../util/errors.js';
import { LiveController, OFFLOAD_METRICS, ROUTER_METRICS, SOURCE_METRICS, TASK_METRICS, type MappedVertex } from './controller.js';
import { FLINK_TIMER_GAUGE_WINDOW_MS, JOB_ASYNC_CAPACITY, scenarioToGraphJobConfig, tokenizerShape, type JobConfigOptions, type TokenizerShape } from './job-config.js';
import { checkOptions, defaultWorkMode, localEndpointModelPath } from './options.js';
import { scenarioToShapeConfig, SHAPE_VERTICES } from './shape-config.js';
import { loadScaled, type Adjust } from './phases/copies.js';
import { cleanOut, costModel, type Prepared } from './phases/prepare.js';
import type { ValidateOptions } from './types.js';

/** True when the scenario is the tokenizer shape (the router job); anything else goes through the graph builder. */
export function isTokenizerScenario(scenario: Scenario): boolean {
  try {
    tokenizerShape(scenario);
    return true;
  } catch (err) {
    if (err instanceof UserError) return false;
    throw err;
  }
}

/** The simulator's tasks (chains) as mapped vertices: REST vertices found by the scenario ids of their operators. */
export function graphVertices(scenario: Scenario): MappedVertex[] {
  const kinds = new Map(scenario.vertices.map((v) => [v.id, v.kind]));
  return buildJobGraph(scenario).tasks.map((t) => {
    const ids = t.operators.map((o) => o.id);
    const kind = kinds.get(ids[0]);
    // Flink's REST names: a source "Source: <id>", a Sink V2 "<id>: Writer", an operator its id (chains: "a -> b")
    const operators = ids.flatMap((id) => (kinds.get(id) === 'source' ? [`Source: ${id}`] : kinds.get(id) === 'sink' ? [`${id}: Writer`, id] : [id]));
    const role: MappedVertex['role'] = kind === 'source' ? 'source' : kind === 'sink' ? 'sink' : 'operator';
    return { id: t.id, role, parallelism: t.parallelism, operators };
  });
}

/** The REST metrics the controller reads of a scenario-built job: task metrics per vertex, the window's offload. */
export function graphWantedMetrics(vertices: readonly MappedVertex[], offloadVertex: string | null): { operator: string; names: string[] }[] {
  const w: { operator: string; names: string[] }[] = vertices.flatMap((v) => (v.operators ?? []).map((operator) => ({ operator, names: [...TASK_METRICS, ...(v.role === "source" ? SOURCE_METRICS : [])] as string[] })));
  if (offloadVertex) w.push({ operator: offloadVertex, names: [...TASK_METRICS, ...ROUTER_METRICS, ...OFFLOAD_METRICS] });
  return w;
}

/**
 * The later phases know the job by a TokenizerShape (source, the offloaded or main vertex, sink, offload point): for a
 * built job the "tokenizer" is the vertex with the offload point, else the last vertex before the sink.
 */
function shapeOf(scenario: Scenario, dropOffload = false): TokenizerShape {
  const source = scenario.vertices.find((v) => v.kind === 'source')!;
  const sink = scenario.vertices.find((v) => v.kind === 'sink')!;
  const off = dropOffload ? null : (scenario.offload?.[0] ?? null);
  const middle: VertexSpec = off
    ? scenario.vertices.find((v) => v.id === off.vertex)!
    : (scenario.vertices.find((v) => scenario.edges.some((e) => e.from === v.id && e.to === sink.id)) ?? source);
  return { source, tokenizer: middle, sink, offload: off };
}

/**
 * DIR/simulated-scenario.json: the scenario as it is (the built job has the scenario's vertices and edges), its paths
 * absolute, Flink's TimerGauge window, the MiniCluster's one TaskManager, and with --target local the local
 * endpoint's model for the function; DIR/published-scenario.json keeps the scenario's own model.
 */
function writeGraphCopies(scenarioPath: string, dir: string, remote: boolean, simModel: string | null, dropOffload: boolean): { simScenarioPath: string; publishedScenarioPath: string | null } {
  const raw = JSON.parse(readFileSync(scenarioPath, 'utf8')) as Record<string, unknown> & { network?: Record<string, unknown>; offload?: Record<string, unknown>[] };
  const base = dirname(scenarioPath);
  const s = { ...raw, ...withScenarioPaths(raw, (p) => (isAbsolute(p) ? p : resolve(base, p))) } as typeof raw;
  if (!remote && s.network?.task_managers === undefined) s.network = { ...(s.network ?? {}), task_managers: 1 };
  s.controller = { ...((s.controller ?? {}) as Record<string, unknown>), timer_window_ms: FLINK_TIMER_GAUGE_WINDOW_MS };
  if (s.offload) s.offload = s.offload.map((o) => ({ ...o, async_capacity: o.async_capacity ?? JOB_ASYNC_CAPACITY }));
  if (dropOffload) delete s.offload;
  const published = simModel ? structuredClone(s) : null;
  if (simModel) s.offload = s.offload?.map((o) => ({ ...o, platform: simModel }));
  const simScenarioPath = join(dir, 'simulated-scenario.json');
  writeFileSync(simScenarioPath, JSON.stringify(s, null, 2) + '\n');
  loadScenario(simScenarioPath);
  const publishedScenarioPath = published ? join(dir, 'published-scenario.json') : null;
  if (publishedScenarioPath) writeFileSync(publishedScenarioPath, JSON.stringify(published, null, 2) + '\n');
  return { simScenarioPath, publishedScenarioPath };
}

/** The share of parses a source-offload shape sends to the function: fixed, the shape job takes no decisions. */
export const SHAPE_SOURCE_SHARE = 0.5;

/** The job config of a benchmark shape (shape-config.ts), for the phases' job-config hook. */
function shapeJobConfig(s: Scenario, opts: JobConfigOptions): { config: FlinkJobConfig; durationS: number } {
  const config = scenarioToShapeConfig(s, { outputDir: opts.outputDir, durationS: opts.durationS, restPort: opts.restPort, sourceShare: SHAPE_SOURCE_SHARE, endpointUrl: opts.endpointUrl });
  config.linger_ms = opts.lingerMs ?? 2000;
  config.max_drain_s = opts.maxDrainS ?? Math.min(s.drain_s, 600);
  return { config, durationS: config.duration_s };
}

/** The source-side point's counts, one file per parse_filter subtask (written as the subtasks close), into the summary. */
function addSourceOffloadParts(jobOut: string, s: FlinkRunSummary): void {
  if (!existsSync(jobOut)) return;
  const parts = readdirSync(jobOut).filter((f) => /^source_offload-\d+\.json$/.test(f));
  for (const f of parts) {
    // ysb/ParseFilterAsync: calls (invocations), offloaded and fallback_records (records), fallbacks (batches)
    const part = JSON.parse(readFileSync(join(jobOut, f), 'utf8')) as { calls?: number; offloaded?: number; fallbacks?: number; fallback_records?: number };
    s.offloaded = (s.offloaded ?? 0) + (part.offloaded ?? 0);
    s.fallbacks = (s.fallbacks ?? 0) + (part.fallback_records ?? 0);
    s.fallback_batches = (s.fallback_batches ?? 0) + (part.fallbacks ?? 0);
    s.invocations = (s.invocations ?? 0) + (part.calls ?? 0);
  }
}

/**
 * A benchmark shape's job runs its own operators and takes no decisions: a shape with offload at the source sends a
 * fixed share (SHAPE_SOURCE_SHARE), so both sides run the static policy at that share; any other offload point of
 * the scenario is left out of the simulated copy (the shape job does not offload there). Said in the notes.
 */
function shapePolicy(scenario: Scenario, notes: string[]): { policy?: string; params?: Record<string, ParamValue>; dropOffload: boolean } {
  const known = SHAPE_VERTICES[scenario.name];
  notes.push(`benchmark shape ${known.shape} (flink-validate shapes/): the job runs the shape's own operators and takes no decisions`);
  if (known.sourceOffload) {
    notes.push(`offload at the source: a fixed share ${SHAPE_SOURCE_SHARE} of the parses goes to the function on both sides (policy static)`);
    return { policy: 'static', params: { threshold: 0, share: SHAPE_SOURCE_SHARE }, dropOffload: false };
  }
  if (scenario.offload?.length) notes.push(`offload point "${scenario.offload[0].id}" left out of the simulated copy: the ${known.shape} job does not offload`);
  return { dropOffload: true };
}

/** What a built job cannot do that the tokenizer job can: refused before anything starts, one line each. */
function refuseOptions(o: ValidateOptions, scenario: Scenario): void {
  const why = (flag: string) => new UserError(`${flag}: ${scenario.file} is not the tokenizer shape; the scenario-built job does not support ${flag} yet`);
  if (o.calibrate) throw why('--calibrate');
  if (o.operatorLang === 'python') throw why('--operator-lang python');
  if ((o.target ?? 'local') !== 'local') throw why(`--target ${o.target}`);
  if (o.platform === 'azure') throw why('--platform azure');
}

/** The policy both sides run, and whether the simulated copy keeps the scenario's offload point. */
async function policyOf(o: ValidateOptions, scenario: Scenario, notes: string[]): Promise<{ factory: PolicyFactory; params: Record<string, ParamValue>; dropOffload: boolean }> {
  const sp = SHAPE_VERTICES[scenario.name] ? shapePolicy(scenario, notes) : { dropOffload: false };
  const factory = await loadPolicyFactory(sp.policy ?? o.policy ?? scenario.policy?.name ?? 'backpressure');
  return { factory, params: scenarioPolicyParams(scenario, factory, sp.params ?? o.params), dropOffload: sp.dropOffload };
}

/** Phase 1 for a scenario-built job or a benchmark shape: the same Prepared the tokenizer's prepare() gives. */
export async function prepareGraph(o: ValidateOptions): Promise<Prepared> {
  checkOptions(o);
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const flink = o.flink ?? 'local';
  const workMode = o.workMode ?? defaultWorkMode('local', flink);
  const scenarioPath = resolve(o.scenario);
  const adjust: Adjust = { rateScale: o.rateScale, faults: o.faults, seed: o.seed, drainS: o.drainS };
  const scenario = loadScaled(scenarioPath, { ...adjust, faults: undefined });
  refuseOptions(o, scenario);
  const shapeJob = SHAPE_VERTICES[scenario.name] !== undefined;
  const tracePath = o.tracePath ? resolve(o.tracePath) : undefined;
  if (shapeJob && tracePath) throw new UserError(`--trace: a benchmark shape's job replays its scenario's own trace (${scenario.file})`);
  const jobConfig = shapeJob ? shapeJobConfig : (s: Scenario, opts: JobConfigOptions) => scenarioToGraphJobConfig(s, opts);
  const dir = resolve(o.out ?? `out/validate/${scenario.name}-${o.policy ?? scenario.policy?.name ?? 'backpressure'}`);
  const jobOut = join(dir, 'real', 'flink');
  const built = jobConfig(scenario, { durationS: o.durationS, tracePath, controlUrl: null, outputDir: jobOut, endpointUrl: null, workMode }); // refuses what it cannot build
  const notes = graphNotes(scenario, workMode, shapeJob);
  const { factory, params, dropOffload } = await policyOf(o, scenario, notes);
  const shape = shapeOf(scenario, dropOffload);
  const simModel = shape.offload ? resolve(o.localModel ?? localEndpointModelPath(workMode, o.runtime)) : null;
  if (simModel) loadPlatformModel(simModel);
  cleanOut(dir);
  mkdirSync(jobOut, { recursive: true });
  const copies = writeGraphCopies(scenarioPath, dir, flink !== 'local', simModel, dropOffload);
  const vertices = graphVertices(loadScenario(copies.simScenarioPath));
  const point = shape.offload ? { id: shape.offload.id, vertex: shape.offload.vertex } : null;
  const policy = createPolicy(factory, params, LiveController.context(vertices, point, scenario.controller.interval_ms));
  const translation = { config: built.config, shape, durationS: built.durationS, serviceMeanMs: 0, selectivityMean: 1, notes };
  return {
    ...{ o, log, target: 'local' as const, platform: 'lambda' as const, flink, remote: flink !== 'local', workMode, scenarioPath, scenario, adjust, tracePath, factory, params, policy, dir },
    ...{ realDir: join(dir, 'real'), jobOut, shape, translation, simModel, awsRegion: null, vertices, point, ...costModel(shape, translation), ...copies },
    pin: null,
    notes: [...notes],
    jobConfig,
    wanted: graphWantedMetrics(vertices, point?.vertex ?? null),
    offloadOperators: point ? (shapeJob ? { routed: point.vertex, client: `${point.vertex}.invoke` } : { routed: point.vertex, client: point.vertex }) : undefined,
    ...(shapeJob ? { jobSummaryExtra: addSourceOffloadParts } : {}),
  };
}

function graphNotes(scenario: Scenario, workMode: string, shapeJob: boolean): string[] {
  const notes = [`${shapeJob ? 'benchmark shape' : 'scenario-built job (flink-validate graph/)'}: ${scenario.vertices.map((v) => `${v.id}:${v.kind}`).join(', ')}; vertices mapped by scenario id`];
  if (shapeJob) return [...notes, 'each vertex busy-spins its scenario mean (cpu work), whatever --work-mode says'];
  notes.push(`work mode ${workMode}: each vertex ${workMode === 'wait' ? "parks for draws from its service distribution" : 'busy-spins its mean service time'}`);
  if (scenario.offload?.length) notes.push(`offload point "${scenario.offload[0].id}" on window "${scenario.offload[0].vertex}": partial ${scenario.vertices.find((v) => v.id === scenario.offload![0].vertex)?.window?.aggregate === 'sum' ? 'sums' : 'counts'} merged into the window state (exact window results, checked by the job's digest)`);
  return notes;
}
