/** Scenario benchmarks: run a bench scenario once through runScenario and report simulated records per second. */
import { join } from 'node:path';
import { loadScenario, runScenario } from '../src/experiment/runner.js';
import { measured, projectRoot, stopwatch, type Measurement } from './common.js';

export function benchScenario(file: string): Measurement {
  const scenario = loadScenario(join(projectRoot(), 'bench/scenarios', file));
  const stop = stopwatch();
  const r = runScenario(scenario);
  const [wallS, cpuS] = stop();
  const rec = r.summary.records;
  // Records simulated: every record in and out of every vertex (a run of n records counts n).
  let recordsThrough = 0;
  for (const v of Object.values(r.summary.vertices)) recordsThrough += v.records_in;
  const events = Math.round(r.eventsPerSecond * (r.wallMs / 1000));
  return measured(
    wallS,
    cpuS,
    {
      sourceRecordsPerSecond: Math.round(rec.arrived / wallS),
      recordsProcessedPerSecond: Math.round(recordsThrough / wallS),
      sourceRecordsPerCpuSecond: Math.round(rec.arrived / cpuS),
      eventsPerSecond: Math.round(events / wallS),
      simulatedSecondsPerWallSecond: Math.round(((scenario.duration_s ?? 0) / wallS) * 10) / 10,
    },
    {
      arrived: rec.arrived,
      results: rec.results,
      lost: rec.lost,
      duplicated: rec.duplicated,
      events,
      latencyP50Ms: r.summary.latency_ms.p50,
      latencyP99Ms: r.summary.latency_ms.p99,
      resolutionMs: scenario.time_resolution_ms,
    },
  );
}
