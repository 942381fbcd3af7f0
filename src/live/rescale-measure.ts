/**
 * `spillway rescale-live`: measures real rescales of the flink-validate job on a session cluster started here
 * (session-cluster.ts), N times: stop-with-savepoint and a new job from it (the operator's savepoint upgrade), or
 * the adaptive scheduler's in-place rescale from the last checkpoint. Each job runs its whole trace: the backlog the
 * rescale left is read from the restored source, and the sink's ledger (writer state, carried across the stop)
 * must count every record exactly once over both incarnations. Writes rescale.json (every timing, min/median/max,
 * restart_s fitted for models/cluster-*.json).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureFlinkJar, waitForJobState, type FlinkJobConfig } from './flink-job.js';
import { measuredBacklog, rescaleOnce, restartFit, runJob, sourceMetric, spread, waitAllSubtasksRunning, type RescaleTiming } from './rescale-live.js';
import { adaptiveSchedulerConfig, rescaleInPlace } from './rescale-inplace.js';
import type { FlinkRestClient } from './flink-rest.js';
import { startSessionCluster, type SessionCluster } from './session-cluster.js';

export type RescaleMode = 'savepoint' | 'in-place';

export interface RescaleMeasureOptions {
  repeats: number;
  mode?: RescaleMode;
  from: number;
  to: number;
  /** Records per second of the job's trace (its source keeps generating while the job is down). */
  rate: number;
  /** Seconds the job runs before each stop. */
  warmS: number;
  /** Seconds of trace after the stop (the restored job runs them to the end; default 12). */
  tailS?: number;
  out: string;
  log: (line: string) => void;
}

/** The sink's summary of one job's whole trace, over both incarnations. */
export interface Ledger {
  ok: boolean;
  generated: number;
  emitted: number;
  lost: number;
  duplicated: number;
}

export interface RescaleMeasurement {
  mode: RescaleMode;
  timings: (RescaleTiming & { ledger: Ledger })[];
  downtime_s: { min: number; median: number; max: number };
  wait_s: { min: number; median: number; max: number };
  savepoint_s: { min: number; median: number; max: number } | null;
  backlog_records: { min: number; median: number; max: number };
  /** measured backlog / the simulator's (rate x downtime), per rescale. */
  backlog_ratio: { min: number; median: number; max: number };
  taskmanager_ready_s: number[];
  restart_s_fit: ReturnType<typeof restartFit>;
}

function jobConfig(o: RescaleMeasureOptions, outDir: string): FlinkJobConfig {
  return {
    duration_s: o.warmS + (o.tailS ?? 12),
    trace: [[0, o.rate]],
    output_dir: outDir,
    parallelism: { source: 1, router: 1, tokenizer: o.from, sink: 1 },
    tokenizer: { work_us_per_record: 1000, mode: 'wait', service_ms: { type: 'lognormal', mean: 1, cv: 0.3 } },
    control: { url: null },
    offload: { enabled: false },
  };
}

export async function measureRescales(o: RescaleMeasureOptions): Promise<RescaleMeasurement> {
  const mode = o.mode ?? 'savepoint';
  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'spillway-rescale-'));
  const slots = Math.ceil(Math.max(o.from, o.to) / 2);
  // job details are cached for web.refresh-interval (3 s by default): a short one to see state changes soon
  const extraConfig: [string, string | number][] = [['web.refresh-interval', '100 ms'], ...(mode === 'in-place' ? adaptiveSchedulerConfig(join(work, 'checkpoints')) : [])];
  const cluster = await startSessionCluster({ dir: work, taskManagers: 2, slotsPerTaskManager: slots, extraConfig, log: o.log });
  try {
    const { jarId } = await cluster.client.uploadJar(await ensureFlinkJar({ cluster: true }));
    const timings: RescaleMeasurement['timings'] = [];
    for (let i = 0; i < o.repeats; i++) {
      const t = await oneRescale(cluster, jarId, mode, o, join(out, `run-${i + 1}`), join(work, 'savepoints'));
      timings.push(t);
      o.log(`rescale ${i + 1}/${o.repeats} (${mode}): p ${o.from}→${o.to} wait ${t.waitMs} ms, down ${t.downtimeMs} ms, backlog ${t.backlogRecords} (simulator ${t.backlogSimulated}), ledger ${t.ledger.emitted}/${t.ledger.generated} lost ${t.ledger.lost} dup ${t.ledger.duplicated}`);
    }
    // a third TaskManager, as a scale-up beyond the nodes there would need (JVM start to registered)
    const ready = [(await cluster.addTaskManager()) / 1000];
    const m = summarize(mode, timings, ready);
    writeFileSync(join(out, 'rescale.json'), JSON.stringify(m, null, 2) + '\n');
    return m;
  } finally {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** One job: run, rescale once, run its trace to the end; the timing, the measured backlog and the ledger. */
async function oneRescale(cluster: SessionCluster, jarId: string, mode: RescaleMode, o: RescaleMeasureOptions, outDir: string, savepointDir: string) {
  const client = cluster.client;
  // an earlier run's summary.json would be read as this job's ledger (and the jar's main() reports it at submission)
  rmSync(outDir, { recursive: true, force: true });
  const config = jobConfig(o, outDir);
  const jobId = await runJob(client, jarId, config, o.from);
  await waitAllSubtasksRunning(client, jobId);
  await new Promise((r) => setTimeout(r, o.warmS * 1000));
  const pendingBefore = (await sourceMetric(client, jobId, 'pendingRecords').catch(() => null))?.sum ?? null;
  let timing: RescaleTiming;
  let newJobId = jobId;
  if (mode === 'savepoint') {
    const r = await rescaleOnce(client, { jarId, jobId, config, from: o.from, to: o.to, savepointDir, ratePerS: o.rate });
    timing = r.timing;
    newJobId = r.newJobId;
  } else {
    const t = await rescaleInPlace(client, jobId, 'tokenizer', o.to);
    const { waitMs, downtimeMs } = t;
    timing = { mode, from: o.from, to: o.to, savepointMs: null, stoppedMs: null, waitMs, downtimeMs, replayWindowMs: t.replayWindowMs, backlogRecords: NaN, backlogSimulated: Math.round((o.rate * t.downtimeMs) / 1000), pendingBefore: null, savepoint: null };
  }
  timing.pendingBefore = pendingBefore;
  timing.backlogRecords = await measuredBacklog(client, newJobId);
  await waitForJobState(client, newJobId, ['FINISHED'], (config.duration_s + 120) * 1000, 250);
  return { ...timing, ledger: await readLedger(client, newJobId, outDir) };
}

/** The sink's summary.json; a record lost or duplicated across the stop fails the measurement. */
async function readLedger(client: FlinkRestClient, jobId: string, outDir: string): Promise<Ledger> {
  const s = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as Record<string, unknown>;
  const l: Ledger = { ok: s.ok === true, generated: Number(s.records_generated), emitted: Number(s.records_emitted), lost: Number(s.lost), duplicated: Number(s.duplicated) };
  if (!l.ok || l.lost !== 0 || l.duplicated !== 0 || l.emitted !== l.generated) {
    throw new Error(`job ${jobId}: the ledger across the rescale is not exactly once: ${JSON.stringify(l)} (${client.baseUrl})`);
  }
  return l;
}

export function summarize(mode: RescaleMode, timings: RescaleMeasurement['timings'], readyS: number[]): RescaleMeasurement {
  const s = (xs: number[]) => spread(xs.map((x) => x / 1000));
  const sp = timings.map((t) => t.savepointMs).filter((x): x is number => x !== null);
  return {
    mode,
    timings,
    downtime_s: s(timings.map((t) => t.downtimeMs)),
    wait_s: s(timings.map((t) => t.waitMs)),
    savepoint_s: sp.length ? s(sp) : null,
    backlog_records: spread(timings.map((t) => t.backlogRecords)),
    backlog_ratio: spread(timings.map((t) => (t.backlogSimulated > 0 ? t.backlogRecords / t.backlogSimulated : NaN))),
    taskmanager_ready_s: readyS,
    restart_s_fit: restartFit(timings.map((t) => t.downtimeMs)),
  };
}
