/** The cluster bill by hand: per-second billing with a 60 s minimum, TaskManagers from the widest vertex. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { billedSeconds, ClusterBill, taskManagersFor } from '../../src/cluster/billing.js';
import { loadClusterModel } from '../../src/cluster/model.js';

const model = loadClusterModel('test/fixtures/cluster-test.json');

describe('cluster bill', () => {
  it('rounds each lifetime up to the granularity, at least the minimum', () => {
    expect(billedSeconds(20.2, model.billing)).toBe(60);
    expect(billedSeconds(61.2, model.billing)).toBe(62);
    expect(billedSeconds(3600, { granularity_s: 3600, min_billed_s: 0 })).toBe(3600);
    expect(billedSeconds(3601, { granularity_s: 3600, min_billed_s: 0 })).toBe(7200);
  });

  it('needs ceil(max parallelism / slots) TaskManagers', () => {
    expect(taskManagersFor(1, model)).toBe(1);
    expect(taskManagersFor(4, model)).toBe(2);
    expect(taskManagersFor(5, model)).toBe(3);
  });

  it('bills kept TaskManagers from the start and new ones from the resize', () => {
    const bill = new ClusterBill(model, 1);
    bill.resize(100_000, 3); // two more from 100 s
    bill.resize(200_000, 2); // one of the new ones goes at 200 s: 100 s billed
    const c = bill.cost(1_000_000);
    // TM0: 1000 s; TM1: 900 s; TM2: 100 s → 2000 s = 0.5556 h × $0.096 + 1000 s of $0.048/h
    expect(c.taskmanager_hours).toBeCloseTo(2000 / 3600, 12);
    expect(c.usd).toBeCloseTo((2000 / 3600) * 0.096 + (1000 / 3600) * 0.048, 12);
    expect(c.taskmanagers).toBe(2);
  });

  it('names the file and field of a bad model', () => {
    expect(() => loadClusterModel('test/fixtures/nope.json')).toThrow('test/fixtures/nope.json: cannot read the cluster model file');
    const dir = mkdtempSync(join(tmpdir(), 'spillway-cluster-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...model, taskmanager: { ...model.taskmanager, slots: 0 } }));
    expect(() => loadClusterModel(bad)).toThrow(`${bad}: taskmanager.slots: must be >= 1`);
    writeFileSync(bad, JSON.stringify({ ...model, restart_s: { type: 'lognormal', median: -1, sigma: 1 } }));
    expect(() => loadClusterModel(bad)).toThrow(`${bad}: restart_s`);
    rmSync(dir, { recursive: true });
  });
});
