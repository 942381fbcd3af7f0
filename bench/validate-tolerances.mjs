// The e2e's tolerance bands, justified from a measured real spread (docs/VALIDATION.md, "What the e2e asserts"):
// reads one `validate --repeat N` directory (e.g. out/validate-table/e2e-wait) and prints, per judged metric, the goal
// tolerance widened so that a simulated value within the goal of the real MEAN passes against EVERY measured real run:
// (bandFromSpread in src/live/validate/tolerances.ts has the rule).
// A single run's error mixes the simulator's error with the real side's run-to-run spread; the band removes the
// second (as measured), not the first. Rounded up to 0.01 (points: 0.5).
// Usage: npm run -s build && node bench/validate-tolerances.mjs out/validate-table/e2e-wait > test/e2e/tolerances-wait.json
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The goal tolerances are validate's own defaults (built: npm run -s build).
const { DEFAULT_TOLERANCES: GOAL, bandFromSpread } = await import('../dist/src/live/validate/tolerances.js').catch(() => {
  console.error('bench/validate-tolerances.mjs: dist/ is missing; run npm run -s build first');
  process.exit(2);
});
const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/validate-tolerances.mjs <validate --repeat directory>');
  process.exit(2);
}
const c = JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8'));
const r = (x) => Math.round(x * 1e4) / 1e4;
const fmt = (x) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : String(Math.round(x * 1e4) / 1e4));
const out = GOAL.map((g) => {
  const s = c.spreads.find((x) => x.key === g.key).real;
  const { tolerance: above, below } = bandFromSpread(g, s);
  const goal = g.kind === 'points' ? `±${g.tolerance} pts` : `±${g.tolerance * 100} %`;
  const band = g.kind === 'points' ? `+${above}/-${below} pts` : `+${r(above * 100)} %/-${r(below * 100)} %`;
  const why = above === g.tolerance && below === g.tolerance
    ? `the goal ${goal}: the real spread over ${s.n} runs (${fmt(s.min)} / ${fmt(s.mean)} / ${fmt(s.max)}) fits inside it`
    : `goal ${goal} widened by the real spread over ${s.n} runs in ${dir} (min / mean / max ${fmt(s.min)} / ${fmt(s.mean)} / ${fmt(s.max)}) to ${band}: a simulation within the goal of the real mean passes against every measured run`;
  return { key: g.key, kind: g.kind, tolerance: above, below, floor: g.floor, why };
});
console.log('[\n' + out.map((o) => '  ' + JSON.stringify(o)).join(',\n') + '\n]');
