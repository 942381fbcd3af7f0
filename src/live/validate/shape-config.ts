/**
 * Scenario → flink-validate job config for the benchmark shapes (Nexmark q1, the q5-like hot-items window, YSB and
 * YSB with offload at the source): the job runs the shape's own operators (flink-validate's shapes package) and this
 * translation gives it, per scenario vertex id, the parallelism and the busy-spin work (the scenario's mean service
 * time, cpu work mode), the window size and the rate trace. A scenario whose vertices are not the shape's gets a
 * UserError naming the missing vertex.
 */
import { specMean } from '../../engine/distributions.js';
import type { Scenario } from '../../scenario/scenario.js';
import { UserError } from '../../util/errors.js';
import { loadTrace } from '../../workload/parse.js';
import type { FlinkJobConfig, FlinkShapeConfig } from '../flink-job.js';
import { tracePoints } from './job-config.js';

/** The vertex ids each shape's job has (the examples' ids), besides the source and the sink. */
export const SHAPE_VERTICES: Record<string, { shape: FlinkShapeConfig['name']; vertices: string[]; sourceOffload?: string }> = {
  'nexmark-q1': { shape: 'nexmark-q1', vertices: ['currency_map'] },
  'nexmark-q5-window': { shape: 'nexmark-q5', vertices: ['auction_window_count'] },
  ysb: { shape: 'ysb', vertices: ['filter_views', 'project', 'join_campaign', 'campaign_window_count'] },
  'ysb-source-offload': { shape: 'ysb', vertices: ['parse_filter', 'project', 'join_campaign', 'campaign_window_count'], sourceOffload: 'parse_filter' },
};

export interface ShapeConfigOptions {
  outputDir: string;
  durationS?: number;
  restPort?: number;
  /** Source-side share sent to the function (YSB with source offload); 0 = every parse local. */
  sourceShare?: number;
  endpointUrl?: string | null;
}

/** The job config of a shape scenario. */
export function scenarioToShapeConfig(scenario: Scenario, opts: ShapeConfigOptions): FlinkJobConfig {
  const known = SHAPE_VERTICES[scenario.name];
  if (!known) {
    throw new UserError(`${scenario.file}: name "${scenario.name}" is not one of the job's shapes (${Object.keys(SHAPE_VERTICES).join(', ')})`);
  }
  const byId = new Map(scenario.vertices.map((v) => [v.id, v]));
  const ids = ['source', ...known.vertices, 'sink'];
  for (const id of ids) {
    if (!byId.has(id)) throw new UserError(`${scenario.file}: vertices: the ${known.shape} job needs a vertex "${id}"`);
  }
  const parallelism: Record<string, number> = {};
  const workUs: Record<string, number> = {};
  for (const id of ids.slice(0, -1)) {
    const v = byId.get(id)!;
    parallelism[id] = v.parallelism;
    workUs[id] = Math.max(0, Math.round(specMean(v.service_ms) * 1000));
  }
  const windowV = scenario.vertices.find((v) => v.kind === 'window');
  const trace = loadTrace(scenario.workload.trace, { durationS: opts.durationS ?? scenario.duration_s });
  if (trace.kind !== 'rate') throw new UserError(`${scenario.file}: workload.trace: the job's source replays rate traces`);
  const durationS = opts.durationS ?? scenario.duration_s ?? trace.endS;
  const shape: FlinkShapeConfig = { name: known.shape, parallelism, work_us: workUs, ...(windowV?.window ? { window_ms: windowV.window.size_ms } : {}) };
  if (known.sourceOffload) shape.source_offload = { share: opts.sourceShare ?? 0 };
  return {
    seed: scenario.seed,
    duration_s: durationS,
    trace: tracePoints(trace, durationS, scenario.workload.rate_scale ?? 1),
    buffer_timeout_ms: scenario.network.buffer_timeout_ms,
    rest_port: opts.restPort ?? 0,
    output_dir: opts.outputDir,
    job_name: `spillway-validate-${scenario.name}`,
    offload: known.sourceOffload && opts.endpointUrl ? { enabled: true, endpoint_url: opts.endpointUrl, region: 'us-east-1' } : { enabled: false },
    shape,
  };
}
