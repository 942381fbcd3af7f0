import { afterEach, describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import { policiesCommand } from '../../src/cli/commands/policies.js';
import { describePolicies, formatPolicies } from '../../src/policy/describe.js';
import { BUILTIN_POLICIES } from '../../src/policy/registry.js';

describe('describePolicies', () => {
  it('describes static with defaults, bounds and allowed values', () => {
    const staticDescription = describePolicies(BUILTIN_POLICIES).find((d) => d.name === 'static')!;
    expect(staticDescription.params.find((p) => p.name === 'share')).toEqual({
      name: 'share',
      description: 'share of records offloaded while triggered',
      default: 0.5,
      allowed: 'a number from 0 to 1',
      min: 0,
      max: 1,
    });
    expect(staticDescription.params.find((p) => p.name === 'maxInFlight')).toMatchObject({ integer: true, allowed: 'an integer from 0 to 10000' });
  });

  it('formats one line per policy and per parameter', () => {
    const text = formatPolicies(describePolicies(BUILTIN_POLICIES));
    expect(text).toContain("backpressure: never offload (Flink's default: backpressure slows the job, records wait at the source)\n    (no parameters)\n");
    expect(text).toContain('    share = 0.5 (a number from 0 to 1): share of records offloaded while triggered\n');
    expect(text).toContain('    signal = "busy" (one of busy, backpressure, upstream-backpressure, pending, lag): ');
  });
});

describe('spillway policies', () => {
  afterEach(() => vi.restoreAllMocks());

  async function run(args: string[]): Promise<string> {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    await yargs(args).command(policiesCommand).strict().parseAsync();
    return out;
  }

  it('prints JSON with --json', async () => {
    const parsed = JSON.parse(await run(['policies', '--json'])) as { name: string }[];
    expect(parsed.map((p) => p.name)).toEqual(['backpressure', 'static', 'threshold', 'target-lag', 'predictive', 'feed-forward', 'budget', 'autoscaler', 'burst+autoscale', 'slo-burst']);
  });

  it('prints text by default', async () => {
    expect(await run(['policies'])).toContain('budget: run another policy (inner) under a dollars-per-hour cap');
  });
});
