/**
 * Reading a sweep file (`examples/<name>-sweep.json`): JSON schema (ajv) for the shape, then the rules a schema
 * cannot say (known metrics, known policies and parameter values, files that exist). Every message names the
 * file and the field: `examples/x-sweep.json: policies[1].params.share[0]: ...`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { UserError, where } from '../../util/errors.js';
import { getPolicyFactory, resolveParams } from '../../policy/registry.js';
import { looksLikeModulePath } from '../../policy/loader.js';
import { DEFAULT_METRICS, KNOWN_METRICS, isKnownMetric } from './metrics.js';
import type { Bound, Objective, ParamValue, PolicyGrid, SweepSpec } from './types.js';
import { parseJsonFile } from '../../util/json.js';
import { MAX_SPAN_S } from '../../util/limits.js';


/** The JSON schema of a sweep file (objective and seeds get their finer checks in code, for clearer messages). */
export const sweepSchema = {
  $id: 'https://spillway.dev/schemas/sweep.json',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'scenario', 'policies', 'seeds'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    scenario: { type: 'string', minLength: 1 },
    traces: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
    seeds: { type: ['integer', 'array'] },
    mode: { enum: ['grid', 'random'] },
    samples: { type: 'integer', minimum: 1 },
    sample_seed: { type: 'integer' },
    duration_s: { type: 'number', exclusiveMinimum: 0, maximum: MAX_SPAN_S },
    policies: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1 },
          params: {
            type: 'object',
            additionalProperties: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { type: ['number', 'string', 'boolean'] },
            },
          },
        },
      },
    },
    objective: { type: 'object' },
    metrics: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1 } },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: false, verbose: true });
const validate = ajv.compile(sweepSchema);

/** `/policies/1/params/share` → `policies[1].params.share` */
function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}

function join(field: string, key: string): string {
  return field ? `${field}.${key}` : key;
}

function shown(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return JSON.stringify(v);
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
};

function typeWords(t: string | string[]): string {
  const list = (Array.isArray(t) ? t : t.split(',')).map((x) => TYPE_WORDS[x] ?? x);
  return list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

function describeAjvError(e: ErrorObject): { field: string; what: string } {
  let field = fieldPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  let what = e.message ?? 'is invalid';
  switch (e.keyword) {
    case 'additionalProperties': {
      field = join(field, String(p.additionalProperty));
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter((k) => k !== '$schema');
      what = known.length > 0 ? `is not a known field (known: ${known.join(', ')})` : 'is not a known field';
      break;
    }
    case 'required':
      field = join(field, String(p.missingProperty));
      what = 'is required';
      break;
    case 'type':
      what = `must be ${typeWords(p.type as string | string[])}, got ${shown(e.data)}`;
      break;
    case 'enum':
      what = `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${shown(e.data)}`;
      break;
    case 'minItems':
      what = p.limit === 1 ? 'must not be empty' : `must have at least ${p.limit} items`;
      break;
    case 'minLength':
      what = 'must not be empty';
      break;
    case 'uniqueItems':
      what = `lists ${shown((e.data as unknown[])[p.j as number])} twice (items ${p.j} and ${p.i})`;
      break;
    case 'minimum':
      what = `must be >= ${p.limit}, got ${shown(e.data)}`;
      break;
    case 'exclusiveMinimum':
      what = `must be > ${p.limit}, got ${shown(e.data)}`;
      break;
  }
  return { field: field || '(top level)', what };
}

/** Read and validate a sweep file. `path` is shown in messages as given. */
export function loadSweep(path: string): SweepSpec {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a sweep file' : 'cannot read the sweep file'}`);
  }
  return checkSweep(parseJsonFile(text, path), file, path);
}

interface RawSweep {
  name: string;
  description?: string;
  scenario: string;
  traces?: string[];
  seeds: number | unknown[];
  mode?: 'grid' | 'random';
  samples?: number;
  sample_seed?: number;
  duration_s?: number;
  policies: { name: string; params?: Record<string, ParamValue[]> }[];
  objective?: Record<string, unknown>;
  metrics?: string[];
}

/** Validate an in-memory sweep; `file` anchors relative paths, `label` names it in messages. */
export function checkSweep(json: unknown, file: string, label = file): SweepSpec {
  const fail = (field: string | undefined, what: string): never => {
    throw new UserError(where(label, field, what));
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(undefined, `must be a JSON object, got ${shown(json)}`);
  if (!validate(json)) {
    const { field, what } = describeAjvError(validate.errors![0]);
    fail(field, what);
  }
  const raw = json as RawSweep;
  const dir = dirname(file);

  // Files.
  const scenario = resolve(dir, raw.scenario);
  if (!existsSync(scenario) || !statSync(scenario).isFile()) fail('scenario', `file not found: ${raw.scenario} (relative to the sweep file)`);
  let traces: string[] | null = null;
  if (raw.traces) {
    traces = raw.traces.map((t, i) => {
      const abs = resolve(dir, t);
      if (!existsSync(abs) || !statSync(abs).isFile()) fail(`traces[${i}]`, `file not found: ${t} (relative to the sweep file)`);
      return abs;
    });
  }

  // Seeds.
  let seeds: number[];
  if (typeof raw.seeds === 'number') {
    if (raw.seeds < 1) fail('seeds', `a count of seeds must be >= 1, got ${raw.seeds}`);
    if (raw.seeds > 10_000) fail('seeds', `a count of seeds must be <= 10000, got ${raw.seeds}`);
    seeds = Array.from({ length: raw.seeds }, (_, i) => i + 1);
  } else {
    if (raw.seeds.length === 0) fail('seeds', 'must not be empty');
    const seen = new Set<number>();
    seeds = raw.seeds.map((s, i) => {
      if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 0xffffffff) {
        fail(`seeds[${i}]`, `must be an integer from 0 to 4294967295, got ${shown(s)}`);
      }
      if (seen.has(s as number)) fail(`seeds[${i}]`, `lists ${s} twice`);
      seen.add(s as number);
      return s as number;
    });
  }

  // Mode.
  const mode = raw.mode ?? 'grid';
  if (mode === 'random' && raw.samples === undefined) fail('samples', 'is required when mode is "random"');
  if (mode === 'grid' && raw.samples !== undefined) fail('samples', 'is only allowed when mode is "random"');
  if (mode === 'grid' && raw.sample_seed !== undefined) fail('sample_seed', 'is only allowed when mode is "random"');

  // Policies and their parameter values, checked against the policy's own parameter specs.
  const policies: PolicyGrid[] = raw.policies.map((p, k) => {
    const params = p.params ?? {};
    if (!looksLikeModulePath(p.name)) {
      let factory;
      try {
        factory = getPolicyFactory(p.name);
      } catch (err) {
        return fail(`policies[${k}].name`, err instanceof UserError ? err.message : String(err));
      }
      for (const [name, values] of Object.entries(params)) {
        values.forEach((value, i) => {
          try {
            resolveParams(factory, { [name]: value });
          } catch (err) {
            if (!(err instanceof UserError)) throw err;
            fail(`policies[${k}].params.${name}[${i}]`, err.message);
          }
        });
      }
    }
    return { name: p.name, params: Object.fromEntries(Object.entries(params).map(([n, v]) => [n, [...v]])) };
  });

  // Metrics.
  const extra = raw.metrics ?? [];
  extra.forEach((m, i) => {
    if (!isKnownMetric(m)) fail(`metrics[${i}]`, `unknown metric "${m}"; known metrics: ${KNOWN_METRICS.join(', ')}`);
  });
  const objective = checkObjective(raw.objective, fail);
  const metrics: string[] = [...DEFAULT_METRICS];
  for (const m of [...extra, ...objectiveMetrics(objective)]) if (!metrics.includes(m)) metrics.push(m);

  const spec: SweepSpec = {
    file,
    dir,
    name: raw.name,
    scenario,
    traces,
    seeds,
    mode,
    sampleSeed: raw.sample_seed ?? 1,
    policies,
    objective,
    metrics,
  };
  if (raw.description !== undefined) spec.description = raw.description;
  if (raw.samples !== undefined) spec.samples = raw.samples;
  if (raw.duration_s !== undefined) spec.durationS = raw.duration_s;
  return spec;
}

export const DEFAULT_OBJECTIVE: Objective = { minimize: 'latency_p99_ms' };

/** Metrics an objective reads: the optimised ones, then the constrained ones. */
export function objectiveMetrics(objective: Objective): string[] {
  const out: string[] = [];
  if ('minimize' in objective) out.push(objective.minimize);
  else if ('maximize' in objective) out.push(objective.maximize);
  else out.push(...Object.keys(objective.weighted));
  for (const m of Object.keys(objective.subject_to ?? {})) if (!out.includes(m)) out.push(m);
  return out;
}

function checkObjective(raw: Record<string, unknown> | undefined, fail: (field: string, what: string) => never): Objective {
  if (raw === undefined) return { ...DEFAULT_OBJECTIVE };
  const kinds = ['minimize', 'maximize', 'weighted'].filter((k) => k in raw);
  for (const key of Object.keys(raw)) {
    if (!['minimize', 'maximize', 'weighted', 'subject_to'].includes(key)) {
      fail(`objective.${key}`, 'is not a known field (known: minimize, maximize, weighted, subject_to)');
    }
  }
  if (kinds.length !== 1) {
    fail('objective', kinds.length === 0 ? 'needs one of "minimize", "maximize" or "weighted"' : `gives both "${kinds[0]}" and "${kinds[1]}"; give exactly one`);
  }
  const metric = (field: string, v: unknown): string => {
    if (typeof v !== 'string') fail(field, `must be a metric name (a string), got ${shown(v)}`);
    if (!isKnownMetric(v as string)) fail(field, `unknown metric ${shown(v)}; known metrics: ${KNOWN_METRICS.join(', ')}`);
    return v as string;
  };
  let objective: Objective;
  const kind = kinds[0];
  if (kind === 'minimize') objective = { minimize: metric('objective.minimize', raw.minimize) };
  else if (kind === 'maximize') objective = { maximize: metric('objective.maximize', raw.maximize) };
  else {
    const w = raw.weighted;
    if (typeof w !== 'object' || w === null || Array.isArray(w)) fail('objective.weighted', `must be an object of metric: weight, got ${shown(w)}`);
    const entries = Object.entries(w as Record<string, unknown>);
    if (entries.length === 0) fail('objective.weighted', 'must name at least one metric');
    const weighted: Record<string, number> = {};
    for (const [m, weight] of entries) {
      metric(`objective.weighted.${m}`, m);
      if (typeof weight !== 'number' || !Number.isFinite(weight)) fail(`objective.weighted.${m}`, `weight must be a number, got ${shown(weight)}`);
      weighted[m] = weight as number;
    }
    objective = { weighted };
  }
  if (raw.subject_to !== undefined) {
    const s = raw.subject_to;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) fail('objective.subject_to', `must be an object of metric: { "max": .. } or { "min": .. }, got ${shown(s)}`);
    const subject: Record<string, Bound> = {};
    for (const [m, b] of Object.entries(s as Record<string, unknown>)) {
      const field = `objective.subject_to.${m}`;
      metric(field, m);
      if (typeof b !== 'object' || b === null || Array.isArray(b)) fail(field, `must be { "max": number } and/or { "min": number }, got ${shown(b)}`);
      const bound: Bound = {};
      for (const [k, v] of Object.entries(b as Record<string, unknown>)) {
        if (k !== 'min' && k !== 'max') fail(`${field}.${k}`, 'is not a known field (known: min, max)');
        if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${field}.${k}`, `must be a number, got ${shown(v)}`);
        bound[k as 'min' | 'max'] = v as number;
      }
      if (bound.min === undefined && bound.max === undefined) fail(field, 'needs "min" or "max"');
      if (bound.min !== undefined && bound.max !== undefined && bound.min > bound.max) fail(field, `min (${bound.min}) exceeds max (${bound.max})`);
      subject[m] = bound;
    }
    objective.subject_to = subject;
  }
  return objective;
}
