/**
 * Policy parameters: validating user-given values against a factory's ParamSpec list, filling defaults,
 * and parsing the CLI's `--param key=value` strings.
 */
import { UserError } from '../util/errors.js';
import type { ParamSpec, ParamValue, PolicyFactory } from './contract.js';

/**
 * A ParamSpec that may also demand an integer. Kept here rather than in contract.ts: it is a structural
 * extension, so factories written against the plain contract still type-check and load.
 */
export interface PolicyParamSpec extends ParamSpec {
  integer?: boolean;
}

export type ParamOverrides = Record<string, ParamValue>;

/** Human words for what a parameter accepts, used in every validation message. */
export function describeAllowed(spec: PolicyParamSpec): string {
  if (typeof spec.default === 'boolean') return 'true or false';
  if (typeof spec.default === 'string') {
    return spec.choices && spec.choices.length > 0 ? `one of ${spec.choices.join(', ')}` : 'any text';
  }
  const kind = spec.integer ? 'an integer' : 'a number';
  const hasMin = spec.min !== undefined;
  const hasMax = spec.max !== undefined;
  if (hasMin && hasMax) return `${kind} from ${spec.min} to ${spec.max}`;
  if (hasMin) return `${kind} >= ${spec.min}`;
  if (hasMax) return `${kind} <= ${spec.max}`;
  return `${kind}`;
}

function shown(value: ParamValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Coerce one given value (CLI strings included) to the spec's type, or return why not. */
function coerce(spec: PolicyParamSpec, given: ParamValue): { ok: true; value: ParamValue } | { ok: false } {
  if (typeof spec.default === 'boolean') {
    if (typeof given === 'boolean') return { ok: true, value: given };
    if (given === 'true') return { ok: true, value: true };
    if (given === 'false') return { ok: true, value: false };
    return { ok: false };
  }
  if (typeof spec.default === 'number') {
    const n = typeof given === 'number' ? given : typeof given === 'string' && given.trim() !== '' ? Number(given) : NaN;
    if (!Number.isFinite(n)) return { ok: false };
    if (spec.integer && !Number.isInteger(n)) return { ok: false };
    if (spec.min !== undefined && n < spec.min) return { ok: false };
    if (spec.max !== undefined && n > spec.max) return { ok: false };
    return { ok: true, value: n };
  }
  const s = typeof given === 'string' ? given : String(given);
  if (spec.choices && spec.choices.length > 0 && !spec.choices.includes(s)) return { ok: false };
  return { ok: true, value: s };
}

/**
 * Validate `overrides` against the factory's parameters and return every parameter with its value
 * (default when not given). Idempotent: resolving an already-resolved record returns the same values.
 *
 * A key `p.x` where `p` is one of the factory's text parameters is passed through untouched: wrapper
 * policies (budget's `inner.`) validate those against the wrapped policy themselves.
 * `label` prefixes parameter names in messages (a wrapper passes `inner.`).
 */
export function resolveParams(factory: PolicyFactory, overrides: ParamOverrides = {}, label = ''): ParamOverrides {
  const specs = factory.params as PolicyParamSpec[];
  const byName = new Map(specs.map((s) => [s.name, s]));
  const resolved: ParamOverrides = {};
  for (const spec of specs) resolved[spec.name] = spec.default;
  for (const [key, given] of Object.entries(overrides)) {
    const spec = byName.get(key);
    if (!spec) {
      const dot = key.indexOf('.');
      const owner = dot > 0 ? byName.get(key.slice(0, dot)) : undefined;
      if (owner && typeof owner.default === 'string') {
        resolved[key] = given;
        continue;
      }
      const known = specs.length > 0 ? specs.map((s) => label + s.name).join(', ') : '(none)';
      throw new UserError(`policy "${factory.name}": unknown parameter "${label}${key}"; known parameters: ${known}`);
    }
    const result = coerce(spec, given);
    if (!result.ok) {
      throw new UserError(
        `policy "${factory.name}": parameter "${label}${key}": given ${shown(given)}, allowed: ${describeAllowed(spec)}`,
      );
    }
    resolved[key] = result.value;
  }
  return resolved;
}

/**
 * Parse CLI `--param key=value` strings (one or many) into overrides; values stay strings and are typed
 * later by resolveParams against the chosen policy's ParamSpec.
 */
export function parseParamArgs(args: string | readonly string[] | undefined): Record<string, string> {
  const list = args === undefined ? [] : typeof args === 'string' ? [args] : args;
  const out: Record<string, string> = {};
  for (const arg of list) {
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(0, eq).trim() : '';
    if (key === '') throw new UserError(`--param ${JSON.stringify(arg)}: expected key=value`);
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new UserError(`--param ${JSON.stringify(key)}: given twice`);
    out[key] = arg.slice(eq + 1).trim();
  }
  return out;
}

/** Read a resolved numeric parameter (resolveParams guarantees the type; this guards direct callers). */
export function numberParam(params: ParamOverrides, name: string): number {
  const v = params[name];
  if (typeof v !== 'number') throw new Error(`parameter "${name}" is not a resolved number`);
  return v;
}

export function stringParam(params: ParamOverrides, name: string): string {
  const v = params[name];
  if (typeof v !== 'string') throw new Error(`parameter "${name}" is not a resolved string`);
  return v;
}
