/**
 * deploy/aws-batch-job.json, the AWS Batch array job definition (no AWS here, so checked for what it must say):
 * the command, with Batch's Ref:: parameters substituted, gives every child of an array of size N its own shard;
 * it runs the image deploy/Containerfile builds (entrypoint `spillway`); its paths lie on the shared volume; a
 * mistake (exit 2) is not retried.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveShard } from '../../src/experiment/sweep/shard.js';

const ROOT = join(new URL('.', import.meta.url).pathname, '..', '..');
const job = JSON.parse(readFileSync(join(ROOT, 'deploy/aws-batch-job.json'), 'utf8'));
const c = job.containerProperties;

/** The command as Batch runs it: each `Ref::name` replaced by the parameter's value. */
function command(parameters: Record<string, string> = job.parameters): string[] {
  return (c.command as string[]).map((arg) => {
    const m = /^Ref::(\w+)$/.exec(arg);
    if (!m) return arg;
    expect(parameters, `${arg} has a default parameter`).toHaveProperty(m[1]!);
    return parameters[m[1]!]!;
  });
}

function flag(args: string[], name: string): string {
  const i = args.indexOf(name);
  expect(i, `${name} in the command`).toBeGreaterThan(0);
  return args[i + 1]!;
}

describe('deploy/aws-batch-job.json', () => {
  it('each child of an array of size N runs its own shard: indices 0..N-1 from AWS_BATCH_JOB_ARRAY_INDEX, N from the command', () => {
    const args = command();
    expect(args.slice(0, 2)).toEqual(['sweep', '/data/sweeps/tokenizer-sweep.json']);
    const n = Number(flag(args, '--shards'));
    expect(n).toBe(8);
    const shards = Array.from({ length: n }, (_, i) => resolveShard(undefined, n, { AWS_BATCH_JOB_ARRAY_INDEX: String(i) }));
    expect(shards).toEqual(Array.from({ length: n }, (_, index) => ({ index, count: n })));
    // An array larger than --shards (a mismatch at submit time) fails its extra children with one line, exit 2.
    expect(() => resolveShard(undefined, n, { AWS_BATCH_JOB_ARRAY_INDEX: String(n) })).toThrow(/AWS_BATCH_JOB_ARRAY_INDEX with --shards 8: shard index 8 is not below/);
    // Overriding the parameters at submit time (--parameters shards=16) changes the count.
    expect(flag(command({ ...job.parameters, shards: '16' }), '--shards')).toBe('16');
  });

  it('runs the Containerfile image (entrypoint spillway) with one worker per vCPU, its paths on the mounted volume', () => {
    const containerfile = readFileSync(join(ROOT, 'deploy/Containerfile'), 'utf8');
    expect(containerfile).toMatch(/^ENTRYPOINT \["spillway"\]$/m);
    expect(c.image).toBe(/image: (\S+)/.exec(readFileSync(join(ROOT, 'deploy/k8s-indexed-job.yaml'), 'utf8'))![1]);
    const vcpu = c.resourceRequirements.find((r: { type: string }) => r.type === 'VCPU').value;
    expect(flag(command(), '--workers')).toBe(vcpu);
    const mounts = (c.mountPoints as { sourceVolume: string; containerPath: string }[]).filter((m) =>
      (c.volumes as { name: string }[]).some((v) => v.name === m.sourceVolume),
    );
    for (const path of [command()[1]!, flag(command(), '--out')]) expect(mounts.some((m) => path.startsWith(`${m.containerPath}/`))).toBe(true);
  });

  it('a mistake in the sweep file or arguments (exit 2) or an interruption (130) is not retried; anything else is, and resumes', () => {
    const rules = job.retryStrategy.evaluateOnExit as { onExitCode?: string; onReason?: string; action: string }[];
    const actionFor = (code: number): string => rules.find((r) => (r.onExitCode ? r.onExitCode === String(code) : r.onReason === '*'))!.action;
    expect([2, 130, 1, 137].map(actionFor)).toEqual(['EXIT', 'EXIT', 'RETRY', 'RETRY']);
    expect(job.retryStrategy.attempts).toBeGreaterThan(1);
  });
});
