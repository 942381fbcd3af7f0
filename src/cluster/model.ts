/**
 * The cluster side of the bill and of a rescale, as data (models/cluster-*.json, format spillway-cluster-model/1):
 * what a TaskManager costs and how billing rounds it, what the JobManager costs, how long a stop-with-savepoint
 * restart takes (growing with the state restored) and how long a new TaskManager node takes to be ready.
 */
import { readFileSync } from 'node:fs';
import { checkDistribution, distributionSchema, type ShiftedSpec } from '../engine/distributions.js';
import { UserError, where } from '../util/errors.js';
import { lazyValidator } from '../util/schema-errors.js';

export const CLUSTER_MODEL_FORMAT = 'spillway-cluster-model/1';

export interface ClusterModel {
  format: typeof CLUSTER_MODEL_FORMAT;
  id: string;
  description?: string;
  provenance: { source: string; date: string; method: string; parameters?: Record<string, { kind: string; source: string; method?: string }> };
  /** One TaskManager: its slots (subtasks of one slot-sharing group) and its price while it exists. */
  taskmanager: { slots: number; vcpus: number; memory_gb: number; usd_per_hour: number };
  /** Always-on part of a Flink deployment (JobManager, or Managed Flink's orchestration KPU), per hour. */
  fixed_usd_per_hour: number;
  /** Billing of one TaskManager's lifetime: rounded up to `granularity_s`, at least `min_billed_s`. */
  billing: { granularity_s: number; min_billed_s: number };
  /** Stop-with-savepoint to running again on nodes already there, s (without state restore). */
  restart_s: ShiftedSpec;
  /** The adaptive scheduler's in-place rescale: the checkpoint it waits for complete → running again, s (optional). */
  in_place_restart_s?: ShiftedSpec;
  /** State restore time per GB of keyed state, s. */
  restore_s_per_gb: number;
  /** A new TaskManager on a new node: request to ready, s. */
  taskmanager_ready_s: ShiftedSpec;
}

const dist = { $ref: 'spillway:distribution' } as const;
const positive = { type: 'number', exclusiveMinimum: 0 } as const;
const nonNegative = { type: 'number', minimum: 0 } as const;
const text = { type: 'string', minLength: 1 } as const;

const schema = {
  $id: 'spillway:cluster-model',
  type: 'object',
  additionalProperties: false,
  required: ['format', 'id', 'provenance', 'taskmanager', 'fixed_usd_per_hour', 'billing', 'restart_s', 'restore_s_per_gb', 'taskmanager_ready_s'],
  properties: {
    $comment: { type: 'string' },
    format: { const: CLUSTER_MODEL_FORMAT },
    id: text,
    description: { type: 'string' },
    provenance: {
      type: 'object',
      required: ['source', 'date', 'method'],
      properties: { source: text, date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, method: text, parameters: { type: 'object' } },
    },
    taskmanager: {
      type: 'object',
      additionalProperties: false,
      required: ['slots', 'vcpus', 'memory_gb', 'usd_per_hour'],
      properties: { slots: { type: 'integer', minimum: 1 }, vcpus: positive, memory_gb: positive, usd_per_hour: nonNegative },
    },
    fixed_usd_per_hour: nonNegative,
    billing: {
      type: 'object',
      additionalProperties: false,
      required: ['granularity_s', 'min_billed_s'],
      properties: { granularity_s: positive, min_billed_s: nonNegative },
    },
    restart_s: dist,
    in_place_restart_s: dist,
    restore_s_per_gb: nonNegative,
    taskmanager_ready_s: dist,
  },
} as const;

const validate = lazyValidator(schema, [distributionSchema]);

export function loadClusterModel(path: string): ClusterModel {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(e.code ? `${path}: cannot read the cluster model file` : `${path}: not valid JSON: ${e.message}`);
  }
  const problem = validate(json);
  if (problem) throw new UserError(where(path, problem.field, problem.what));
  const m = json as ClusterModel;
  for (const f of ['restart_s', 'in_place_restart_s', 'taskmanager_ready_s'] as const) {
    if (m[f] === undefined) continue;
    const bad = checkDistribution(m[f]);
    if (bad) throw new UserError(where(path, f, bad));
  }
  return m;
}
