/** validate --runtime: checked before anything starts, and the simulated local model it selects. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOptions, localEndpointModelPath } from '../../src/live/validate/options.js';
import type { ValidateOptions } from '../../src/live/validate/types.js';
import { specMean, type ShiftedSpec } from '../../src/engine/distributions.js';
import { loadPlatformModel } from '../../src/serverless/model-file.js';
import { UserError } from '../../src/util/errors.js';

const base: ValidateOptions = { scenario: 'examples/default.json' };

function refusal(o: ValidateOptions): string {
  try {
    checkOptions(o);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected checkOptions to refuse');
}

describe('validate --runtime', () => {
  it('accepts node, python and java for the local endpoint', () => {
    for (const runtime of ['node', 'python', 'java'] as const) expect(() => checkOptions({ ...base, runtime })).not.toThrow();
  });

  it('refuses another runtime with one line naming the flag', () => {
    expect(refusal({ ...base, runtime: 'ruby' as never })).toBe('--runtime: expected node, python or java, got "ruby"');
  });

  it('refuses --runtime with --target aws, where the deployed function decides', () => {
    expect(refusal({ ...base, target: 'aws', runtime: 'java' })).toMatch(/^--runtime picks the local endpoint's handler; with --target aws/);
  });
});

describe('the local endpoint model per runtime', () => {
  it('node keeps the shared models', () => {
    expect(basename(localEndpointModelPath('wait'))).toBe('local-endpoint-wait.json');
    expect(basename(localEndpointModelPath('cpu', 'node'))).toBe('local-endpoint.json');
  });

  it('java and python take their own wait-mode models (their cold starts differ), cpu mode falls back to the shared one', () => {
    expect(basename(localEndpointModelPath('wait', 'java'))).toBe('local-endpoint-wait-java.json');
    expect(basename(localEndpointModelPath('wait', 'python'))).toBe('local-endpoint-wait-python.json');
    expect(basename(localEndpointModelPath('cpu', 'java'))).toBe('local-endpoint.json');
  });
});

describe('the per-runtime models, calibrated from live runs (docs/LAMBDA.md)', () => {
  const raw = (runtime: 'node' | 'java' | 'python') => JSON.parse(readFileSync(localEndpointModelPath('wait', runtime), 'utf8')) as Record<string, unknown>;
  const coldMean = (runtime: 'node' | 'java' | 'python') => specMean(raw(runtime).cold_start_ms as ShiftedSpec);

  it('load as platform models and keep the shared wait-mode structure and prices', () => {
    const node = raw('node');
    for (const runtime of ['java', 'python'] as const) {
      expect(() => loadPlatformModel(localEndpointModelPath('wait', runtime))).not.toThrow();
      const m = raw(runtime);
      expect(m.id).toBe(`local-endpoint-wait-${runtime}`);
      for (const field of ['cpu', 'instance', 'concurrency', 'billing', 'limits', 'keep_alive_s']) expect(m[field], field).toEqual(node[field]);
    }
  });

  it('order the cold starts as measured: a JVM start above a Python start above a Node start', () => {
    // Means of the fitted distributions: java 6,275 ms, python 2,672 ms (the live runs' empirical quantiles), node 34 ms.
    expect(Math.round(coldMean('java'))).toBe(6275);
    expect(Math.round(coldMean('python'))).toBe(2672);
    expect(coldMean('node')).toBeLessThan(40);
  });
});
