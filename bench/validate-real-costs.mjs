// What makes the real side differ from the simulated one (docs/VALIDATION.md, "What makes the real side differ"),
// from `validate --repeat` run directories: per repetition, the tokenizer's per-record wall time (the job's
// service_times.csv: park or spin plus tokenizing, µs) against the scenario's mean, and the endpoint's INIT times
// (offload_batches.jsonl, cold batches) against how many INITs overlapped each (cold-start contention: a least-squares
// line init_ms = a + b · overlapping INITs).
// Usage: node bench/validate-real-costs.mjs out/validate-table/e2e-wait [more directories]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

function serviceStats(file) {
  const ms = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]) / 1000).filter((x) => x > 0).sort((a, b) => a - b);
  return { n: ms.length, mean: ms.reduce((a, b) => a + b, 0) / ms.length, p50: q(ms, 0.5), p90: q(ms, 0.9), p99: q(ms, 0.99) };
}

/** Each cold batch's INIT interval [end − duration − init, end − duration] and the INITs overlapping it (itself included). */
function initContention(file) {
  const cold = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((b) => b.kind === 'cold' && b.init_ms > 0);
  const iv = cold.map((b) => ({ e: b.t - b.duration_ms, s: b.t - b.duration_ms - b.init_ms, init: b.init_ms }));
  const pts = iv.map((a) => [iv.filter((b) => b.s < a.e && b.e > a.s).length, a.init]);
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p[0], 0) / n;
  const my = pts.reduce((s, p) => s + p[1], 0) / n;
  const sxx = pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  const b = sxx > 0 ? pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / sxx : NaN;
  const inits = pts.map((p) => p[1]).sort((x, y) => x - y);
  return { n, median: q(inits, 0.5), maxOverlap: Math.max(...pts.map((p) => p[0])), a: my - b * mx, b };
}

console.log('| run | per-record wall ms: n / mean / p50 / p90 / p99 | cold INITs: n / median ms / most overlapping | INIT ms = a + b × overlapping |');
console.log('|---|---|---|---|');
for (const dir of process.argv.slice(2)) {
  for (const rep of readdirSync(dir).filter((d) => d.startsWith('repeat-')).sort()) {
    const real = join(dir, rep, 'real');
    if (!existsSync(join(real, 'service_times.csv'))) continue;
    const s = serviceStats(join(real, 'service_times.csv'));
    const c = existsSync(join(real, 'offload_batches.jsonl')) ? initContention(join(real, 'offload_batches.jsonl')) : null;
    const cs = c && c.n > 0 ? `${c.n} / ${f(c.median, 0)} / ${c.maxOverlap}` : '–';
    const fit = c && c.n > 2 ? `${f(c.a, 0)} + ${f(c.b, 0)} × k` : '–';
    console.log(`| ${join(dir, rep).split('/').slice(-2).join('/')} | ${s.n} / ${f(s.mean)} / ${f(s.p50)} / ${f(s.p90)} / ${f(s.p99)} | ${cs} | ${fit} |`);
  }
}
