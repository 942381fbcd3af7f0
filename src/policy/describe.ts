/** Policies described for people (`spillway policies`) and for programs (`--json`). */
import type { PolicyFactory } from './contract.js';
import { describeAllowed, type PolicyParamSpec } from './params.js';

export interface ParamDescription {
  name: string;
  description: string;
  default: number | string | boolean;
  allowed: string;
  min?: number;
  max?: number;
  choices?: string[];
  integer?: boolean;
}

export interface PolicyDescription {
  name: string;
  description: string;
  params: ParamDescription[];
}

export function describePolicies(factories: readonly PolicyFactory[]): PolicyDescription[] {
  return factories.map((f) => ({
    name: f.name,
    description: f.description,
    params: (f.params as PolicyParamSpec[]).map((s) => {
      const d: ParamDescription = { name: s.name, description: s.description, default: s.default, allowed: describeAllowed(s) };
      if (s.min !== undefined) d.min = s.min;
      if (s.max !== undefined) d.max = s.max;
      if (s.choices !== undefined) d.choices = [...s.choices];
      if (s.integer) d.integer = true;
      return d;
    }),
  }));
}

/** Plain text: each policy, then one indented line per parameter: name = default (allowed): what it does. */
export function formatPolicies(descriptions: readonly PolicyDescription[]): string {
  const lines: string[] = [];
  for (const p of descriptions) {
    lines.push(`${p.name}: ${p.description}`);
    if (p.params.length === 0) lines.push('    (no parameters)');
    for (const param of p.params) {
      const shownDefault = typeof param.default === 'string' ? JSON.stringify(param.default) : String(param.default);
      lines.push(`    ${param.name} = ${shownDefault} (${param.allowed}): ${param.description}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
