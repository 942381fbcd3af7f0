// The e2e's tolerance bands, justified from a measured real spread (docs/VALIDATION.md, "What the e2e asserts"):
// reads one or more `validate --repeat N` directories (e.g. out/validate-table/e2e-wait measured on a loaded host and
// out/validate-table-quiet/e2e-wait on a quiet one), pools their real runs (min of the minima, max of the maxima,
// the mean weighted by runs) and prints, per judged metric, the goal tolerance widened so that a simulated value
// within the goal of the pooled real MEAN passes against EVERY measured real run (bandFromSpread in
// src/live/validate/tolerances.ts has the rule). Pooling host conditions matters: in wait mode the real job offloads
// about twice the share on a host at load 20-25 as on a quiet one, and CI may run on either.
// A single run's error mixes the simulator's error with the real side's run-to-run spread; the band removes the
// second (as measured), not the first. Rounded up to 0.01 (points: 0.5).
// Usage: npm run -s build && node bench/validate-tolerances.mjs DIR[=LABEL] [DIR[=LABEL] ...] > test/e2e/tolerances-wait.json
//   LABEL says how the cell was measured (e.g. "2026-12-05, load average 20-25"); it goes into each entry's `why`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The goal tolerances are validate's own defaults (built: npm run -s build).
const { DEFAULT_TOLERANCES: GOAL, bandFromSpread, poolSpreads } = await import('../dist/src/live/validate/tolerances.js').catch(() => {
  console.error('bench/validate-tolerances.mjs: dist/ is missing; run npm run -s build first');
  process.exit(2);
});
const cells = process.argv.slice(2).map((a) => {
  const [dir, label] = a.split('=');
  return { dir, label: label ?? dir };
});
if (cells.length === 0) {
  console.error('usage: node bench/validate-tolerances.mjs DIR[=LABEL] [DIR[=LABEL] ...]');
  process.exit(2);
}
const comparisons = cells.map(({ dir }) => {
  try {
    return JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8'));
  } catch (err) {
    console.error(`bench/validate-tolerances.mjs: ${join(dir, 'comparison.json')}: ${err.message}`);
    process.exit(2);
  }
});
/** One metric's real spread over every cell: min of minima, max of maxima, run-weighted mean. */
function pooled(key) {
  const ss = comparisons.map((c) => c.spreads.find((x) => x.key === key).real);
  return { ss, ...poolSpreads(ss) };
}
const r = (x) => Math.round(x * 1e4) / 1e4;
const fmt = (x) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : String(Math.round(x * 1e4) / 1e4));
const out = GOAL.map((g) => {
  const s = pooled(g.key);
  const { tolerance: above, below } = bandFromSpread(g, s);
  const goal = g.kind === 'points' ? `±${g.tolerance} pts` : `±${g.tolerance * 100} %`;
  const band = g.kind === 'points' ? `+${above}/-${below} pts` : `+${r(above * 100)} %/-${r(below * 100)} %`;
  const where = cells.map((c, i) => `${c.label}: ${s.ss[i].n} runs, ${fmt(s.ss[i].min)} / ${fmt(s.ss[i].mean)} / ${fmt(s.ss[i].max)}`).join('; ');
  const spread = `${s.n} runs, min / mean / max ${fmt(s.min)} / ${fmt(s.mean)} / ${fmt(s.max)} (${where})`;
  const why = above === g.tolerance && below === g.tolerance
    ? `the goal ${goal}: the real spread (${spread}) fits inside it`
    : `goal ${goal} widened by the real spread (${spread}) to ${band}: a simulation within the goal of the real mean passes against every measured run`;
  return { key: g.key, kind: g.kind, tolerance: above, below, floor: g.floor, why };
});
console.log('[\n' + out.map((o) => '  ' + JSON.stringify(o)).join(',\n') + '\n]');
