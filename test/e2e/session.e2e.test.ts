/**
 * The remote path against a real Flink session cluster (npm run test:session): a JobManager and two TaskManagers,
 * separate JVMs from Maven Central artifacts, the job submitted over REST.
 *  - validate with the tokenizer at parallelism 2 (one slot per TaskManager, so the job spans both): zero loss, and
 *    every edge's local channels as the simulator's SlotPlacement (network.task_managers = 2) takes them;
 *  - one live rescale each way, p 2 → 4: stop-with-savepoint and a new job from it; the adaptive scheduler's
 *    in-place rescale from the last checkpoint. Each job runs its whole trace; its sink's ledger, carried across
 *    the stop as writer state, counts every record exactly once (a record lost or replayed twice fails the run).
 * Afterwards the cluster's REST port no longer answers (every JVM stopped).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFlinkJar } from '../../src/live/flink-job.js';
import { measureRescales } from '../../src/live/rescale-measure.js';
import { runValidationOnSession } from '../../src/live/validate/on-session.js';

const ROOT = resolve(__dirname, '../..');
const OUT = join(ROOT, 'out', 'e2e-session');

beforeAll(async () => {
  await ensureFlinkJar({ cluster: true, rebuild: process.env.SPILLWAY_E2E_REBUILD !== '0', offline: true }).catch(() => ensureFlinkJar({ cluster: true, rebuild: true }));
}, 900_000);

function scenarioP2(): string {
  const s = JSON.parse(readFileSync(join(ROOT, 'test', 'e2e', 'validate-spike.json'), 'utf8'));
  s.vertices.find((v: { id: string }) => v.id === 'tokenizer').parallelism = 2;
  s.workload.trace = join(ROOT, 'test', 'e2e', 'validate-spike.csv');
  s.offload[0].platform = join(ROOT, 'models', 'aws-lambda-nodejs-1024.json');
  mkdirSync(OUT, { recursive: true });
  const p = join(OUT, 'validate-spike-p2.json');
  writeFileSync(p, JSON.stringify(s, null, 2));
  return p;
}

describe('Flink session cluster (JobManager + 2 TaskManagers)', () => {
  it('validates a p=2 tokenizer with zero loss, and the local channels match the simulator', async () => {
    const r = await runValidationOnSession({ scenario: scenarioP2(), out: join(OUT, 'validate'), durationS: 30 }, { taskManagers: 2 });
    expect(r.zeroLoss).toBe(true);
    expect(r.real.records.lost).toBe(0);
    expect(r.real.records.duplicated).toBe(0);
    const s = JSON.parse(readFileSync(join(r.dir, 'session-cluster.json'), 'utf8'));
    expect(s.task_managers).toBe(2);
    expect(s.slots_per_task_manager).toBe(1);
    expect(s.edges.length).toBeGreaterThan(0);
    for (const e of s.edges) expect(e.localReal, `${e.strategy} ${e.from}→${e.to}`).toBe(e.localSimulated);
    // the tokenizer's 2 subtasks on 2 TaskManagers: its edges have remote channels for real (1 of 2 local)
    expect(s.edges.some((e: { channels: number; localReal: number }) => e.channels === 2 && e.localReal === 1)).toBe(true);
    expect(existsSync(join(r.dir, 'real', 'session-cluster', 'jobmanager.log'))).toBe(true);
    await expect(fetch(`${s.rest_url}/config`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });

  it('rescales live: stop-with-savepoint at p=2, restored at p=4, every record once across both jobs', async () => {
    const m = await measureRescales({ repeats: 1, from: 2, to: 4, rate: 300, warmS: 3, out: join(OUT, 'rescale'), log: (l) => process.stderr.write(l + '\n') });
    expect(m.timings).toHaveLength(1);
    const t = m.timings[0];
    expect(t.savepoint).toMatch(/savepoint-/);
    // the phases are ordered: savepoint written, then the old job ends, then the new one runs
    expect(t.savepointMs!).toBeLessThanOrEqual(t.stoppedMs!);
    expect(t.stoppedMs!).toBeLessThanOrEqual(t.downtimeMs);
    // 300 records/s for 3 + 12 s: every one emitted once over both incarnations
    expect(t.ledger).toEqual({ ok: true, generated: 4500, emitted: 4500, lost: 0, duplicated: 0 });
    expect(t.backlogRecords).toBeGreaterThanOrEqual(0);
    expect(m.taskmanager_ready_s).toHaveLength(1);
  });

  it('rescales live in place (adaptive scheduler): from the last checkpoint, every record once', async () => {
    const m = await measureRescales({ repeats: 1, mode: 'in-place', from: 2, to: 4, rate: 300, warmS: 3, out: join(OUT, 'rescale-in-place'), log: (l) => process.stderr.write(l + '\n') });
    const t = m.timings[0];
    expect(t.mode).toBe('in-place');
    expect(t.waitMs).toBeGreaterThanOrEqual(0);
    expect(t.downtimeMs).toBeGreaterThanOrEqual(0);
    expect(t.ledger).toEqual({ ok: true, generated: 4500, emitted: 4500, lost: 0, duplicated: 0 });
  });
});
