/** Turn the first JSON-schema (ajv) error into the `field: what` of a one-line user message. */
import type { ErrorObject } from 'ajv';

/** `/vertices/1/service_ms` → `vertices[1].service_ms` */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}

export function describeAjvError(e: ErrorObject): { field: string; what: string } {
  let field = fieldPath(e.instancePath);
  let what = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    field = field ? `${field}.${extra}` : extra;
    what = 'is not a known field';
  } else if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    field = field ? `${field}.${missing}` : missing;
    what = 'is required';
  } else if (e.keyword === 'enum') {
    what = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return { field: field || '(top level)', what };
}
