/**
 * The end of phase 2: the job's outputs as the real run directory (DIR/real/: summary.json, timeseries.csv, the polls,
 * flink-metrics.csv, endpoint-stats.json) and the calibration inputs the job measured itself (service_times.csv,
 * offload_batches.jsonl), plus a probe of the local endpoint for what the run's batches lack (--calibrate).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunSummary, type FlinkJobConfig, type FlinkRunSummary, type LocalJobResult } from '../../flink-job.js';
import type { InvokeServer } from '../../../endpoint/index.js';
import { endpointStatsOf } from '../azure.js';
import type { LiveController, LiveSample } from '../controller.js';
import { convertRealRun, flinkMetricsCsv, offloadBatchesToProbe, serviceTimesForScenario, writeRealRunFiles, type RealRun } from '../convert.js';
import { liveFlapping } from '../react.js';
import { signalRow, signalSeries, signalsCsv, type Series } from '../signals.js';
import type { LiveResources, RunningJob } from './live.js';
import { signalRoles } from './simulate.js';
import type { Prepared } from './prepare.js';

export interface RealOutcome {
  real: RealRun;
  job: FlinkRunSummary;
  config: FlinkJobConfig;
  durationS: number;
  samples: LiveSample[];
  /** What the policy read in each poll's snapshot, timed from the job's t0 (signals.ts). */
  signals: Series;
  endpointStats: ReturnType<InvokeServer['stats']> | null;
  crashed: boolean;
  /** Calibration inputs measured by the job itself (null when it wrote none) and the probe's. */
  serviceFile: string | null;
  runBatchesFile: string | null;
  probeFile: string | null;
}

export async function collectRealOutputs(p: Prepared, live: LiveResources, job: RunningJob, controller: LiveController): Promise<RealOutcome> {
  const { summary, state } = await jobSummary(p, live, job);
  // Decisions were timed from an estimate of t0 (RUNNING + start delay); the job reports the real one.
  const originEst = job.runningAt + (job.config.start_delay_ms ?? 1000);
  const shift = typeof summary.t0_epoch_ms === 'number' ? summary.t0_epoch_ms - originEst : 0;
  const endpointStats = live.endpoint ? endpointStatsOf(live.endpoint) : null;
  if (endpointStats) writeFileSync(join(p.realDir, 'endpoint-stats.json'), JSON.stringify({ ...endpointStats, crashed: live.crashed }, null, 2) + '\n');
  const readText = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : null);
  const real = convertRealRun({
    scenario: p.scenario.name,
    policy: p.factory.name,
    params: p.params,
    seed: p.scenario.seed,
    durationS: job.durationS,
    job: summary,
    jobTimeseries: readText(join(p.jobOut, 'timeseries.csv')) ?? '',
    percentiles: readText(join(p.jobOut, 'latency_percentiles.txt')),
    vertices: p.vertices,
    samples: controller.samples,
    decisions: controller.decisions.map((d) => ({ ...d, tMs: d.tMs - shift })),
    cost: p.cost,
    endpointMaxConcurrency: endpointStats ? endpointStats.maxConcurrency : null,
  });
  if (real.timeseries.rows.length === 0) throw new Error(`${join(p.jobOut, 'timeseries.csv')}: no rows; see ${join(p.realDir, 'job.log')}`);
  const t0 = summary.t0_epoch_ms ?? controller.samples[0]?.epochMs ?? 0;
  real.summary.flapping = liveFlapping(controller.samples, real.decisions, p.vertices, p.point, job.durationS * 1000, t0);
  writeRealRunFiles(p.realDir, real);
  writeFileSync(join(p.realDir, 'flink-metrics.csv'), flinkMetricsCsv(controller.samples, p.vertices, t0));
  writeFileSync(join(p.realDir, 'polls.jsonl'), controller.samples.map((s) => JSON.stringify({ epoch_ms: s.epochMs, t_ms: s.epochMs - t0, snapshot: s.snapshot })).join('\n') + '\n');
  const roles = signalRoles(p);
  const signals = signalSeries(controller.samples.map((s) => signalRow((s.epochMs - t0) / 1000, s.snapshot, roles, s.share)));
  writeFileSync(join(p.realDir, 'policy-signals.csv'), signalsCsv(signals));
  p.log(`validate: job ${state}: ${summary.records_emitted}/${summary.records_generated} records, lost ${summary.lost}, duplicated ${summary.duplicated}, offloaded ${summary.offloaded} (+${summary.fallbacks} fell back), ${summary.invocations} invocations`);
  const inputs = await calibrationInputs(p, live);
  await live.stopServers();
  return { real, job: summary, config: job.config, durationS: job.durationS, samples: controller.samples, signals, endpointStats, crashed: live.crashed, ...inputs };
}

async function jobSummary(p: Prepared, live: LiveResources, job: RunningJob): Promise<{ summary: FlinkRunSummary; state: string }> {
  let summary: FlinkRunSummary | undefined;
  let state: string;
  if (live.local) {
    const r = (await job.ending) as LocalJobResult;
    summary = r.summary;
    state = r.result?.job_status ?? `exit ${r.exitCode ?? r.signal}`;
    live.local = null;
  } else {
    state = String(await job.ending);
    live.remoteJob = null;
    summary = await readRunSummary(p.jobOut);
  }
  if (!summary) {
    const remote = p.remote ? ' (on a remote cluster the sink writes output_dir on its TaskManager: validate needs that path shared with this machine)' : '';
    throw new Error(`the job ended (${state}) without writing ${join(p.jobOut, 'summary.json')}${remote}; see ${join(p.realDir, 'job.log')}`);
  }
  p.jobSummaryExtra?.(p.jobOut, summary);
  return { summary, state };
}

/**
 * `dir/<name>.csv`, or, when the job could not join its subtasks' parts (a remote cluster's detached main() on a
 * shared output directory), the parts `dir/<name>-<i>.csv` joined here (one header); null when there is neither.
 */
function readJoined(dir: string, name: string): string | null {
  const whole = join(dir, `${name}.csv`);
  if (existsSync(whole)) return readFileSync(whole, 'utf8');
  if (!existsSync(dir)) return null;
  const parts = readdirSync(dir)
    .map((f) => ({ f, m: new RegExp(`^${name}-(\\d+)\\.csv$`).exec(f) }))
    .filter((x) => x.m)
    .sort((a, b) => Number(a.m![1]) - Number(b.m![1]));
  if (parts.length === 0) return null;
  const lines: string[] = [];
  for (const { f } of parts) {
    const ls = readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim() !== '');
    if (ls.length === 0) continue;
    if (lines.length === 0) lines.push(ls[0]);
    lines.push(...ls.slice(1));
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : null;
}

/** Per-record timings of the tokenizer and the offload path's batches, measured by the job itself; the probe. */
async function calibrationInputs(p: Prepared, live: LiveResources): Promise<{ serviceFile: string | null; runBatchesFile: string | null; probeFile: string | null }> {
  let serviceFile: string | null = null;
  const st = readJoined(p.jobOut, 'service_times');
  const times = st ? serviceTimesForScenario(st, p.shape.tokenizer.id) : null;
  if (times) {
    serviceFile = join(p.realDir, 'service_times.csv');
    writeFileSync(serviceFile, times.csv);
  }
  let runBatchesFile: string | null = null;
  let runWarm = 0;
  let runCold = 0;
  const ob = readJoined(p.jobOut, 'offload_batches');
  if (ob) {
    writeFileSync(join(p.realDir, 'offload_batches.csv'), ob);
    const rb = offloadBatchesToProbe(ob, { functionName: p.o.functionName ?? 'spillway-offload', memoryMb: p.memoryMb });
    if (rb) {
      runBatchesFile = join(p.realDir, 'offload_batches.jsonl');
      writeFileSync(runBatchesFile, rb.jsonl);
      // the batch model needs two batch sizes; otherwise the probe's warm samples fit it
      runWarm = rb.warmSizes >= 2 ? rb.warm : 0;
      runCold = rb.cold;
    }
  }
  const probeFile = await probeEndpoint(p, live, runCold >= 20 ? 0 : 20, runWarm >= 20 ? 0 : 20);
  // Without the probe (a crashed endpoint, AWS), keep only the kinds the run has enough of (calibrate() needs 20
  // values per fitted distribution and would fail on fewer).
  if (runBatchesFile && !probeFile && (runCold < 20 || runWarm < 20)) {
    const kept = readFileSync(runBatchesFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '' && ((JSON.parse(l) as { kind: string }).kind === 'cold' ? runCold >= 20 : runWarm >= 20));
    if (kept.length > 0) writeFileSync(runBatchesFile, kept.join('\n') + '\n');
    else runBatchesFile = null;
  }
  return { serviceFile, runBatchesFile, probeFile };
}

/**
 * Lambda latencies for calibration: probe the local endpoint while it is up for what the run's own batches lack
 * (20 cold / 20 warm invocations per batch size 1, 100 when the run had fewer than 20). Null when not probed.
 */
async function probeEndpoint(p: Prepared, live: LiveResources, cold: number, warm: number): Promise<string | null> {
  const endpoint = live.endpoint;
  if (!p.o.calibrate || !endpoint || live.crashed || !p.shape.offload || cold + warm === 0) return null;
  if (p.platform === 'azure') {
    p.notes.push('calibration: the probe speaks the Lambda Invoke API; with --platform azure only the run\'s own batches are used');
    return null;
  }
  const probeFile = join(p.realDir, 'probe.jsonl');
  try {
    const { probeLambda } = await import('../../../functions/probe.js');
    p.log(`validate: probing the local endpoint for calibration (${cold} cold + ${warm} warm invocations per batch size 1, 100)`);
    await probeLambda({
      functionName: endpoint.functionName ?? 'spillway-offload',
      endpoint: endpoint.url,
      region: 'us-east-1',
      cold,
      warm,
      batchRecords: [1, 100],
      workUsPerRecord: p.cost?.workUsPerRecord ?? 0,
      out: probeFile,
      log: (l) => live.jobLog.write(`[probe] ${l}\n`),
    });
    return probeFile;
  } catch (err) {
    p.notes.push(`calibration probe of the local endpoint failed: ${(err as Error).message}`);
    return null;
  }
}
