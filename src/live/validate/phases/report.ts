/**
 * Phase 6, report: DIR/compare.json (the run directories for src/report), DIR/comparison.json (every figure, the
 * judgements, the signals, the notes) and DIR/report.html (the verdict first, the error table, the signals chart).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCompareReport } from '../../../report/index.js';
import { meanAbsError } from '../compare.js';
import { verdictSection } from '../report-sections.js';
import { signalsChart } from '../signals.js';
import type { Calibrated } from './calibrate.js';
import type { Comparison } from './compare.js';
import type { Prepared } from './prepare.js';
import type { RealOutcome } from './real-outputs.js';
import type { SimulatedCopies } from './simulate.js';

export async function reportPhase(p: Prepared, real: RealOutcome, sims: SimulatedCopies, cal: Calibrated | null, c: Comparison): Promise<void> {
  const runs = [
    { label: 'real', dir: 'real' },
    { label: 'simulated', dir: 'simulated' },
    ...(sims.published ? [{ label: 'simulated (published model)', dir: 'published' }] : []),
    ...(cal?.result ? [{ label: 'simulated (calibrated)', dir: 'calibrated' }] : []),
  ];
  writeFileSync(join(p.dir, 'compare.json'), JSON.stringify({ scenario: p.scenario.name, runs }, null, 2) + '\n');
  writeFileSync(join(p.dir, 'comparison.json'), JSON.stringify(comparisonJson(p, real, sims, cal, c), null, 2) + '\n');
  const chart = signalsChart([{ label: 'real', ts: real.signals }, { label: 'simulated', ts: sims.simulated.signals }], c.signalDefs, c.signals);
  await writeCompareReport(p.dir, { verdict: c.sentence, sections: [verdictSection(c.judgements, c.rows)], charts: [chart] });
}

function comparisonJson(p: Prepared, real: RealOutcome, sims: SimulatedCopies, cal: Calibrated | null, c: Comparison): Record<string, unknown> {
  const sim = sims.simulated.result.summary;
  const pub = sims.published?.result.summary;
  const job = real.job;
  return {
    scenario: p.scenario.name,
    scenario_file: p.scenarioPath,
    simulated_scenario_file: p.simScenarioPath,
    policy: p.factory.name,
    params: p.params,
    seed: p.scenario.seed,
    duration_s: real.durationS,
    trace: p.tracePath ?? p.scenario.workload.trace,
    rate_scale: p.scenario.workload.rate_scale ?? 1,
    target: p.target,
    flink: p.remote ? p.flink : 'local MiniCluster',
    flink_version: job.flink_version,
    faults: p.o.faults ?? {},
    work_mode: p.workMode,
    endpoint: real.endpointStats ? { ...real.endpointStats, crashed: real.crashed } : null,
    zero_loss: {
      real: { lost: job.lost, duplicated: job.duplicated, ok: job.ok },
      simulated: { lost: sim.records.lost, duplicated: sim.records.duplicated },
      ...(pub ? { published: { lost: pub.records.lost, duplicated: pub.records.duplicated } } : {}),
    },
    relative_error: '(simulated - real) / |real|; judgements: floored, (simulated - real) / max(|real|, floor), the share in points',
    metrics: c.rows,
    mean_abs_rel_error: meanAbsError(c.rows),
    verdict: c.verdict,
    verdict_sentence: c.sentence,
    headline_error_in_tolerances: c.headline,
    judgements: c.judgements,
    signals: c.signals,
    ...(pub ? { mean_abs_rel_error_published: meanAbsError(c.rows, 'rel_error_published') } : {}),
    ...(cal?.result ? { mean_abs_rel_error_calibrated: meanAbsError(c.rows, 'rel_error_calibrated') } : {}),
    calibration: cal?.outcome ?? null,
    vertex_mapping: vertexMapping(p),
    job_config: real.config,
    // the live job does not rescale: what the policy asked for and did not get (issue 15)
    ignored_parallelism_requests: p.ignoredParallelism ?? { requests: 0, vertices: [] },
    notes: p.notes,
  };
}

function vertexMapping(p: Prepared): Record<string, string> {
  const v = p.vertices;
  // a scenario-built job: each simulator task by scenario id (graph-validate.ts)
  if (v.some((x) => x.operators)) {
    const point = p.point && p.offloadOperators ? { [`offload point ${p.point.id}`]: p.offloadOperators.client } : {};
    return { ...Object.fromEntries(v.map((x) => [x.id, (x.operators ?? []).join(' | ')])), ...point };
  }
  return {
    [v[0].id]: 'Source: source',
    [v[1].id]: 'router (task metrics; the simulated scenario\'s added hop)',
    [v[2].id]: 'tokenizer',
    [v[3].id]: 'sink: Writer',
    ...(p.point ? { [`offload point ${p.point.id}`]: 'router (routedOffload) + offload-batcher -> offload-invoke' } : {}),
  };
}
