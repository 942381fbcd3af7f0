/**
 * Fidelity per shape (issue 16, item 6): `spillway validate` on each shape, repeated (seed, seed + 1, ...), each run a
 * whole validation (the real job on a local MiniCluster against the local endpoint, the simulated mirror, the same
 * policy); prints per metric the real min / median / max, the simulated min / median / max and the error of the
 * medians as the validation tolerances floor it, and whether every real run lost nothing and its job's own checks
 * (window digests, hot items, per-key window order) held.
 *
 *   npm run -s build && node dist/bench/shapes-fidelity.js [--repeat 3] [--duration 30] [--rate-factor 0.1] [--only ysb,window] [--out DIR]
 *
 * Shapes: the tokenizer (test/e2e/validate-spike.json, wait mode) at parallelism 1 and 2, the window with offload
 * (test/e2e/validate-window.json, its own 6 s), and the examples nexmark-q1, nexmark-q5-window, ysb and
 * ysb-source-offload at --rate-factor of their rate (cpu work, as their jobs run).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runValidation, type ValidateOptions, type ValidateResult } from '../src/live/validate/run.js';
import { DEFAULT_TOLERANCES, flooredError } from '../src/live/validate/tolerances.js';
import { projectRoot } from './common.js';

interface Args { repeat: number; duration: number; rateFactor: number; only: string[] | null; out: string }

interface ShapeRun { file: string; opts: Partial<ValidateOptions> }

const METRICS = ['throughput_rps', 'latency_p50_ms', 'latency_p99_ms', 'offloaded_share'] as const;

function args(argv: string[]): Args {
  const a: Args = { repeat: 3, duration: 30, rateFactor: 0.1, only: null, out: 'out/bench/shapes-fidelity' };
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (argv[i] === '--repeat') a.repeat = Number(v);
    else if (argv[i] === '--duration') a.duration = Number(v);
    else if (argv[i] === '--rate-factor') a.rateFactor = Number(v);
    else if (argv[i] === '--only') a.only = v.split(',');
    else if (argv[i] === '--out') a.out = v;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return a;
}

/** The tokenizer scenario with its tokenizer (and so its offload path) at parallelism 2, beside the original. */
function tokenizerP2(out: string): string {
  const src = join(projectRoot(), 'test/e2e/validate-spike.json');
  const raw = JSON.parse(readFileSync(src, 'utf8'));
  raw.vertices.find((v: { id: string }) => v.id === 'tokenizer').parallelism = 2;
  raw.workload.trace = join(projectRoot(), 'test/e2e', raw.workload.trace);
  raw.offload = raw.offload.map((o: { platform: string }) => ({ ...o, platform: join(projectRoot(), 'test/e2e', o.platform) }));
  mkdirSync(out, { recursive: true });
  const file = join(out, 'validate-spike-p2.json');
  writeFileSync(file, JSON.stringify(raw, null, 2));
  return file;
}

function shapes(a: Args): Record<string, ShapeRun> {
  const root = projectRoot();
  const tokenizer = { workMode: 'wait' as const, durationS: a.duration };
  const example = (name: string): ShapeRun => ({ file: join(root, 'examples', `${name}.json`), opts: { durationS: a.duration, rateScale: a.rateFactor } });
  return {
    'tokenizer-p1': { file: join(root, 'test/e2e/validate-spike.json'), opts: tokenizer },
    'tokenizer-p2': { file: tokenizerP2(a.out), opts: tokenizer },
    window: { file: join(root, 'test/e2e/validate-window.json'), opts: {} },
    'nexmark-q1': example('nexmark-q1'),
    'nexmark-q5-window': example('nexmark-q5-window'),
    ysb: example('ysb'),
    'ysb-source-offload': example('ysb-source-offload'),
  };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];
const r1 = (x: number) => Math.round(x * 10) / 10;
const spread = (xs: number[]) => `${r1(Math.min(...xs))} / ${r1(median(xs))} / ${r1(Math.max(...xs))}`;

/** One shape's rows: per metric the real and simulated spreads and the floored error of the medians. */
function rows(name: string, runs: ValidateResult[]): string[] {
  const exact = runs.every((r) => r.zeroLoss && r.simulatedOk);
  return METRICS.map((key) => {
    const of = (side: 'real' | 'simulated') => runs.map((r) => r.rows.find((x) => x.key === key)?.[side] ?? NaN);
    // the share in percent, as its tolerance (points) reads
    const [real, sim] = key === 'offloaded_share' ? [of('real').map((x) => x * 100), of('simulated').map((x) => x * 100)] : [of('real'), of('simulated')];
    const tol = DEFAULT_TOLERANCES.find((t) => t.key === key)!;
    const err = key === 'offloaded_share' ? flooredError(tol, median(real) / 100, median(sim) / 100) : flooredError(tol, median(real), median(sim));
    const shown = err === null ? 'n/a' : tol.kind === 'points' ? `${r1(err)} pts` : `${r1(err * 100)} %`;
    const verdict = err === null ? 'n/a' : Math.abs(err) <= tol.tolerance ? 'PASS' : 'FAIL';
    return `| ${name} | ${key} | ${spread(real)} | ${spread(sim)} | ${shown} | ${verdict} | ${exact ? `yes (${runs.length} of ${runs.length})` : 'NO'} |`;
  });
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const all = shapes(a);
  console.log('| shape | metric | real min / median / max | simulated min / median / max | error (medians) | verdict | zero loss, job checks |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, s] of Object.entries(all)) {
    if (a.only && !a.only.includes(name)) continue;
    const runs: ValidateResult[] = [];
    mkdirSync(join(a.out, name), { recursive: true });
    for (let i = 0; i < a.repeat; i++) {
      const out = join(a.out, name, `repeat-${i + 1}`);
      runs.push(await runValidation({ scenario: s.file, out, seed: 1 + i, log: () => undefined, ...s.opts }));
      process.stderr.write(`${name} repeat ${i + 1}: ${runs[i].verdictSentence}\n`);
    }
    for (const row of rows(name, runs)) console.log(row);
  }
}

await main();
