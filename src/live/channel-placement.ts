/**
 * Which of a job's channels are local on a real cluster, read from Flink's REST API, against what the simulator's
 * SlotPlacement (network.task_managers) assumes. A channel joins producer subtask a of one job vertex to consumer
 * subtask b of the next: all pairs on a rebalance or hash edge, a == b on a forward edge. It is local when both
 * subtasks run in the same TaskManager.
 */
import { SlotPlacement } from '../dataflow/job.js';

export interface PlanEdge {
  from: string;
  to: string;
  /** Flink's ship strategy: FORWARD, REBALANCE, HASH, ... */
  strategy: string;
}

export interface RealPlacement {
  /** Job vertex id → TaskManager id of each subtask, by subtask index. */
  subtasks: Map<string, string[]>;
  edges: PlanEdge[];
}

export interface EdgeChannels {
  from: string;
  to: string;
  strategy: string;
  channels: number;
  localReal: number;
  localSimulated: number;
}

/** The channels of one edge, as [producer, consumer] subtask pairs. */
export function channelPairs(strategy: string, producers: number, consumers: number): [number, number][] {
  const out: [number, number][] = [];
  if (strategy.toUpperCase() === 'FORWARD') {
    for (let i = 0; i < Math.min(producers, consumers); i++) out.push([i, i]);
    return out;
  }
  for (let a = 0; a < producers; a++) for (let b = 0; b < consumers; b++) out.push([a, b]);
  return out;
}

/** Per edge: channels, how many are local for real, and how many SlotPlacement(maxP, taskManagers) takes as local. */
export function compareChannels(real: RealPlacement, taskManagers: number | undefined): EdgeChannels[] {
  const maxP = Math.max(...[...real.subtasks.values()].map((s) => s.length));
  const sim = new SlotPlacement(maxP, taskManagers);
  return real.edges.map((e) => {
    const from = real.subtasks.get(e.from) ?? [];
    const to = real.subtasks.get(e.to) ?? [];
    const pairs = channelPairs(e.strategy, from.length, to.length);
    const localReal = pairs.filter(([a, b]) => from[a] === to[b]).length;
    const localSimulated = pairs.filter(([a, b]) => sim.sameTaskManager(a, b)).length;
    return { from: e.from, to: e.to, strategy: e.strategy, channels: pairs.length, localReal, localSimulated };
  });
}

interface PlanJson {
  plan?: { nodes?: { id: string; inputs?: { id: string; ship_strategy?: string }[] }[] };
}
interface VertexJson {
  subtasks?: { subtask: number; 'taskmanager-id'?: string }[];
}

/** GET /jobs/:jid/plan and /jobs/:jid/vertices/:vid (also answers for a finished job, from the session's store). */
export async function readPlacement(restUrl: string, jobId: string): Promise<RealPlacement> {
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${restUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const plan = await get<PlanJson>(`/jobs/${jobId}/plan`);
  const nodes = plan.plan?.nodes ?? [];
  const edges = nodes.flatMap((n) => (n.inputs ?? []).map((i) => ({ from: i.id, to: n.id, strategy: i.ship_strategy ?? '?' })));
  const subtasks = new Map<string, string[]>();
  for (const n of nodes) {
    const v = await get<VertexJson>(`/jobs/${jobId}/vertices/${n.id}`);
    const tms: string[] = [];
    for (const s of v.subtasks ?? []) tms[s.subtask] = s['taskmanager-id'] ?? '?';
    subtasks.set(n.id, tms);
  }
  return { subtasks, edges };
}

/** One line per edge for the notes: "REBALANCE 2→2: 4 channels, 2 local real, 2 local simulated". */
export function placementLines(rows: EdgeChannels[]): string[] {
  return rows.map(
    (r) => `${r.strategy} ${r.from.slice(0, 6)}→${r.to.slice(0, 6)}: ${r.channels} channels, local ${r.localReal} real, ${r.localSimulated} simulated${r.localReal === r.localSimulated ? '' : ' (differ)'}`,
  );
}
