/**
 * The live harness ignores a policy's parallelism requests (the job does not rescale) and says so, counted: how many
 * decisions asked a vertex for another parallelism, and which vertices (issue 15, item 3).
 */
import { describe, expect, it } from 'vitest';
import { LiveController, type LiveReading, type MappedVertex, type VertexReading } from '../../src/live/validate/controller.js';
import { ignoredParallelismLine, ParallelismRequests } from '../../src/live/validate/ignored-parallelism.js';
import type { Decision, PolicyFactory } from '../../src/policy/contract.js';
import { createPolicy } from '../../src/policy/registry.js';

const MAPPED: MappedVertex[] = [
  { id: 'source', role: 'source', parallelism: 1 },
  { id: 'router', role: 'router', parallelism: 1 },
  { id: 'tokenizer', role: 'tokenizer', parallelism: 2 },
  { id: 'sink', role: 'sink', parallelism: 1 },
];
const POINT = { id: 'burst', vertex: 'tokenizer' };
const agg = (sum: number) => ({ min: sum, max: sum, avg: sum, sum });

function reading(epochMs: number, n: number): LiveReading {
  const vertices: VertexReading[] = [
    { name: 'Source: source', parallelism: 1, metrics: { numRecordsOut: agg(n), pendingRecords: agg(0) } },
    { name: 'router', parallelism: 1, metrics: { routedOffload: agg(0) } },
    { name: 'tokenizer', parallelism: 2, metrics: { numRecordsIn: agg(n), accumulateBusyTimeMs: agg(n), accumulateIdleTimeMs: agg(0) } },
    { name: 'offload-batcher -> offload-invoke', parallelism: 2, metrics: {} },
  ];
  return { epochMs, vertices, endpoint: null };
}

/** A policy that returns the given parallelism requests, one per decision (undefined: none). */
function asking(requests: (Record<string, number> | undefined)[]): PolicyFactory {
  return {
    name: 'asking',
    description: 'test',
    params: [],
    create: () => {
      let i = 0;
      return {
        name: 'asking',
        decide: (): Decision => {
          const parallelism = requests[i++];
          const points = { burst: { share: 0, batchRecords: 10, maxWaitMs: 20, maxInFlight: 1 } };
          return parallelism ? { points, parallelism } : { points };
        },
      };
    },
  };
}

function run(requests: (Record<string, number> | undefined)[]) {
  const ctx = LiveController.context(MAPPED, POINT, 1000);
  const ctl = new LiveController(createPolicy(asking(requests), {}, ctx), { vertices: MAPPED, offloadPoint: POINT, originEpochMs: 0 });
  requests.forEach((_, i) => ctl.step(reading(1000 * (i + 1), 100 * (i + 1))));
  return ctl;
}

describe('parallelism requests on the live side', () => {
  it('counts the decisions that asked for another parallelism, and names their vertices', () => {
    // 2 → 4 asked twice, the running 2 once (no change: not a request), the source and the tokenizer once together
    const ctl = run([undefined, { tokenizer: 4 }, { tokenizer: 2 }, { tokenizer: 4 }, { source: 2, tokenizer: 2 }, { sink: 3, tokenizer: 3 }]);
    expect(ctl.ignoredParallelism).toEqual({ requests: 4, vertices: ['sink', 'source', 'tokenizer'] });
    expect(ignoredParallelismLine(ctl.ignoredParallelism)).toBe(
      'validate: parallelism requests ignored by the live job: 4 (vertices sink, source, tokenizer; it does not rescale: no stop-with-savepoint and restart)',
    );
  });

  it('says 0 when the policy asked for none', () => {
    const ctl = run([undefined, undefined, { tokenizer: 2 }]);
    expect(ctl.ignoredParallelism).toEqual({ requests: 0, vertices: [] });
    expect(ignoredParallelismLine(ctl.ignoredParallelism)).toBe('validate: parallelism requests ignored by the live job: 0');
  });

  it('a vertex the job does not know is a request too (it cannot run at any parallelism there)', () => {
    const r = new ParallelismRequests(new Map([['tokenizer', 2]]));
    r.ignore({ window: 2 });
    expect(r.summary()).toEqual({ requests: 1, vertices: ['window'] });
  });
});
