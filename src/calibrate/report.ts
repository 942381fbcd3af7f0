/** Text and JSON renderings of a CalibrationResult (the CLI prints the text; --report writes the JSON). */
import { specMean, type ShiftedSpec } from '../engine/distributions.js';
import type { CalibrationResult } from './calibrate.js';
import type { DistributionFit } from './select.js';

const fmt = (x: number, d = 4): string => (Number.isFinite(x) ? Number(x.toPrecision(d)).toString() : String(x));

/** `lognormal(mu=5.8, sigma=0.45)`; empirical shows its range. */
export function describeSpec(spec: ShiftedSpec | null | undefined): string {
  if (!spec) return '—';
  const { type, shift, ...rest } = spec as ShiftedSpec & Record<string, unknown>;
  let body: string;
  if (type === 'empirical') {
    const q = (spec as { quantiles: [number, number][] }).quantiles;
    body = `empirical(${q.length} quantiles, ${fmt(q[0][1])}..${fmt(q[q.length - 1][1])})`;
  } else {
    body = `${type}(${Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : String(v)}`)
      .join(', ')})`;
  }
  return shift ? `${shift} + ${body}` : body;
}

function pStr(p: number | null): string {
  return p === null ? 'n/a' : p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** One line per candidate family: parameters, log-likelihood, AIC, KS and AD statistics, pass/fail. */
export function candidateTable(fit: DistributionFit): string[] {
  const rows = fit.candidates.map((c) => {
    const mark = c.family === fit.chosen ? '*' : c.passed ? '+' : ' ';
    const ps = Object.entries(c.params)
      .map(([k, v]) => `${k}=${fmt(v)}`)
      .join(' ');
    return `   ${mark} ${c.family.padEnd(11)} ${ps.padEnd(34)} AIC=${c.aic.toFixed(1).padStart(10)}  KS D=${c.gof.ks_d.toFixed(4)} p=${pStr(c.gof.ks_p).padEnd(6)}  AD A²=${c.gof.ad_a2.toFixed(3).padStart(7)} p=${pStr(c.gof.ad_p)}`;
  });
  for (const f of fit.failed) rows.push(`     ${f.family.padEnd(11)} not fitted: ${f.reason}`);
  return rows;
}

export function formatCalibration(r: CalibrationResult): string {
  const out: string[] = [];
  out.push(`calibrated ${r.model.id} from ${r.files.map((f) => `${f.path} (${f.kind}, ${f.records})`).join(', ')}; base ${r.base.id}${r.memory_mb !== null ? `, ${r.memory_mb} MB` : ''}`);
  for (const q of r.fits) {
    const s = q.fit.summary;
    out.push('');
    out.push(`${q.field}  (${q.label}, n=${q.fit.n}, median ${fmt(s.p50)} ms, mean ${fmt(s.mean)} ms, p99 ${fmt(s.p99)} ms)`);
    out.push(`   before: ${describeSpec(q.before)}${q.before ? ` (mean ${fmt(specMean(q.before))})` : ''}`);
    out.push(`   after:  ${describeSpec(q.after)} (mean ${fmt(specMean(q.after))}) — ${q.fit.reason}`);
    out.push(...candidateTable(q.fit));
  }
  if (r.batch) {
    const b = r.batch;
    out.push('');
    out.push(
      `batch model (warm, ${b.memory_mb} MB, n=${b.n}, sizes ${b.batch_sizes.join(', ')}): duration_ms = ${fmt(b.a)} (±${fmt(b.se_a, 2)}) + ${fmt(b.b)} (±${fmt(b.se_b, 2)}) × records, R² = ${b.r2.toFixed(4)}`,
    );
  }
  if (r.keep_alive) out.push('', `keep_alive_s: ${r.keep_alive.note}`);
  if (r.service) {
    const s = r.service;
    out.push('');
    out.push(`service time of ${s.vertex}${s.flink_vertex ? ` (Flink vertex ${JSON.stringify(s.flink_vertex)})` : ''} by ${s.method}: mean ${fmt(s.mean_ms)} ms ± ${fmt(s.se_ms, 2)} (n=${s.n})`);
    out.push(`   before: ${describeSpec(s.before)}`);
    out.push(`   after:  ${describeSpec(s.after)}`);
    if (s.fit) out.push(...candidateTable(s.fit));
  }
  const scen = r.changes.filter((c) => c.field.startsWith('scenario.'));
  if (scen.length) {
    out.push('', 'scenario changes:');
    for (const c of scen) out.push(`   ${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`);
  }
  if (r.warnings.length) {
    out.push('', 'warnings:');
    for (const w of r.warnings) out.push(`   ${w}`);
  }
  out.push('', '(* chosen, + passes the goodness-of-fit test; p-values by parametric bootstrap)');
  return out.join('\n') + '\n';
}

/** The result as a JSON document (the `--report` file): everything but the model itself, which has its own file. */
export function calibrationReportJson(r: CalibrationResult): string {
  const { model, ...rest } = r;
  return JSON.stringify({ format: 'spillway-calibration-report/1', model_id: model.id, ...rest }, null, 2) + '\n';
}
