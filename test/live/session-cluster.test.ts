// The pure parts of the session-cluster path: the generated config, channel counting against SlotPlacement, and
// the restart_s fit. (The cluster itself runs in test/e2e/session.e2e.test.ts, npm run test:session.)
import { describe, expect, it } from 'vitest';
import { channelPairs, compareChannels, type RealPlacement } from '../../src/live/channel-placement.js';
import { restartFit, spread } from '../../src/live/rescale-live.js';
import { sessionConfigYaml } from '../../src/live/session-cluster.js';
import { summarize } from '../../src/live/rescale-measure.js';

describe('sessionConfigYaml', () => {
  const y = sessionConfigYaml({ rpcPort: 41000, restPort: 42000, slots: 2, savepointDir: '/tmp/sp' });
  const kv = new Map(y.trim().split('\n').map((l) => l.split(': ') as [string, string]));
  it('binds everything to 127.0.0.1 on the given ports', () => {
    for (const k of ['jobmanager.rpc.address', 'jobmanager.bind-host', 'rest.address', 'rest.bind-address', 'taskmanager.host', 'taskmanager.bind-host']) expect(kv.get(k)).toBe('127.0.0.1');
    expect(kv.get('jobmanager.rpc.port')).toBe('41000');
    expect(kv.get('rest.port')).toBe('42000');
    expect(kv.get('taskmanager.numberOfTaskSlots')).toBe('2');
    expect(kv.get('state.savepoints.dir')).toBe('file:///tmp/sp');
  });
  it('gives a TaskManager every resource TaskExecutorResourceUtils requires without the scripts', () => {
    for (const k of ['cpu.cores', 'memory.framework.heap.size', 'memory.framework.off-heap.size', 'memory.task.heap.size', 'memory.task.off-heap.size', 'memory.network.min', 'memory.network.max', 'memory.managed.size', 'memory.jvm-metaspace.size', 'memory.jvm-overhead.min', 'memory.jvm-overhead.max']) {
      expect(kv.has(`taskmanager.${k}`), k).toBe(true);
    }
  });
});

describe('channel placement', () => {
  it('counts channels: all pairs on rebalance/hash, i→i on forward', () => {
    expect(channelPairs('REBALANCE', 2, 3)).toHaveLength(6);
    expect(channelPairs('HASH', 4, 4)).toHaveLength(16);
    expect(channelPairs('FORWARD', 2, 2)).toEqual([[0, 0], [1, 1]]);
  });
  it('compares the real local channels with SlotPlacement by hand', () => {
    // source p=1 on tm-a; tokenizer p=4: subtasks 0,1,2 on tm-a, 3 on tm-b (not as the model fills them); sink on tm-a.
    const real: RealPlacement = {
      subtasks: new Map([
        ['src', ['tm-a']],
        ['tok', ['tm-a', 'tm-a', 'tm-a', 'tm-b']],
        ['sink', ['tm-a']],
      ]),
      edges: [
        { from: 'src', to: 'tok', strategy: 'REBALANCE' },
        { from: 'tok', to: 'sink', strategy: 'REBALANCE' },
      ],
    };
    // 2 TaskManagers, max p 4: 2 slots each; subtasks 0-1 on the first, 2-3 on the second.
    const rows = compareChannels(real, 2);
    expect(rows.map((r) => [r.channels, r.localReal, r.localSimulated])).toEqual([
      [4, 3, 2],
      [4, 3, 2],
    ]);
    // one TaskManager: every channel local in the model; the real placement above still has 1 remote per edge
    expect(compareChannels(real, 1).map((r) => r.localSimulated)).toEqual([4, 4]);
    // no count: every channel remote
    expect(compareChannels(real, undefined).map((r) => r.localSimulated)).toEqual([0, 0]);
  });
});

describe('restart_s fit', () => {
  it('is the lognormal MLE of the downtimes in seconds', () => {
    // ln 2 and ln 8: mu = ln 4, sigma = ln 2 (population)
    const f = restartFit([2000, 8000])!;
    expect(f.median).toBeCloseTo(4, 12);
    expect(f.sigma).toBeCloseTo(Math.log(2), 12);
    expect(restartFit([3000, 3000])).toBeNull();
  });
  it('summarizes min/median/max', () => {
    expect(spread([5, 1, 3])).toEqual({ min: 1, median: 3, max: 5 });
    expect(spread([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
    const ledger = { ok: true, generated: 10, emitted: 10, lost: 0, duplicated: 0 };
    const t = (ms: number, backlog: number) => ({
      ...{ mode: 'savepoint' as const, from: 2, to: 4, savepointMs: 500, stoppedMs: 600, waitMs: 0, downtimeMs: ms },
      ...{ backlogRecords: backlog, backlogSimulated: (300 * ms) / 1000, pendingBefore: 0, savepoint: 'x', ledger },
    });
    const m = summarize('savepoint', [t(4000, 1200), t(6000, 2700), t(5000, 1500)], [2.5]);
    expect(m.downtime_s).toEqual({ min: 4, median: 5, max: 6 });
    expect(m.savepoint_s).toEqual({ min: 0.5, median: 0.5, max: 0.5 });
    expect(m.backlog_records).toEqual({ min: 1200, median: 1500, max: 2700 });
    // measured / (300 records/s x downtime): 1200/1200, 2700/1800, 1500/1500
    expect(m.backlog_ratio).toEqual({ min: 1, median: 1, max: 1.5 });
  });
});
