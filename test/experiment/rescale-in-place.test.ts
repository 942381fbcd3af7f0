/**
 * The adaptive scheduler's in-place rescale in the simulator: the job runs on while a new TaskManager starts,
 * stops at the next checkpoint's barrier, is down for in_place_restart_s, resumes at the new parallelism; every
 * record leaves the job once. Times and the bill are computed by hand from test/fixtures/cluster-test.json
 * (restart 2 s, in place 1 s, TaskManager ready 5 s, 2 slots per TaskManager at $0.096/h, JobManager $0.048/h).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/experiment/runner.js';
import { scenario, tokenizerSpec } from '../helpers/scenarios.js';
import { expectEveryRecordOnce, scripted } from '../helpers/scripted-policy.js';
import { tempDir } from '../helpers/tmp.js';

const IN_PLACE = { model: 'cluster-test.json', rescale: 'in-place' as const, checkpoint_interval_s: 4 };

describe('in-place rescaling (adaptive scheduler)', () => {
  it('runs on while the new TaskManager starts, stops at the next checkpoint, is down in_place_restart_s', () => {
    const s = runScenario(scenario(tokenizerSpec({ cluster: IN_PLACE })), { policy: scripted([{ tS: 5, p: 4 }], 0) }).summary;
    expect(s.cluster.rescales).toBe(1);
    const e = s.cluster.events[0];
    expect(e.mode).toBe('in-place');
    expect(e.request_s).toBe(5);
    // TaskManager ready at 5 + 5 = 10 s; checkpoints every 4 s: the next one at 12 s
    expect(e.barrier_s).toBe(12);
    expect(e.stopped_s).toBeGreaterThanOrEqual(12);
    expect(e.resumed_s - e.stopped_s).toBeCloseTo(1, 9);
    expect(s.cluster.downtime_s).toBeCloseTo(e.resumed_s - 12, 3);
    expect(s.vertices.tokenizer.parallelism).toBe(4);
    expect(s.records.lost).toBe(0);
    expect(s.records.duplicated).toBe(0);
    expect(s.records.emitted).toBe(s.records.arrived);
    expect(s.records.results).toBe(3 * s.records.arrived);
    // bill: TM0 over the whole run, TM1 from the request (5 s); each ≥ 60 s; plus the JobManager
    const end = Math.max(s.duration_s, s.end_s);
    const tmS = Math.max(60, Math.ceil(end)) + Math.max(60, Math.ceil(end - 5));
    expect(s.cost_usd.cluster).toBeCloseTo((tmS / 3600) * 0.096 + (end / 3600) * 0.048, 7);
  });

  it('a scale-down waits only for the next checkpoint', () => {
    const s = runScenario(scenario(tokenizerSpec({ cluster: IN_PLACE })), { policy: scripted([{ tS: 5, p: 1 }], 0) }).summary;
    const e = s.cluster.events[0];
    expect(e.barrier_s).toBe(8);
    expect(e.resumed_s - e.stopped_s).toBeCloseTo(1, 9);
    expect(s.vertices.tokenizer.parallelism).toBe(1);
  });

  it('a cluster model without in_place_restart_s is refused in one line naming the file and field', () => {
    const dir = tempDir('spillway-inplace-');
    const fixture = join(__dirname, '..', 'fixtures', 'cluster-test.json');
    const m = JSON.parse(readFileSync(fixture, 'utf8'));
    delete m.in_place_restart_s;
    writeFileSync(join(dir, 'cluster-x.json'), JSON.stringify(m));
    const sc = scenario(tokenizerSpec({ cluster: { ...IN_PLACE, model: join(dir, 'cluster-x.json') } }));
    expect(() => runScenario(sc, { policy: scripted([{ tS: 5, p: 4 }], 0) })).toThrow(/cluster-x\.json.*in_place_restart_s.*in-place/);
  });

  it('loses and duplicates no record across random in-place rescales, with and without offloading (exact counts)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ tS: fc.integer({ min: 1, max: 18 }), p: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(0, 0.5),
        fc.integer({ min: 1, max: 6 }),
        (reqs, share, interval) => {
          const requests = [...reqs].sort((a, b) => a.tS - b.tS);
          const spec = tokenizerSpec({ cluster: { ...IN_PLACE, checkpoint_interval_s: interval }, duration_s: 20 });
          const s = runScenario(scenario(spec), { policy: scripted(requests, share) }).summary;
          expectEveryRecordOnce(s);
          for (const e of s.cluster.events) expect(e.barrier_s! % interval).toBeCloseTo(0, 6);
        },
      ),
      { numRuns: 25, seed: 15 },
    );
  });
});
