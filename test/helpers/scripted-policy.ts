/** A policy that asks for the given parallelism of the tokenizer at the given times, and offloads `share`. */
import { expect } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary.js';
import type { PolicyFactory } from '../../src/policy/contract.js';

export function scripted(requests: { tS: number; p: number }[], share: number): PolicyFactory {
  return {
    name: 'scripted',
    description: 'test',
    params: [],
    create(_p, ctx) {
      return {
        name: 'scripted',
        decide(snap) {
          const points = Object.fromEntries(ctx.offloadPoints.map((pt) => [pt.id, { share, batchRecords: 10, maxWaitMs: 20, maxInFlight: 8 }]));
          const due = requests.filter((r) => r.tS * 1000 <= snap.tMs).pop();
          return due ? { points, parallelism: { tokenizer: due.p } } : { points };
        },
      };
    },
  };
}

/** Drained, and every record left the job once (the tokenizer scenario: three results per line). */
export function expectEveryRecordOnce(s: RunSummary): void {
  expect(s.drained).toBe(true);
  expect(s.records.lost).toBe(0);
  expect(s.records.duplicated).toBe(0);
  expect(s.records.emitted).toBe(s.records.arrived);
  expect(s.records.results).toBe(3 * s.records.arrived);
}
