/** Read a scenario file, check it against the schema and the rules a schema cannot say, apply defaults. */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkCount, checkDistribution } from '../engine/distributions.js';
import { UserError, where } from '../util/errors.js';
import { lazyValidator } from '../util/schema-errors.js';
import { NETWORK_DEFAULTS, WATERMARK_INTERVAL_DEFAULT_MS, type Scenario, type ScenarioSpec } from './scenario.js';
import { withScenarioPaths } from './paths.js';
import { scenarioSchema, schemaDependencies } from './schema.js';
import { parseJsonFile } from '../util/json.js';
import { DEFAULT_MAX_EVENTS } from '../util/limits.js';

const validate = lazyValidator(scenarioSchema, [...schemaDependencies]);

export function loadScenario(path: string): Scenario {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`${path}: cannot read the scenario file`);
  }
  const scenario = checkScenario(parseJsonFile(text, path), file, path);
  // A missing model file is the scenario's mistake: name its field (the model file's own errors name that file).
  scenario.offload?.forEach((o, i) => {
    if (!isFile(o.platform)) throw new UserError(where(path, `offload[${i}].platform`, `no platform model file at ${o.platform}`));
  });
  return scenario;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Validate an in-memory scenario; `file` anchors relative paths, `label` names it in messages. */
export function checkScenario(json: unknown, file: string, label = file): Scenario {
  const problem = validate(json);
  if (problem) throw new UserError(where(label, problem.field, problem.what));
  const spec = json as unknown as ScenarioSpec;
  semanticChecks(spec, label);
  const dir = dirname(file);
  const resolved = withScenarioPaths(spec, (p) => resolve(dir, p));
  return {
    ...resolved,
    file,
    seed: spec.seed ?? 1,
    drain_s: spec.drain_s ?? 3600,
    max_events: spec.max_events ?? DEFAULT_MAX_EVENTS,
    time_resolution_ms: spec.time_resolution_ms ?? 1,
    metrics_interval_ms: spec.metrics_interval_ms ?? 1000,
    chaining: spec.chaining ?? true,
    workload: resolved.workload,
    network: { ...NETWORK_DEFAULTS, ...spec.network },
    offload: resolved.offload ?? [],
    controller: {
      interval_ms: spec.controller?.interval_ms ?? 1000,
      reporting_delay_ms: spec.controller?.reporting_delay_ms ?? 0,
      timer_window_ms: spec.controller?.timer_window_ms ?? 5000,
      meter_window_ms: spec.controller?.meter_window_ms ?? 60000,
    },
  };
}

function semanticChecks(spec: ScenarioSpec, label: string): void {
  const ids = new Map<string, number>();
  spec.vertices.forEach((v, i) => {
    const at = `vertices[${i}]`;
    if (ids.has(v.id)) throw new UserError(where(label, `${at}.id`, `duplicate vertex id "${v.id}"`));
    ids.set(v.id, i);
    const d = checkDistribution(v.service_ms);
    if (d) throw new UserError(where(label, `${at}.service_ms`, d));
    if (v.selectivity) {
      const c = checkCount(v.selectivity);
      if (c) throw new UserError(where(label, `${at}.selectivity`, c));
      if (v.kind === 'source' || v.kind === 'sink' || v.kind === 'window') {
        throw new UserError(where(label, `${at}.selectivity`, `a ${v.kind} has no selectivity`));
      }
    }
    if (v.kind === 'window' && !v.window) throw new UserError(where(label, `${at}.window`, 'is required for a window vertex'));
    if (v.kind !== 'window' && v.window) throw new UserError(where(label, `${at}.window`, `only a window vertex has a window`));
  });
  const ins = new Map<string, number>();
  const outs = new Map<string, number>();
  spec.edges.forEach((e, i) => {
    const at = `edges[${i}]`;
    for (const end of ['from', 'to'] as const) {
      if (!ids.has(e[end])) throw new UserError(where(label, `${at}.${end}`, `unknown vertex "${e[end]}"`));
    }
    if (e.from === e.to) throw new UserError(where(label, at, 'an edge cannot loop back to its own vertex'));
    const from = spec.vertices[ids.get(e.from)!];
    const to = spec.vertices[ids.get(e.to)!];
    if (from.kind === 'sink') throw new UserError(where(label, `${at}.from`, `"${e.from}" is a sink and has no outputs`));
    if (to.kind === 'source') throw new UserError(where(label, `${at}.to`, `"${e.to}" is a source and has no inputs`));
    if (e.partitioning === 'forward' && from.parallelism !== to.parallelism) {
      throw new UserError(
        where(label, `${at}.partitioning`, `forward needs equal parallelism (${e.from}: ${from.parallelism}, ${e.to}: ${to.parallelism})`),
      );
    }
    ins.set(e.to, (ins.get(e.to) ?? 0) + 1);
    outs.set(e.from, (outs.get(e.from) ?? 0) + 1);
  });
  spec.vertices.forEach((v, i) => {
    if (v.kind !== 'source' && !ins.has(v.id)) throw new UserError(where(label, `vertices[${i}]`, `"${v.id}" has no input edge`));
    if (v.kind !== 'sink' && !outs.has(v.id)) throw new UserError(where(label, `vertices[${i}]`, `"${v.id}" has no output edge`));
  });
  if (!spec.vertices.some((v) => v.kind === 'source')) throw new UserError(where(label, 'vertices', 'needs at least one source'));
  if (!spec.vertices.some((v) => v.kind === 'sink')) throw new UserError(where(label, 'vertices', 'needs at least one sink'));
  const cycle = findCycle(spec);
  if (cycle) throw new UserError(where(label, 'edges', `the graph has a cycle through "${cycle}"`));
  (spec.offload ?? []).forEach((o, i) => {
    const v = ids.get(o.vertex);
    if (v === undefined) throw new UserError(where(label, `offload[${i}].vertex`, `unknown vertex "${o.vertex}"`));
    const kind = spec.vertices[v].kind;
    if (kind === 'source') throw new UserError(where(label, `offload[${i}].vertex`, 'a source cannot be offloaded (offload the vertex after it)'));
    if (kind === 'sink') throw new UserError(where(label, `offload[${i}].vertex`, 'a sink cannot be offloaded (offload the vertex before it)'));
  });
  if (spec.metrics_interval_ms && spec.controller?.interval_ms && spec.controller.interval_ms % spec.metrics_interval_ms !== 0) {
    throw new UserError(where(label, 'controller.interval_ms', 'must be a multiple of metrics_interval_ms'));
  }
  const wm = spec.watermark;
  if (wm?.phase_ms !== undefined && !(wm.phase_ms < (wm.interval_ms ?? WATERMARK_INTERVAL_DEFAULT_MS))) {
    throw new UserError(where(label, 'watermark.phase_ms', 'must be less than watermark.interval_ms (a phase within one interval)'));
  }
}

function findCycle(spec: ScenarioSpec): string | undefined {
  const adj = new Map<string, string[]>();
  for (const e of spec.edges) adj.set(e.from, [...(adj.get(e.from) ?? []), e.to]);
  const state = new Map<string, 1 | 2>();
  const visit = (v: string): string | undefined => {
    if (state.get(v) === 1) return v;
    if (state.get(v) === 2) return undefined;
    state.set(v, 1);
    for (const w of adj.get(v) ?? []) {
      const c = visit(w);
      if (c) return c;
    }
    state.set(v, 2);
    return undefined;
  };
  for (const v of spec.vertices) {
    const c = visit(v.id);
    if (c) return c;
  }
  return undefined;
}
