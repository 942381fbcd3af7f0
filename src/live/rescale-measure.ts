/**
 * `spillway rescale-live`: measures real stop-with-savepoint rescales of the flink-validate job on a session cluster
 * started here (session-cluster.ts), N times, and how long a new TaskManager JVM takes to register; writes
 * rescale.json (every timing, min/median/max, and restart_s fitted for models/cluster-*.json).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureFlinkJar, type FlinkJobConfig } from './flink-job.js';
import { rescaleOnce, restartFit, runJob, spread, waitAllSubtasksRunning, type RescaleTiming } from './rescale-live.js';
import type { FlinkRestClient } from './flink-rest.js';
import { startSessionCluster } from './session-cluster.js';

export interface RescaleMeasureOptions {
  repeats: number;
  from: number;
  to: number;
  /** Records per second of the job's trace (its source keeps generating while the job is down). */
  rate: number;
  /** Seconds the job runs before each stop. */
  warmS: number;
  out: string;
  log: (line: string) => void;
}

export interface RescaleMeasurement {
  timings: RescaleTiming[];
  downtime_s: { min: number; median: number; max: number };
  savepoint_s: { min: number; median: number; max: number };
  taskmanager_ready_s: number[];
  restart_s_fit: ReturnType<typeof restartFit>;
}

function jobConfig(o: RescaleMeasureOptions, outDir: string): FlinkJobConfig {
  return {
    duration_s: 3600,
    trace: [[0, o.rate]],
    output_dir: outDir,
    parallelism: { source: 1, router: 1, tokenizer: o.from, sink: 1 },
    tokenizer: { work_us_per_record: 1000, mode: 'wait', service_ms: { type: 'lognormal', mean: 1, cv: 0.3 } },
    control: { url: null },
    offload: { enabled: false },
  };
}

export async function measureRescales(o: RescaleMeasureOptions): Promise<RescaleMeasurement> {
  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'spillway-rescale-'));
  const slots = Math.ceil(Math.max(o.from, o.to) / 2);
  const cluster = await startSessionCluster({ dir: work, taskManagers: 2, slotsPerTaskManager: slots, log: o.log });
  try {
    const { jarId } = await cluster.client.uploadJar(await ensureFlinkJar({ cluster: true }));
    const timings: RescaleTiming[] = [];
    for (let i = 0; i < o.repeats; i++) {
      const config = jobConfig(o, join(out, `run-${i + 1}`));
      const jobId = await runJob(cluster.client, jarId, config, o.from);
      await waitAllSubtasksRunning(cluster.client, jobId);
      await new Promise((r) => setTimeout(r, o.warmS * 1000));
      const r = await rescaleOnce(cluster.client, { jarId, jobId, config, from: o.from, to: o.to, savepointDir: join(work, 'savepoints'), ratePerS: o.rate });
      timings.push(r.timing);
      o.log(`rescale ${i + 1}/${o.repeats}: p ${o.from}→${o.to} savepoint ${r.timing.savepointMs} ms, stopped ${r.timing.stoppedMs} ms, running again ${r.timing.downtimeMs} ms`);
      await stillRunning(cluster.client, r.newJobId, 3000);
      await cluster.client.cancelJob(r.newJobId);
    }
    // a third TaskManager, as a scale-up beyond the nodes there would need (JVM start to registered)
    const ready = [(await cluster.addTaskManager()) / 1000];
    const m = summarize(timings, ready);
    writeFileSync(join(out, 'rescale.json'), JSON.stringify(m, null, 2) + '\n');
    return m;
  } finally {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The restored job must keep running (it replays the backlog from the savepoint's positions), not fail later. */
async function stillRunning(client: FlinkRestClient, jobId: string, ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  const j = await client.job(jobId);
  if (j.state !== 'RUNNING') {
    const ex = await fetch(`${client.baseUrl}/jobs/${jobId}/exceptions`).then((r) => r.text()).catch(() => '');
    throw new Error(`the job restored from the savepoint is ${j.state} ${ms} ms after it ran: ${ex.slice(0, 400)}`);
  }
}

export function summarize(timings: RescaleTiming[], readyS: number[]): RescaleMeasurement {
  const s = (xs: number[]) => spread(xs.map((x) => x / 1000));
  return {
    timings,
    downtime_s: s(timings.map((t) => t.downtimeMs)),
    savepoint_s: s(timings.map((t) => t.savepointMs)),
    taskmanager_ready_s: readyS,
    restart_s_fit: restartFit(timings.map((t) => t.downtimeMs)),
  };
}
