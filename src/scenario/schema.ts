/** JSON Schema of scenario files (see scenario.ts for the meaning of each field). */
import { countSchema, distributionSchema } from '../engine/distributions.js';
import { MAX_MAX_EVENTS, MAX_SEED, MAX_SPAN_S } from '../util/limits.js';

const id = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' };

/** Policy parameters by name: numbers, text or booleans (checked against the policy when it is created). */
const policyParams = { type: 'object', additionalProperties: { type: ['number', 'string', 'boolean'] } } as const;

export const scenarioSchema = {
  $id: 'spillway:scenario',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'workload', 'vertices', 'edges'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    seed: { type: 'integer', minimum: 0, maximum: MAX_SEED },
    duration_s: { type: 'number', exclusiveMinimum: 0, maximum: MAX_SPAN_S },
    drain_s: { type: 'number', minimum: 0, maximum: MAX_SPAN_S },
    max_events: { type: 'integer', minimum: 1, maximum: MAX_MAX_EVENTS },
    time_resolution_ms: { type: 'number', minimum: 0, maximum: 1000 },
    metrics_interval_ms: { type: 'number', minimum: 10, maximum: 60000 },
    chaining: { type: 'boolean' },
    workload: {
      type: 'object',
      additionalProperties: false,
      required: ['trace'],
      properties: {
        trace: { type: 'string', minLength: 1 },
        arrivals: { enum: ['poisson', 'uniform'] },
        rate_scale: { type: 'number', exclusiveMinimum: 0, maximum: 1e6 },
        record_bytes: { type: 'number', exclusiveMinimum: 0, maximum: 1e8 },
        keys: {
          type: 'object',
          additionalProperties: false,
          required: ['count'],
          properties: { count: { type: 'integer', minimum: 1, maximum: 10000000 }, zipf_s: { type: 'number', minimum: 0, maximum: 10 } },
        },
      },
    },
    network: {
      type: 'object',
      additionalProperties: false,
      properties: {
        segment_size_bytes: { type: 'integer', minimum: 64, maximum: 1 << 26 },
        buffers_per_channel: { type: 'integer', minimum: 1, maximum: 1024 },
        floating_buffers_per_gate: { type: 'integer', minimum: 0, maximum: 100000 },
        max_buffers_per_channel: { type: 'integer', minimum: 1, maximum: 100000 },
        output_pool_buffers: { type: 'integer', minimum: 1, maximum: 1000000 },
        buffer_timeout_ms: { type: 'number', minimum: -1, maximum: 3600000 },
        latency_ms: { type: 'number', minimum: 0, maximum: 60000 },
        task_managers: { type: 'integer', minimum: 1, maximum: 1024 },
      },
    },
    watermark: {
      type: 'object',
      additionalProperties: false,
      properties: {
        interval_ms: { type: 'number', minimum: 0, maximum: 3600000 },
        phase_ms: { type: 'number', minimum: 0, maximum: 3600000 },
      },
    },
    vertices: {
      type: 'array',
      minItems: 2,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'kind', 'parallelism', 'service_ms'],
        properties: {
          id,
          kind: { enum: ['source', 'map', 'flatMap', 'filter', 'window', 'sink'] },
          parallelism: { type: 'integer', minimum: 1, maximum: 1024 },
          service_ms: { $ref: 'spillway:distribution' },
          selectivity: { $ref: 'spillway:count' },
          output_bytes: { type: 'number', exclusiveMinimum: 0, maximum: 1e8 },
          window: {
            type: 'object',
            additionalProperties: false,
            required: ['size_ms'],
            properties: {
              size_ms: { type: 'number', exclusiveMinimum: 0, maximum: MAX_SPAN_S * 1000 },
              out_of_orderness_ms: { type: 'number', minimum: 0, maximum: MAX_SPAN_S * 1000 },
              aggregate: { enum: ['count', 'sum'] },
            },
          },
        },
      },
    },
    edges: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to', 'partitioning'],
        properties: {
          from: id,
          to: id,
          partitioning: { enum: ['forward', 'rebalance', 'hash'] },
          chain: { type: 'boolean' },
        },
      },
    },
    offload: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'vertex', 'platform'],
        properties: {
          id,
          vertex: id,
          platform: { type: 'string', minLength: 1 },
          merge: { enum: ['unordered', 'ordered'] },
          memory_mb: { type: 'integer', minimum: 128, maximum: 10240 },
          work_factor: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
          async_capacity: { type: 'integer', minimum: 1, maximum: 1000000 },
          retry_function_errors: { type: 'boolean' },
          max_attempts: { type: 'integer', minimum: 1, maximum: 10 },
          result_bytes: { type: 'number', minimum: 0, maximum: 1e8 },
          timeout_ms: { type: 'number', exclusiveMinimum: 0, maximum: 900000 },
          error_rate: { type: 'number', minimum: 0, maximum: 1 },
          timeout_rate: { type: 'number', minimum: 0, maximum: 1 },
          reserved_concurrency: { type: 'integer', minimum: 0, maximum: 100000 },
          provisioned_concurrency: { type: 'integer', minimum: 0, maximum: 100000 },
          max_sockets: { type: 'integer', minimum: 1, maximum: 100000 },
        },
        additionalProperties: false,
      },
    },
    policy: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1 },
        params: policyParams,
      },
    },
    strategies: {
      type: 'object',
      additionalProperties: false,
      properties: {
        autoscaler: policyParams,
        burst_autoscale: policyParams,
        peak_utilization: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      },
    },
    cluster: {
      type: 'object',
      additionalProperties: false,
      required: ['model'],
      properties: {
        model: { type: 'string', minLength: 1 },
        state_mb: { type: 'number', minimum: 0, maximum: 1e9 },
        rescale: { enum: ['savepoint', 'in-place'] },
        checkpoint_interval_s: { type: 'number', minimum: 0.1, maximum: 86400 },
      },
    },
    controller: {
      type: 'object',
      additionalProperties: false,
      properties: {
        interval_ms: { type: 'number', minimum: 10, maximum: 3600000 },
        reporting_delay_ms: { type: 'number', minimum: 0, maximum: 3600000 },
        timer_window_ms: { type: 'number', minimum: 10, maximum: 3600000 },
        meter_window_ms: { type: 'number', minimum: 10, maximum: 86400000 },
      },
    },
  },
} as const;

export const schemaDependencies = [distributionSchema, countSchema];
