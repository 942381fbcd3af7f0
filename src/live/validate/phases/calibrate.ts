/**
 * Phase 4, calibrate (--calibrate): src/calibrate fits the model to the real run's own
 * measurements (the job's per-record tokenizer timings, its offload batches, the endpoint probe for what they lack,
 * the real line size), writes DIR/calibration/, and the simulator re-runs the calibrated scenario (DIR/calibrated/).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { calibrate, writeCalibration } from '../../../calibrate/index.js';
import { specMean, type ShiftedSpec } from '../../../engine/distributions.js';
import type { RunResult } from '../../../experiment/runner.js';
import type { CalibrationOutcome } from '../types.js';
import type { Prepared } from './prepare.js';
import type { RealOutcome } from './real-outputs.js';
import { simulateCopy } from './simulate.js';

export interface Calibrated {
  outcome: CalibrationOutcome;
  /** The calibrated scenario simulated; null when calibration did not produce one. */
  result: RunResult | null;
}

export async function calibratePhase(p: Prepared, real: RealOutcome): Promise<Calibrated | null> {
  if (!p.o.calibrate) return null;
  const c = await runCalibration({
    dir: p.dir,
    scenarioPath: p.simScenarioPath,
    vertex: p.shape.tokenizer.id,
    metricsFile: join(p.realDir, 'flink-metrics.csv'),
    serviceFile: real.serviceFile,
    runBatchesFile: real.runBatchesFile,
    probeFile: real.probeFile,
    base: p.simModel ?? p.shape.offload?.platform,
    recordBytes: wireBytesPerLine(real.samples, p.vertices[0].id),
    memoryMb: p.shape.offload ? p.memoryMb : undefined,
  });
  let result: RunResult | null = null;
  if (c.scenarioFile) {
    const cs = simulateCopy(p, c.scenarioFile, 'calibrated', real.durationS);
    result = cs.result;
    if (!cs.ok) p.notes.push(`simulator (calibrated): ${cs.error}`);
  }
  p.log(`validate: calibration ${c.outcome.status}: ${c.outcome.message}`);
  return { outcome: c.outcome, result };
}



/**
 * The real line's serialized size: the source's numBytesOut / numRecordsOut at the last poll that read both (the
 * source sends nothing but lines, to the router). Null when unread (an older Flink) or no line was sent.
 */
export function wireBytesPerLine(samples: readonly { counters: Record<string, { recordsOut: number; bytesOut?: number }> }[], sourceId: string): number | null {
  for (let i = samples.length - 1; i >= 0; i--) {
    const c = samples[i].counters[sourceId];
    if (c && c.bytesOut !== undefined && Number.isFinite(c.bytesOut) && c.recordsOut > 0 && c.bytesOut > 0) return Math.round(c.bytesOut / c.recordsOut);
  }
  return null;
}

function meanOf(spec: unknown): number | null {
  if (!spec || typeof spec !== 'object') return null;
  try {
    return Math.round(specMean(spec as ShiftedSpec) * 1e6) / 1e6;
  } catch {
    return null;
  }
}

/**
 * Calls src/calibrate on the real run's measurements:
 * the job's per-record tokenizer timings (else Flink busy time / records in) for the tokenizer's service time, the
 * job's own offload batches and the endpoint probe (for what the batches lack) for the Lambda latencies.
 */
async function runCalibration(a: {
  dir: string;
  scenarioPath: string;
  vertex: string;
  metricsFile: string;
  /** The job's per-record tokenizer timings (preferred by calibrate() over busy time / records in). */
  serviceFile: string | null;
  /** The job's successful offload batches as probe lines (the batch model under the run's conditions). */
  runBatchesFile: string | null;
  probeFile: string | null;
  base?: string;
  memoryMb?: number;
  /** The real line's bytes on the wire (wireBytesPerLine): the calibrated scenario's workload.record_bytes. */
  recordBytes?: number | null;
}): Promise<{ outcome: CalibrationOutcome; scenarioFile: string | null }> {
  const cdir = join(a.dir, 'calibration');
  mkdirSync(cdir, { recursive: true });
  const paths = { model: join(cdir, 'model.json'), scenario: join(cdir, 'scenario.json'), report: join(cdir, 'calibration.json') };
  try {
    const inputs = [a.metricsFile, ...(a.serviceFile ? [a.serviceFile] : []), ...(a.runBatchesFile ? [a.runBatchesFile] : []), ...(a.probeFile ? [a.probeFile] : [])];
    const r = calibrate(inputs, {
      base: a.base,
      modelOut: paths.model,
      scenario: a.scenarioPath,
      scenarioOut: paths.scenario,
      vertex: a.vertex,
      flinkVertex: a.vertex,
      memoryMb: a.probeFile || a.runBatchesFile ? a.memoryMb : undefined,
      fit: { bootstrap: 49 },
    });
    // The lines' size sets how many fit in Flink's network buffers, hence how much of a backlog the buffers hide from
    // the source's pendingRecords (what the policy sees).
    const sc = r.scenario as { workload?: { record_bytes?: number } } | null;
    if (sc?.workload && a.recordBytes && a.recordBytes !== sc.workload.record_bytes) {
      r.changes.push({ field: 'scenario.workload.record_bytes', before: sc.workload.record_bytes ?? null, after: a.recordBytes });
      sc.workload.record_bytes = a.recordBytes;
    }
    const files = writeCalibration(r, paths);
    return {
      outcome: {
        status: 'done',
        message: `fitted from ${inputs.map((p) => p.slice(a.dir.length + 1)).join(', ')}; ${r.changes.length} fields changed`,
        files,
        service_mean_ms: { before: meanOf(r.service?.before), after: r.service ? Math.round(r.service.mean_ms * 1e6) / 1e6 : null },
        changes: r.changes,
        warnings: r.warnings,
      },
      scenarioFile: files.scenario,
    };
  } catch (err) {
    return { outcome: { status: 'failed', message: (err as Error).message }, scenarioFile: null };
  }
}
