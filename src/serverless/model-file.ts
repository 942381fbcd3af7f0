/**
 * Reading a platform model file (`models/*.json`): the JSON schema (ajv) for the shape, then the rules a schema
 * cannot say. Every problem is one UserError `file: field: what`.
 */
import { readFileSync } from 'node:fs';
import { checkDistribution, distributionSchema, type ShiftedSpec } from '../engine/distributions.js';
import { UserError, where } from '../util/errors.js';
import { lazyValidator } from '../util/schema-errors.js';
import { MODEL_FORMAT, type PlatformModel } from './model.js';
import { parseJsonFile } from '../util/json.js';

const dist = { $ref: 'spillway:distribution' } as const;
// Upper bounds far beyond any platform, so that a typo (an exponent too many) is caught (docs/INPUTS.md).
const positive = { type: 'number', exclusiveMinimum: 0, maximum: 1e12 } as const;
const nonNegative = { type: 'number', minimum: 0, maximum: 1e12 } as const;
const rate = { type: 'number', minimum: 0, maximum: 1 } as const;
const posInt = { type: 'integer', minimum: 1, maximum: 1e9 } as const;
const text = { type: 'string', minLength: 1 } as const;

const provenanceKind = { enum: ['official', 'measured', 'assumption'] } as const;

export const platformModelSchema = {
  $id: 'spillway:platform-model',
  type: 'object',
  additionalProperties: false,
  required: [
    'format', 'id', 'platform', 'runtime', 'architecture', 'provenance', 'memory', 'cpu', 'instance', 'cold_start_ms',
    'warm_overhead_ms', 'network', 'concurrency', 'scale_out', 'keep_alive_s', 'max_lifetime_s', 'limits', 'faults', 'billing',
  ],
  properties: {
    $comment: { type: 'string' },
    format: { const: MODEL_FORMAT },
    id: text,
    description: { type: 'string' },
    platform: { enum: ['aws-lambda', 'azure-functions-consumption'] },
    runtime: text,
    architecture: { enum: ['x86_64', 'arm64'] },
    provenance: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'date', 'method'],
      properties: {
        source: text,
        date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
        method: text,
        parameters: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'source'],
            properties: { kind: provenanceKind, source: text, method: text, date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
          },
        },
      },
    },
    memory: {
      type: 'object',
      additionalProperties: false,
      required: ['default_mb', 'min_mb', 'max_mb', 'step_mb'],
      properties: { default_mb: posInt, min_mb: posInt, max_mb: posInt, step_mb: posInt },
    },
    cpu: {
      type: 'object',
      oneOf: [
        {
          additionalProperties: false,
          required: ['mb_per_vcpu', 'max_vcpus'],
          properties: { mb_per_vcpu: positive, max_vcpus: positive },
        },
        { additionalProperties: false, required: ['vcpus_per_instance'], properties: { vcpus_per_instance: positive } },
      ],
    },
    instance: {
      type: 'object',
      additionalProperties: false,
      required: ['max_concurrency', 'scale_target_concurrency'],
      properties: { max_concurrency: posInt, scale_target_concurrency: posInt },
    },
    cold_start_ms: dist,
    warm_overhead_ms: dist,
    network: {
      type: 'object',
      additionalProperties: false,
      required: ['rtt_ms', 'bandwidth_bytes_per_s'],
      properties: { rtt_ms: dist, bandwidth_bytes_per_s: positive },
    },
    concurrency: {
      type: 'object',
      additionalProperties: false,
      required: ['account_limit', 'reserved', 'provisioned', 'max_instances'],
      properties: {
        account_limit: { oneOf: [posInt, { type: 'null' }] },
        reserved: { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] },
        provisioned: { type: 'integer', minimum: 0 },
        max_instances: { oneOf: [posInt, { type: 'null' }] },
      },
    },
    scale_out: {
      type: 'object',
      additionalProperties: false,
      required: ['max_new', 'window_s', 'refill'],
      properties: { max_new: posInt, window_s: positive, refill: { enum: ['continuous', 'window'] } },
    },
    keep_alive_s: dist,
    max_lifetime_s: { oneOf: [dist, { type: 'null' }] },
    limits: {
      type: 'object',
      additionalProperties: false,
      required: ['max_request_bytes', 'max_response_bytes', 'timeout_s', 'max_timeout_s'],
      properties: { max_request_bytes: posInt, max_response_bytes: posInt, timeout_s: positive, max_timeout_s: positive },
    },
    faults: {
      type: 'object',
      additionalProperties: false,
      required: ['error_rate', 'timeout_rate'],
      properties: { error_rate: rate, timeout_rate: rate },
    },
    billing: {
      type: 'object',
      additionalProperties: false,
      required: [
        'currency', 'region', 'per_request_usd', 'per_gb_s_usd', 'granularity_ms', 'min_billed_ms', 'memory_basis',
        'memory_rounding_mb', 'min_memory_mb', 'max_memory_mb', 'bill_init', 'provisioned',
      ],
      properties: {
        currency: { const: 'USD' },
        region: text,
        per_request_usd: nonNegative,
        per_gb_s_usd: nonNegative,
        granularity_ms: positive,
        min_billed_ms: nonNegative,
        memory_basis: { enum: ['configured', 'observed'] },
        observed_mb: positive,
        memory_rounding_mb: posInt,
        min_memory_mb: nonNegative,
        max_memory_mb: { oneOf: [positive, { type: 'null' }] },
        bill_init: { type: 'boolean' },
        provisioned: {
          oneOf: [
            { type: 'null' },
            {
              type: 'object',
              additionalProperties: false,
              required: ['per_gb_s_usd', 'duration_per_gb_s_usd', 'granularity_s'],
              properties: { per_gb_s_usd: nonNegative, duration_per_gb_s_usd: nonNegative, granularity_s: positive },
            },
          ],
        },
      },
    },
  },
} as const;

const validate = lazyValidator(platformModelSchema, [distributionSchema]);

/** Read, validate and return a platform model file. */
export function loadPlatformModel(path: string): PlatformModel {
  let textContent: string;
  try {
    textContent = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`${path}: cannot read the platform model file`);
  }
  return checkPlatformModel(parseJsonFile(textContent, path), path);
}

/** Validate an in-memory model; `label` names it in messages. Returns the same object, typed. */
export function checkPlatformModel(json: unknown, label: string): PlatformModel {
  // With allErrors off, ajv still collects the failing branches of a oneOf; the deepest names the field.
  const problem = validate(json);
  if (problem) throw new UserError(where(label, problem.field, problem.what));
  const m = json as unknown as PlatformModel;
  semanticChecks(m, label);
  return m;
}

const DIST_FIELDS = ['cold_start_ms', 'warm_overhead_ms', 'network.rtt_ms', 'keep_alive_s', 'max_lifetime_s'] as const;

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(k in (cur as object))) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function semanticChecks(m: PlatformModel, label: string): void {
  const fail = (field: string, what: string): never => {
    throw new UserError(where(label, field, what));
  };
  for (const f of DIST_FIELDS) {
    const spec = get(m, f) as ShiftedSpec | null | undefined;
    if (spec) {
      const problem = checkDistribution(spec);
      if (problem) fail(f, problem);
    }
  }
  const mem = m.memory;
  if (mem.min_mb > mem.max_mb) fail('memory.min_mb', `must be <= memory.max_mb (${mem.max_mb})`);
  if (mem.default_mb < mem.min_mb || mem.default_mb > mem.max_mb) {
    fail('memory.default_mb', `must be within memory.min_mb..memory.max_mb (${mem.min_mb}..${mem.max_mb})`);
  }
  if ((mem.default_mb - mem.min_mb) % mem.step_mb !== 0) fail('memory.default_mb', `must be min_mb plus a multiple of step_mb (${mem.step_mb})`);
  if (m.instance.scale_target_concurrency > m.instance.max_concurrency) {
    fail('instance.scale_target_concurrency', `must be <= instance.max_concurrency (${m.instance.max_concurrency})`);
  }
  const c = m.concurrency;
  if (c.account_limit !== null && c.reserved !== null && c.reserved > c.account_limit) {
    fail('concurrency.reserved', `must be <= concurrency.account_limit (${c.account_limit})`);
  }
  if (c.provisioned > 0) {
    if (m.billing.provisioned === null) fail('concurrency.provisioned', 'needs billing.provisioned prices (the platform has no provisioned concurrency)');
    if (m.instance.max_concurrency !== 1) fail('concurrency.provisioned', 'is only modelled for one execution per environment');
    if (c.reserved !== null && c.provisioned > c.reserved) fail('concurrency.provisioned', `must be <= concurrency.reserved (${c.reserved})`);
    if (c.account_limit !== null && c.provisioned > c.account_limit) fail('concurrency.provisioned', `must be <= concurrency.account_limit (${c.account_limit})`);
  }
  if (m.limits.timeout_s > m.limits.max_timeout_s) fail('limits.timeout_s', `must be <= limits.max_timeout_s (${m.limits.max_timeout_s})`);
  if (m.faults.error_rate + m.faults.timeout_rate > 1) fail('faults', 'error_rate + timeout_rate must be <= 1');
  const b = m.billing;
  if (b.memory_basis === 'observed' && b.observed_mb === undefined) fail('billing.observed_mb', 'is required when memory_basis is "observed"');
  if (b.max_memory_mb !== null && b.max_memory_mb < b.min_memory_mb) fail('billing.max_memory_mb', `must be >= billing.min_memory_mb (${b.min_memory_mb})`);
  for (const key of Object.keys(m.provenance.parameters ?? {})) {
    if (get(m, key) === undefined) fail(`provenance.parameters.${key}`, 'names no field of the model');
  }
}

/** Check a memory size against what the model allows; returns a problem or undefined. */
export function checkMemory(model: PlatformModel, memoryMb: number): string | undefined {
  const mem = model.memory;
  if (!Number.isInteger(memoryMb) || memoryMb < mem.min_mb || memoryMb > mem.max_mb || (memoryMb - mem.min_mb) % mem.step_mb !== 0) {
    return `${memoryMb} MB is not allowed by ${model.id} (${mem.min_mb}..${mem.max_mb} MB in steps of ${mem.step_mb} MB)`;
  }
  return undefined;
}
