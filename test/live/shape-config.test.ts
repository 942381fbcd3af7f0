/** Scenario → job config for the benchmark shapes: vertex ids, parallelism, work and window carried over. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioToShapeConfig } from '../../src/live/validate/shape-config.js';
import { checkScenario, loadScenario } from '../../src/scenario/load.js';
import { UserError } from '../../src/util/errors.js';

const ROOT = join(import.meta.dirname, '..', '..');
const load = (f: string) => loadScenario(join(ROOT, 'examples', f));
const opts = { outputDir: '/tmp/x', durationS: 20 };

describe('scenarioToShapeConfig', () => {
  it('nexmark-q1: the currency map with the scenario mean as work (8 us), 2 source subtasks', () => {
    const c = scenarioToShapeConfig(load('nexmark-q1.json'), opts);
    expect(c.shape).toEqual({ name: 'nexmark-q1', parallelism: { source: 2, currency_map: 1 }, work_us: { source: 2, currency_map: 8 } });
    expect(c.duration_s).toBe(20);
    // nexmark-sine scaled 5x starts at 10,000 x 5 events/s
    expect(c.trace[0]).toEqual([0, 50_000]);
    expect(c.offload).toEqual({ enabled: false });
  });

  it('nexmark-q5: the 10 s window over 2 subtasks, 20 us a bid', () => {
    const c = scenarioToShapeConfig(load('nexmark-q5-window.json'), opts);
    expect(c.shape).toEqual({ name: 'nexmark-q5', window_ms: 10_000, parallelism: { source: 2, auction_window_count: 2 }, work_us: { source: 2, auction_window_count: 20 } });
  });

  it('ysb and ysb with offload at the source', () => {
    const c = scenarioToShapeConfig(load('ysb.json'), opts);
    expect(c.shape!.work_us).toEqual({ source: 35, filter_views: 1, project: 1, join_campaign: 5, campaign_window_count: 10 });
    expect(c.shape!.source_offload).toBeUndefined();
    const o = scenarioToShapeConfig(load('ysb-source-offload.json'), { ...opts, sourceShare: 0.25, endpointUrl: 'http://127.0.0.1:1' });
    expect(o.shape!.work_us).toEqual({ source: 3, parse_filter: 33, project: 1, join_campaign: 5, campaign_window_count: 10 });
    expect(o.shape!.source_offload).toEqual({ share: 0.25 });
    expect(o.offload).toEqual({ enabled: true, endpoint_url: 'http://127.0.0.1:1', region: 'us-east-1' });
  });

  it("a scenario without the shape's vertex, or of another name, is a UserError naming it", () => {
    const raw = JSON.parse(readFileSync(join(ROOT, 'examples', 'ysb.json'), 'utf8'));
    raw.vertices.find((v: { id: string }) => v.id === 'project').id = 'projection';
    for (const e of raw.edges) for (const k of ['from', 'to']) if (e[k] === 'project') e[k] = 'projection';
    const s = checkScenario(raw, join(ROOT, 'examples', 'ysb.json'));
    expect(() => scenarioToShapeConfig(s, opts)).toThrow(UserError);
    expect(() => scenarioToShapeConfig(s, opts)).toThrow(/needs a vertex "project"/);
    expect(() => scenarioToShapeConfig(load('default.json'), opts)).toThrow(/is not one of the job's shapes/);
  });
});
