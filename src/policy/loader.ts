/**
 * Loading a user's policy module and checking, before it is ever run, that it exports a PolicyFactory.
 * The only policy file that touches the file system; policies themselves stay pure.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../util/errors.js';
import type { PolicyFactory } from './contract.js';

export function looksLikeModulePath(nameOrPath: string): boolean {
  return /\.(m?js)$/i.test(nameOrPath);
}

export async function importPolicyModule(path: string, baseDir: string): Promise<PolicyFactory> {
  const file = isAbsolute(path) ? path : resolve(baseDir, path);
  if (!existsSync(file)) throw new UserError(`${path}: no such policy module`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`${path}: cannot load policy module: ${err instanceof Error ? err.message : String(err)}`);
  }
  const candidate = mod.default ?? mod.policy;
  if (candidate === undefined) {
    throw new UserError(`${path}: exports no policy: expected a default export or a named export "policy" (a PolicyFactory)`);
  }
  validateFactory(path, candidate);
  return candidate;
}

/** Throws a UserError naming `path` and the first thing missing or wrong. */
export function validateFactory(path: string, value: unknown): asserts value is PolicyFactory {
  if (typeof value !== 'object' || value === null) {
    throw new UserError(`${path}: the exported policy is not an object (expected a PolicyFactory)`);
  }
  const f = value as Record<string, unknown>;
  if (typeof f.name !== 'string' || f.name === '') throw new UserError(`${path}: policy is missing "name" (a non-empty string)`);
  if (typeof f.description !== 'string') throw new UserError(`${path}: policy "${f.name}" is missing "description" (a string)`);
  if (!Array.isArray(f.params)) throw new UserError(`${path}: policy "${f.name}" is missing "params" (an array of parameter specs, may be empty)`);
  if (typeof f.create !== 'function') throw new UserError(`${path}: policy "${f.name}" is missing "create" (a function (params, context) => Policy)`);
  f.params.forEach((spec: unknown, i: number) => validateParamSpec(`${path}: policy "${f.name}": params[${i}]`, spec));
}

function validateParamSpec(at: string, spec: unknown): void {
  if (typeof spec !== 'object' || spec === null) throw new UserError(`${at}: not an object`);
  const s = spec as Record<string, unknown>;
  if (typeof s.name !== 'string' || s.name === '') throw new UserError(`${at}: missing "name" (a non-empty string)`);
  const named = `${at} ("${s.name}")`;
  if (typeof s.description !== 'string') throw new UserError(`${named}: missing "description" (a string)`);
  const d = s.default;
  if (typeof d !== 'number' && typeof d !== 'string' && typeof d !== 'boolean') {
    throw new UserError(`${named}: missing "default" (a number, string or boolean)`);
  }
  for (const bound of ['min', 'max'] as const) {
    if (s[bound] !== undefined && typeof s[bound] !== 'number') throw new UserError(`${named}: "${bound}" must be a number`);
  }
  if (s.choices !== undefined && !(Array.isArray(s.choices) && s.choices.every((c) => typeof c === 'string'))) {
    throw new UserError(`${named}: "choices" must be an array of strings`);
  }
  if (typeof d === 'number') {
    if (!Number.isFinite(d)) throw new UserError(`${named}: "default" must be a finite number`);
    if ((typeof s.min === 'number' && d < s.min) || (typeof s.max === 'number' && d > s.max)) {
      throw new UserError(`${named}: "default" ${d} is outside [${s.min ?? '-inf'}, ${s.max ?? 'inf'}]`);
    }
  }
  if (typeof d === 'string' && Array.isArray(s.choices) && s.choices.length > 0 && !s.choices.includes(d)) {
    throw new UserError(`${named}: "default" "${d}" is not one of its choices`);
  }
}
