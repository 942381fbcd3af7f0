/** JSON-schema validation (ajv) with one-line user messages: `field: what`. */
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';

/** `/vertices/1/service_ms` → `vertices[1].service_ms` */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}

/**
 * Turn ajv's errors into `field` + `what`. With `oneOf` (nullable fields, alternative forms) ajv reports the
 * branch errors first; the deepest error is preferred so the message names the innermost field.
 */
export function describeAjvErrors(errors: ErrorObject[]): { field: string; what: string } {
  let e = errors[0];
  for (const x of errors) if (x.instancePath.length > e.instancePath.length && x.keyword !== 'oneOf') e = x;
  let field = fieldPath(e.instancePath);
  let what = e.message ?? 'is invalid';
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      field = field ? `${field}.${extra}` : extra;
      what = 'is not a known field';
      break;
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      field = field ? `${field}.${missing}` : missing;
      what = 'is required';
      break;
    }
    case 'enum':
      what = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      what = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
      break;
    case 'oneOf':
      what = 'does not match any allowed form';
      break;
  }
  return { field: field || '(top level)', what };
}

/**
 * A validator compiled on first use: compiling large schemas costs a noticeable share of the CLI's start-up,
 * and most commands never need most schemas.
 */
export function lazyValidator(schema: AnySchema, dependencies: AnySchema[] = []): (json: unknown) => { field: string; what: string } | undefined {
  let validate: ValidateFunction | undefined;
  return (json) => {
    if (!validate) {
      const ajv = new Ajv({ allErrors: false, strict: false });
      for (const d of dependencies) ajv.addSchema(d);
      validate = ajv.compile(schema);
    }
    return validate(json) ? undefined : describeAjvErrors(validate.errors!);
  };
}
