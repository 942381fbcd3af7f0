/** Writing a run's files: summary.json, timeseries.csv, latency_cdf.csv, latency.hdr, run.json. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult, TimeSeries } from './runner.js';

export function timeseriesCsv(ts: TimeSeries): string {
  const lines = [ts.columns.join(',')];
  for (const row of ts.rows) lines.push(row.map(formatCell).join(','));
  return lines.join('\n') + '\n';
}

function formatCell(v: number): string {
  if (!Number.isFinite(v)) return '';
  return String(Math.round(v * 10000) / 10000);
}

/** Write everything a run produced into `dir` (which must exist; callers stage it). */
export function writeRunFiles(dir: string, result: RunResult, host: Record<string, unknown> = {}): void {
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(result.summary, null, 2) + '\n');
  writeFileSync(join(dir, 'timeseries.csv'), timeseriesCsv(result.timeseries));
  writeFileSync(join(dir, 'latency_cdf.csv'), 'percentile,latency_ms\n' + result.latencyCdf.map(([p, v]) => `${p},${v}`).join('\n') + '\n');
  writeFileSync(join(dir, 'latency.hdr'), result.latencyHistogram + '\n');
  if (result.decisions.length > 0) {
    const rows = result.decisions.map((d) =>
      [d.tMs / 1000, d.point, d.share, d.batchRecords, d.maxWaitMs, d.maxInFlight, d.prewarm, JSON.stringify(d.note)].join(','),
    );
    writeFileSync(join(dir, 'decisions.csv'), 't_s,point,share,batch_records,max_wait_ms,max_in_flight,prewarm,note\n' + rows.join('\n') + '\n');
  }
  // Host-dependent figures stay out of summary.json so that it is byte-identical across runs.
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({ wall_ms: Math.round(result.wallMs), events_per_second: Math.round(result.eventsPerSecond), ...host }, null, 2) + '\n',
  );
}
