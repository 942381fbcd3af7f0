import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PolicyFactory } from '../../src/policy/contract.js';
import { BUILTIN_POLICIES, builtinPolicyNames, createPolicy, getPolicyFactory, loadPolicyFactory } from '../../src/policy/registry.js';
import { UserError } from '../../src/util/errors.js';
import { POINT, context, runPolicy, series, shares } from './snapshots.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const fixture = (name: string) => join(here, 'fixtures', name);

async function loadError(path: string): Promise<string> {
  try {
    await loadPolicyFactory(path);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('built-in registry', () => {
  it('lists the ten built-in policies in order', () => {
    expect(builtinPolicyNames()).toEqual(['backpressure', 'static', 'threshold', 'target-lag', 'predictive', 'feed-forward', 'budget', 'autoscaler', 'burst+autoscale', 'slo-burst']);
  });

  it('finds a policy by name and names the choices otherwise', () => {
    expect(getPolicyFactory('threshold').name).toBe('threshold');
    expect(() => getPolicyFactory('thresh')).toThrow(
      new UserError('unknown policy "thresh"; built-in policies: backpressure, static, threshold, target-lag, predictive, feed-forward, budget, autoscaler, burst+autoscale, slo-burst'),
    );
  });

  it('every built-in parameter default satisfies its own spec', async () => {
    const { resolveParams } = await import('../../src/policy/registry.js');
    for (const f of BUILTIN_POLICIES) {
      const defaults = Object.fromEntries(f.params.map((p) => [p.name, p.default]));
      expect(resolveParams(f, defaults)).toEqual(defaults);
    }
  });
});

describe('loadPolicyFactory', () => {
  it('returns built-ins by name', async () => {
    expect(await loadPolicyFactory('static')).toBe(getPolicyFactory('static'));
  });

  it('loads the example module (relative to a base directory) and runs it', async () => {
    const factory = await loadPolicyFactory('examples/policies/my-policy.mjs', repoRoot);
    expect(factory.name).toBe('proportional-backlog');
    const decisions = runPolicy(factory, { fullAt: 1000 }, series([{ pending: 250 }, { pending: 5000 }, {}]));
    expect(shares(decisions)).toEqual([0.25, 1, 0]);
    expect(decisions[0].points[POINT]).toEqual({ share: 0.25, batchRecords: 200, maxWaitMs: 50, maxInFlight: 16 });
  });

  it('loads a relative path against the working directory by default', async () => {
    const rel = relative(process.cwd(), join(repoRoot, 'examples', 'policies', 'my-policy.mjs'));
    expect((await loadPolicyFactory(rel)).name).toBe('proportional-backlog');
  });

  it('accepts a named export "policy"', async () => {
    const factory = await loadPolicyFactory(fixture('named-export.mjs'));
    expect(factory.name).toBe('named');
    expect(factory.create({}, context()).decide(series([{}])[0])).toEqual({ points: {} });
  });

  it('rejects an unknown name that is not a module path', async () => {
    expect(await loadError('my-policy')).toBe(
      'unknown policy "my-policy"; built-in policies: backpressure, static, threshold, target-lag, predictive, feed-forward, budget, autoscaler, burst+autoscale, slo-burst; or give the path of a .js/.mjs policy module',
    );
  });

  it('names a missing file', async () => {
    const path = fixture('nope.mjs');
    expect(await loadError(path)).toBe(`${path}: no such policy module`);
  });

  it('names a module that exports no policy', async () => {
    const path = fixture('no-export.mjs');
    expect(await loadError(path)).toBe(
      `${path}: exports no policy: expected a default export or a named export "policy" (a PolicyFactory)`,
    );
  });

  it('names what a factory is missing', async () => {
    const path = fixture('missing-create.mjs');
    expect(await loadError(path)).toBe(`${path}: policy "half-done" is missing "create" (a function (params, context) => Policy)`);
  });

  it('names a bad parameter spec', async () => {
    const path = fixture('bad-param.mjs');
    expect(await loadError(path)).toBe(
      `${path}: policy "bad-param": params[0] ("share"): missing "default" (a number, string or boolean)`,
    );
  });

  it('rejects a default export that is not an object', async () => {
    const path = fixture('not-an-object.mjs');
    expect(await loadError(path)).toBe(`${path}: the exported policy is not an object (expected a PolicyFactory)`);
  });

  it('reports a module that throws while loading', async () => {
    const path = fixture('throws.mjs');
    expect(await loadError(path)).toBe(`${path}: cannot load policy module: boom at load`);
  });
});

describe('createPolicy', () => {
  it('resolves parameters for a user module before create sees them', async () => {
    const factory = await loadPolicyFactory('examples/policies/my-policy.mjs', repoRoot);
    const policy = createPolicy(factory, { fullAt: '400' }, context());
    expect(policy.decide(series([{ pending: 100 }])[0]).points[POINT].share).toBe(0.25);
    expect(() => createPolicy(factory, { fullAt: 'x' }, context())).toThrow(
      new UserError('policy "proportional-backlog": parameter "fullAt": given "x", allowed: a number >= 1'),
    );
  });

  it('stops a user policy that decides a malformed value', () => {
    const broken: PolicyFactory = {
      name: 'broken',
      description: 'shares too much',
      params: [],
      create: () => ({ name: 'broken', decide: () => ({ points: { [POINT]: { share: 1.5, batchRecords: 10, maxWaitMs: 5, maxInFlight: 1 } } }) }),
    };
    const policy = createPolicy(broken, {}, context());
    expect(() => policy.decide(series([{}])[0])).toThrow(
      new UserError('policy "broken" at t=1000 ms: point "p1": share 1.5 is not a number from 0 to 1'),
    );
  });

  it('returns built-in policies unwrapped', () => {
    const policy = createPolicy(getPolicyFactory('static'), { share: '0.2', threshold: '0' }, context());
    expect(policy.name).toBe('static');
    expect(policy.decide(series([{ pending: 1 }])[0]).points[POINT].share).toBe(0.2);
  });
});
