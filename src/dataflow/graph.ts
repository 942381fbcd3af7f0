/**
 * From a scenario's logical graph to Flink's job graph: operators chained into tasks (job vertices).
 *
 * Flink chains an edge when it is forward, both ends have the same parallelism, the upstream operator has
 * exactly this one output and the downstream exactly this one input, and chaining is not disabled.
 * A chained task runs all its operators in one thread, so it is one server whose work per record is the sum
 * of its operators' work (each applied to the records the previous one emitted).
 */
import type { CountSpec, ShiftedSpec } from '../engine/distributions.js';
import type { Partitioning, Scenario, VertexKind } from '../scenario/scenario.js';

export interface OperatorDef {
  id: string;
  kind: VertexKind;
  service: ShiftedSpec;
  selectivity?: CountSpec;
  /** Size of each output record, bytes. */
  outputBytes: number;
  windowSizeMs: number;
  outOfOrdernessMs: number;
  /**
   * Each record this operator takes is one source record, and it emits at most one per record (a filter behind
   * sources, maps and such filters only): the records it drops end their own origins, so a run that partly passes
   * completes the dropped records as filtered instead of carrying them on with the survivors. Absent: false.
   */
  dropsEndOrigins?: boolean;
}

export interface EdgeDef {
  index: number;
  from: number;
  to: number;
  partitioning: Partitioning;
  /** Index of this edge among the downstream task's inputs (its input gate). */
  gate: number;
}

export interface TaskDef {
  index: number;
  /** Job vertex id: the operator id, or `a -> b` for a chain, as Flink names chained vertices. */
  id: string;
  operators: OperatorDef[];
  parallelism: number;
  isSource: boolean;
  isSink: boolean;
  inputs: EdgeDef[];
  outputs: EdgeDef[];
}

export interface JobGraph {
  tasks: TaskDef[];
  edges: EdgeDef[];
  /** Operator id → index of the task that runs it. */
  taskOfOperator: Map<string, number>;
}

export function buildJobGraph(scenario: Scenario): JobGraph {
  const byId = new Map(scenario.vertices.map((v) => [v.id, v]));
  const outEdges = new Map<string, typeof scenario.edges>();
  const inEdges = new Map<string, typeof scenario.edges>();
  for (const e of scenario.edges) {
    outEdges.set(e.from, [...(outEdges.get(e.from) ?? []), e]);
    inEdges.set(e.to, [...(inEdges.get(e.to) ?? []), e]);
  }
  const chainable = (e: (typeof scenario.edges)[number]): boolean =>
    scenario.chaining &&
    e.chain !== false &&
    e.partitioning === 'forward' &&
    byId.get(e.from)!.parallelism === byId.get(e.to)!.parallelism &&
    (outEdges.get(e.from) ?? []).length === 1 &&
    (inEdges.get(e.to) ?? []).length === 1;

  // Record sizes flow downstream: a vertex's input size is its upstream's output size.
  const outputBytes = new Map<string, number>();
  const sizeOf = (id: string): number => {
    const known = outputBytes.get(id);
    if (known !== undefined) return known;
    const v = byId.get(id)!;
    const ins = inEdges.get(id) ?? [];
    const inputSize = v.kind === 'source' ? (scenario.workload.record_bytes ?? 100) : sizeOf(ins[0].from);
    const size = v.output_bytes ?? inputSize;
    outputBytes.set(id, size);
    return size;
  };

  // Whether each record a vertex emits is one source record (sources, and maps and filters of at most one each behind them).
  const perOrigin = new Map<string, boolean>();
  const inputPerOrigin = (id: string): boolean => (inEdges.get(id) ?? []).every((e) => outputPerOrigin(e.from));
  const outputPerOrigin = (id: string): boolean => {
    const known = perOrigin.get(id);
    if (known !== undefined) return known;
    const v = byId.get(id)!;
    const one = v.kind === 'source' || ((v.kind === 'map' || v.kind === 'filter') && atMostOne(v.selectivity) && inputPerOrigin(id));
    perOrigin.set(id, one);
    return one;
  };

  const toOperator = (id: string): OperatorDef => {
    const v = byId.get(id)!;
    return {
      id,
      kind: v.kind,
      service: v.service_ms,
      selectivity: v.selectivity,
      outputBytes: sizeOf(id),
      windowSizeMs: v.window?.size_ms ?? 0,
      outOfOrdernessMs: v.window?.out_of_orderness_ms ?? 0,
      dropsEndOrigins: v.selectivity !== undefined && v.kind !== 'source' && atMostOne(v.selectivity) && inputPerOrigin(id),
    };
  };

  // Chain heads: vertices not reached by a chainable edge. Follow chainable edges from each head.
  const tasks: TaskDef[] = [];
  const taskOfOperator = new Map<string, number>();
  for (const v of scenario.vertices) {
    const ins = inEdges.get(v.id) ?? [];
    if (ins.length === 1 && chainable(ins[0])) continue;
    const ops = [toOperator(v.id)];
    let cur = v.id;
    for (;;) {
      const outs = outEdges.get(cur) ?? [];
      if (outs.length !== 1 || !chainable(outs[0])) break;
      cur = outs[0].to;
      ops.push(toOperator(cur));
    }
    const index = tasks.length;
    for (const op of ops) taskOfOperator.set(op.id, index);
    tasks.push({
      index,
      id: ops.map((o) => o.id).join(' -> '),
      operators: ops,
      parallelism: v.parallelism,
      isSource: ops[0].kind === 'source',
      isSink: ops[ops.length - 1].kind === 'sink',
      inputs: [],
      outputs: [],
    });
  }

  const edges: EdgeDef[] = [];
  for (const e of scenario.edges) {
    const from = taskOfOperator.get(e.from)!;
    const to = taskOfOperator.get(e.to)!;
    if (from === to) continue; // chained
    const edge: EdgeDef = { index: edges.length, from, to, partitioning: e.partitioning, gate: tasks[to].inputs.length };
    edges.push(edge);
    tasks[from].outputs.push(edge);
    tasks[to].inputs.push(edge);
  }
  // Topological order of tasks, so that sources come first (useful for deterministic setup order).
  return { tasks, edges, taskOfOperator };
}

/** A selectivity that never emits more than one record per input record (none: exactly one). */
function atMostOne(spec: CountSpec | undefined): boolean {
  if (!spec) return true;
  switch (spec.type) {
    case 'deterministic':
      return spec.value <= 1;
    case 'bernoulli':
      return true;
    case 'binomial':
      return spec.n <= 1;
    case 'uniform-int':
      return spec.max <= 1;
    case 'empirical-pmf':
      return spec.values.every((x, i) => x <= 1 || spec.weights[i] === 0);
    default:
      return false;
  }
}
