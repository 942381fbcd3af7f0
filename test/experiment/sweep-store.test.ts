/** SweepStore's recording: each line is in the file when append returns (a killed process loses nothing recorded). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep } from '../../src/experiment/sweep/load.js';
import { SweepStore, readRuns } from '../../src/experiment/sweep/store.js';
import type { RunRecord } from '../../src/experiment/sweep/types.js';
import { BASE_SWEEP, scratch, writeSweep } from './sweep-helpers.js';

const record = (id: string): RunRecord => ({ id, config_id: 'c', policy: 'backpressure', params: {}, trace: 't', seed: 1, metrics: {}, summary: {} as never, wall_ms: 1 });

describe('SweepStore.append', () => {
  it('writes each line before returning, even inside one burst whose fsync comes at the end of the turn', () => {
    const dir = scratch();
    const out = join(dir, 'out');
    const store = SweepStore.open(out, loadSweep(writeSweep(dir, BASE_SWEEP)));
    for (let i = 0; i < 100; i++) {
      store.append(record(`r${i}`));
      expect(readRuns(out).size).toBe(i + 1); // another process reading now sees it
    }
    store.close();
    expect([...readRuns(out).keys()]).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}`));
  });
});
