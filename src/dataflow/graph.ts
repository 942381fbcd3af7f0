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
