import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPlatformModel, loadPlatformModel } from '../../src/serverless/model-file.js';
import { UserError } from '../../src/util/errors.js';
import { MODELS_DIR } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

const NAMES = ['aws-lambda-nodejs-1024', 'aws-lambda-nodejs-1769-arm64', 'aws-lambda-python-512', 'azure-functions-consumption'];
const raw = (name: string) => JSON.parse(readFileSync(join(MODELS_DIR, `${name}.json`), 'utf8')) as Record<string, any>;

function messageOf(mutate: (m: Record<string, any>) => void, base = 'aws-lambda-nodejs-1024'): string {
  const m = raw(base);
  mutate(m);
  try {
    checkPlatformModel(m, 'x.json');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  return 'no error';
}

describe('the default model files', () => {
  it.each(NAMES)('%s loads and its id is its file name', (name) => {
    const m = loadPlatformModel(join(MODELS_DIR, `${name}.json`));
    expect(m.id).toBe(name);
  });

  it('key numbers', () => {
    const x86 = raw('aws-lambda-nodejs-1024');
    expect(x86.memory.default_mb).toBe(1024);
    expect(x86.scale_out).toEqual({ max_new: 1000, window_s: 10, refill: 'continuous' });
    expect(x86.concurrency.account_limit).toBe(1000);
    expect(x86.billing.per_gb_s_usd).toBe(0.0000166667);
    expect(raw('aws-lambda-nodejs-1769-arm64').billing.per_gb_s_usd).toBe(0.0000133334);
    const az = raw('azure-functions-consumption');
    expect(az.concurrency.max_instances).toBe(200);
    expect(az.scale_out).toEqual({ max_new: 1, window_s: 1, refill: 'continuous' });
    expect(az.instance.max_concurrency).toBe(100);
    expect(az.billing).toMatchObject({ per_gb_s_usd: 0.000016, min_billed_ms: 100, memory_rounding_mb: 128, bill_init: false });
  });
});

describe('validation messages', () => {
  it('names the file, the field and what is wrong', () => {
    expect(messageOf((m) => delete m.billing.bill_init)).toBe('x.json: billing.bill_init: is required');
    expect(messageOf((m) => (m.memory.foo = 1))).toBe('x.json: memory.foo: is not a known field');
    expect(messageOf((m) => (m.platform = 'gcp'))).toBe('x.json: platform: must be one of "aws-lambda", "azure-functions-consumption"');
    expect(messageOf((m) => (m.format = 'v2'))).toBe('x.json: format: must be "spillway-platform-model/1"');
    expect(messageOf((m) => (m.concurrency.account_limit = 0))).toBe('x.json: concurrency.account_limit: must be >= 1');
    expect(messageOf((m) => (m.faults.error_rate = 1.5))).toBe('x.json: faults.error_rate: must be <= 1');
    expect(messageOf((m) => (m.provenance.date = 'yesterday'))).toBe('x.json: provenance.date: must match pattern "^\\d{4}-\\d{2}-\\d{2}$"');
  });

  it('checks what a schema cannot say', () => {
    expect(messageOf((m) => (m.memory.default_mb = 64))).toBe('x.json: memory.default_mb: must be within memory.min_mb..memory.max_mb (128..10240)');
    expect(messageOf((m) => (m.cold_start_ms = { type: 'uniform', min: 500, max: 100 }))).toBe('x.json: cold_start_ms: max must be >= min');
    expect(messageOf((m) => (m.limits.timeout_s = 1000))).toBe('x.json: limits.timeout_s: must be <= limits.max_timeout_s (900)');
    expect(messageOf((m) => Object.assign(m.faults, { error_rate: 0.6, timeout_rate: 0.6 }))).toBe('x.json: faults: error_rate + timeout_rate must be <= 1');
    expect(messageOf((m) => (m.provenance.parameters['cpu.threads'] = { kind: 'official', source: 's' }))).toBe(
      'x.json: provenance.parameters.cpu.threads: names no field of the model',
    );
    expect(messageOf((m) => (m.concurrency.provisioned = 2), 'azure-functions-consumption')).toBe(
      'x.json: concurrency.provisioned: needs billing.provisioned prices (the platform has no provisioned concurrency)',
    );
    expect(messageOf((m) => delete m.billing.observed_mb, 'azure-functions-consumption')).toBe(
      'x.json: billing.observed_mb: is required when memory_basis is "observed"',
    );
    expect(messageOf((m) => (m.instance.scale_target_concurrency = 2))).toBe(
      'x.json: instance.scale_target_concurrency: must be <= instance.max_concurrency (1)',
    );
  });

  it('reports unreadable and malformed files', () => {
    const dir = tempDir('spillway-model-');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "format": ');
    expect(() => loadPlatformModel(bad)).toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:13: not valid JSON: expected a value, found the end of the file$`));
    const missing = join(dir, 'missing.json');
    expect(() => loadPlatformModel(missing)).toThrow(`${missing}: cannot read the platform model file`);
  });
});
