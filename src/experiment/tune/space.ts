/**
 * The search space of `spillway tune`: which parameters vary and over what, and seeded sampling of candidates.
 *
 * `--space name=lo:hi` is a numeric range (log-uniform when hi/lo ≥ 10, integers for integer parameters);
 * `--space name=a,b,c` a list of values. Without `--space`, every numeric parameter of the policy except the
 * batching ones, over [default / 2, default × 2] within its bounds (parameters whose default is 0 stay fixed).
 */
import seedrandom from 'seedrandom';
import type { ParamValue, PolicyFactory } from '../../policy/contract.js';
import { BATCH_PARAMS } from '../../policy/batching.js';
import type { PolicyParamSpec } from '../../policy/params.js';
import { UserError } from '../../util/errors.js';
import type { Params } from '../sweep/types.js';

export type Dimension =
  | { name: string; kind: 'range'; lo: number; hi: number; integer: boolean; log: boolean }
  | { name: string; kind: 'choice'; values: ParamValue[] };

function specOf(factory: PolicyFactory, name: string): PolicyParamSpec {
  const spec = factory.params.find((p) => p.name === name) as PolicyParamSpec | undefined;
  if (!spec) throw new UserError(`--space ${name}: policy "${factory.name}" has no parameter "${name}"; it has ${factory.params.map((p) => p.name).join(', ')}`);
  return spec;
}

function literal(spec: PolicyParamSpec, text: string): ParamValue {
  if (typeof spec.default === 'number') return Number(text);
  if (typeof spec.default === 'boolean') return text === 'true';
  return text;
}

/** One `--space` argument. Values are checked against the policy when the first run resolves them. */
export function parseDimension(factory: PolicyFactory, arg: string): Dimension {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new UserError(`--space "${arg}": expected name=lo:hi or name=a,b,c`);
  const name = arg.slice(0, eq);
  const body = arg.slice(eq + 1);
  const spec = specOf(factory, name);
  const range = /^(-?[\d.e+-]+):(-?[\d.e+-]+)$/.exec(body);
  if (range && typeof spec.default === 'number') {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new UserError(`--space ${name}: range ${body} must be lo:hi with lo < hi`);
    if ((spec.min !== undefined && lo < spec.min) || (spec.max !== undefined && hi > spec.max)) {
      throw new UserError(`--space ${name}: range ${body} leaves the parameter's bounds [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}]`);
    }
    return { name, kind: 'range', lo, hi, integer: spec.integer === true, log: lo > 0 && hi / lo >= 10 };
  }
  const values = body.split(',').filter((v) => v !== '').map((v) => literal(spec, v));
  if (values.length === 0 || values.some((v) => typeof v === 'number' && !Number.isFinite(v))) {
    throw new UserError(`--space ${name}: "${body}" is neither lo:hi nor a list of values`);
  }
  return { name, kind: 'choice', values };
}

/** The default space: numeric, non-batching parameters around their defaults. */
export function defaultSpace(factory: PolicyFactory): Dimension[] {
  const batching = new Set(BATCH_PARAMS.map((p) => p.name));
  const dims: Dimension[] = [];
  for (const p of factory.params as PolicyParamSpec[]) {
    if (batching.has(p.name) || typeof p.default !== 'number' || p.default <= 0) continue;
    const lo = Math.max(p.min ?? -Infinity, p.default / 2);
    const hi = Math.min(p.max ?? Infinity, p.default * 2);
    if (lo < hi) dims.push({ name: p.name, kind: 'range', lo, hi, integer: p.integer === true, log: false });
  }
  if (dims.length === 0) throw new UserError(`policy "${factory.name}" has no numeric parameter to tune; give --space`);
  return dims;
}

/** 4 significant digits: readable parameters and stable configuration ids. */
function round4(x: number): number {
  return Number(x.toPrecision(4));
}

function draw(d: Dimension, u: number): ParamValue {
  if (d.kind === 'choice') return d.values[Math.min(d.values.length - 1, Math.floor(u * d.values.length))];
  const x = d.log ? Math.exp(Math.log(d.lo) + u * (Math.log(d.hi) - Math.log(d.lo))) : d.lo + u * (d.hi - d.lo);
  return d.integer ? Math.round(x) : round4(x);
}

/** `n` distinct candidates, seeded; fewer when the space has fewer distinct points. */
export function sampleCandidates(space: readonly Dimension[], n: number, seed: number): Params[] {
  const rng = seedrandom.alea(`tune/${seed}`);
  const seen = new Set<string>();
  const out: Params[] = [];
  for (let attempt = 0; out.length < n && attempt < n * 50; attempt++) {
    const c: Params = {};
    for (const d of space) c[d.name] = draw(d, rng());
    const key = JSON.stringify(c);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}
