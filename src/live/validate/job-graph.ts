/**
 * Scenario graph → the job config's `graph` (flink-validate builds it: graph/GraphBuilder.java, a registry of vertex
 * kinds). Any scenario the job can build goes through: one source, map / flatMap / filter / keyed tumbling window
 * vertices (count or sum), one sink of parallelism 1, forward / rebalance / hash edges, chaining, and an offload point on a window
 * (partial aggregates merged into the window state). What the job cannot build is a UserError naming the scenario
 * file and field, checked here so validate stops before any JVM starts (the job checks the same rules again).
 */
import { specMean } from '../../engine/distributions.js';
import type { Scenario, VertexSpec } from '../../scenario/scenario.js';
import { UserError } from '../../util/errors.js';

/** Kinds flink-validate's registry builds (graph/VertexKinds.java). */
export const BUILDABLE_KINDS = ['source', 'map', 'flatMap', 'filter', 'window', 'sink'] as const;

export interface GraphVertexConfig {
  id: string;
  kind: string;
  parallelism: number;
  service_ms: Record<string, unknown>;
  work_us_per_record: number;
  selectivity?: Record<string, unknown>;
  window?: { size_ms: number; aggregate?: 'sum' };
}

export interface GraphConfig {
  chaining: boolean;
  keys: { count: number; zipf_s: number };
  vertices: GraphVertexConfig[];
  edges: { from: string; to: string; partitioning: string; chain?: boolean }[];
  offload?: { vertex: string; merge: 'partial-aggregate' };
}

function refuse(scenario: Scenario, field: string, why: string): UserError {
  return new UserError(`${scenario.file}: ${field}: ${why}`);
}

function vertexConfig(scenario: Scenario, v: VertexSpec, i: number): GraphVertexConfig {
  if (!(BUILDABLE_KINDS as readonly string[]).includes(v.kind)) throw refuse(scenario, `vertices[${i}].kind`, `the real job cannot build "${v.kind}"`);
  const c: GraphVertexConfig = {
    id: v.id,
    kind: v.kind,
    parallelism: v.parallelism,
    service_ms: { ...v.service_ms } as Record<string, unknown>,
    work_us_per_record: Math.max(0, Math.round(specMean(v.service_ms) * 1000)),
  };
  if (v.selectivity && (v.kind === 'flatMap' || v.kind === 'filter')) c.selectivity = { ...v.selectivity } as Record<string, unknown>;
  if (v.kind === 'filter' && !v.selectivity) throw refuse(scenario, `vertices[${i}].selectivity`, 'a filter needs its pass rate (bernoulli p) for the real job');
  if (v.kind === 'window') {
    const size = v.window?.size_ms ?? 0;
    if (!Number.isInteger(size) || size <= 0) throw refuse(scenario, `vertices[${i}].window.size_ms`, 'the real job needs a whole number of ms > 0');
    c.window = { size_ms: size, ...(v.window?.aggregate === 'sum' ? { aggregate: 'sum' as const } : {}) };
  }
  if (v.kind === 'sink' && v.parallelism !== 1) throw refuse(scenario, `vertices[${i}].parallelism`, 'the real job\'s sink accounts for every record, so it runs with parallelism 1');
  return c;
}

function checkEdges(scenario: Scenario): void {
  const byId = new Map(scenario.vertices.map((v) => [v.id, v]));
  const inputs = new Map<string, string>();
  scenario.edges.forEach((e, i) => {
    // forward between unequal parallelisms is refused by the scenario loader already
    const to = byId.get(e.to)!;
    const before = inputs.get(e.to);
    if (before !== undefined && before !== e.partitioning) {
      throw refuse(scenario, `edges[${i}].partitioning`, `the inputs of "${e.to}" mix ${before} and ${e.partitioning}; the real job unions them first`);
    }
    inputs.set(e.to, e.partitioning);
    if (to.kind === 'window' && e.partitioning !== 'hash') throw refuse(scenario, `edges[${i}].partitioning`, `must be hash: "${e.to}" is a keyed window`);
  });
}

function offloadConfig(scenario: Scenario): GraphConfig['offload'] {
  const points = scenario.offload ?? [];
  if (points.length === 0) return undefined;
  if (points.length > 1) throw refuse(scenario, 'offload', `the real job has one offload point, the scenario ${points.length}`);
  const v = scenario.vertices.find((x) => x.id === points[0].vertex)!;
  if (v.kind !== 'window') {
    throw refuse(scenario, 'offload[0].vertex', `a scenario-built job offloads a window (partial aggregates); "${v.id}" is a ${v.kind} (only the tokenizer shape offloads a map/flatMap)`);
  }
  return { vertex: v.id, merge: 'partial-aggregate' };
}

/** The scenario's graph as the job config's `graph`; a UserError naming the field when the job cannot build it. */
export function scenarioGraph(scenario: Scenario): GraphConfig {
  const vertices = scenario.vertices.map((v, i) => vertexConfig(scenario, v, i));
  const count = (kind: string) => scenario.vertices.filter((v) => v.kind === kind).length;
  if (count('source') !== 1) throw refuse(scenario, 'vertices', `the real job replays one trace through one source, the scenario has ${count('source')}`);
  if (count('sink') !== 1) throw refuse(scenario, 'vertices', `the real job has one sink, the scenario ${count('sink')}`);
  checkEdges(scenario);
  const keys = scenario.workload.keys;
  const graph: GraphConfig = {
    chaining: scenario.chaining,
    keys: { count: keys?.count ?? 1, zipf_s: keys?.zipf_s ?? 0 },
    vertices,
    edges: scenario.edges.map((e) => ({ from: e.from, to: e.to, partitioning: e.partitioning, ...(e.chain === false ? { chain: false } : {}) })),
  };
  const off = offloadConfig(scenario);
  if (off) graph.offload = off;
  return graph;
}
