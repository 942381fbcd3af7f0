// Prints the docs/VALIDATION.md table "Measured: three traces" from bench/validate-table.sh's output directory:
// per trace x work mode, per metric the real spread (min / mean / max over the repetitions), the simulated mean, the
// floored error of the means and its verdict, and the widest single-repetition error.
// Usage: node bench/validate-table.mjs [out/validate-table]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'out/validate-table';
const KEYS = ['throughput_rps', 'latency_p50_ms', 'latency_p99_ms', 'max_pending_records', 'offloaded_share', 'invocations', 'cost_usd', 'cold_starts'];
const f = (x) => (x === null || x === undefined ? 'n/a' : Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : Math.abs(x) < 0.01 && x !== 0 ? x.toPrecision(2) : String(Math.round(x * 1000) / 1000));
const e = (j) => (j === undefined || j.error === null ? '–' : j.kind === 'points' ? `${j.error >= 0 ? '+' : ''}${j.error.toFixed(1)} pts` : `${j.error >= 0 ? '+' : ''}${(j.error * 100).toFixed(1)}%`);
console.log('| trace · mode (N) | metric | real min / mean / max | simulated mean | error of means | verdict | widest single-run error |');
console.log('|---|---|---|---|---|---|---|');
for (const name of readdirSync(dir).sort()) {
  const file = join(dir, name, 'comparison.json');
  if (!existsSync(file)) continue;
  const c = JSON.parse(readFileSync(file, 'utf8'));
  const reps = c.per_repeat.map((r) => JSON.parse(readFileSync(join(dir, name, r.dir, 'comparison.json'), 'utf8')));
  for (const key of KEYS) {
    const s = c.spreads.find((x) => x.key === key);
    const j = c.judgements.find((x) => x.key === key);
    const singles = reps.map((r) => r.judgements.find((x) => x.key === key)).filter((x) => x && x.error !== null);
    const widest = singles.length ? singles.reduce((a, b) => (Math.abs(b.error) > Math.abs(a.error) ? b : a)) : undefined;
    // metrics without a tolerance: the plain relative error of the means
    const plain = !j && s.real.mean ? { kind: 'relative', error: (s.simulated.mean - s.real.mean) / Math.abs(s.real.mean) } : undefined;
    console.log(`| ${name} (${c.repeats}) | ${key} | ${f(s.real.min)} / ${f(s.real.mean)} / ${f(s.real.max)} | ${f(s.simulated.mean)} | ${e(j ?? plain)} | ${j ? j.verdict : 'not judged'} | ${e(widest)} |`);
  }
}
