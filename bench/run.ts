/**
 * `npm run bench`: Spillway's benchmarks. Each measurement runs in its own child process (so peak RSS is the
 * benchmark's own and one cannot warm or pollute another), is repeated (default 3) and reported as the median.
 * Prints the figures and writes bench/results/latest.json and bench/results/latest.md. Benchmarks are not
 * tests: nothing here asserts a timing.
 *
 *   node dist/bench/run.js [--reps N] [--only engine-1k,engine-100k,engine-tandem,tandem,tandem-open,pipeline-1h,refs,sweep]
 *   node dist/bench/run.js --only pipeline-24h --reps 1        (npm run bench:24h; not in the default run: minutes)
 *
 * Figures: (1) engine: EventCalendar schedule+dispatch, events/s, with 1 k and 100 k pending events, and the
 * reference tandem written on the engine alone (engine-tandem); (2) tandem: bench/scenarios/tandem-3.json, the
 * reference's blocking tandem (K = 6) in the Flink model, exact per-record simulation; tandem-open: the same with
 * unbounded buffers; (3) pipeline-1h: the default pipeline's shape over one hour at 50,000 lines/s on average;
 * pipeline-24h: 24 hours of it, peak RSS; (4) refs: the C++ and SimPy references of the tandem (bench/references.ts),
 * and the ratios; (5) sweep: runs per minute with 1 and 2 workers from bench/sweep.ts, when it is there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, projectRoot, type Measurement } from './common.js';
import { benchEngine } from './engine.js';
import { benchEngineTandem } from './engine-tandem.js';
import { referenceRatios, type RatioReport } from './ratios.js';
import { benchScenario } from './scenario-bench.js';

interface BenchDef {
  name: string;
  what: string;
  run: () => Measurement;
  /** Only with --only NAME (too long for the default run). */
  optIn?: boolean;
}

/** Source records of the tandem benches (seed 1, 600 s at 1,000/s): the references run the same count. */
export const TANDEM_RECORDS = 599_879;
/** Records between two stations of the blocking tandem, counting the one in service (the references' K). */
export const TANDEM_K = 6;

const BENCHES: BenchDef[] = [
  { name: 'engine-1k', what: 'EventCalendar hold model, 1,000 pending events, 20 M events', run: () => benchEngine(1_000, 20_000_000) },
  { name: 'engine-100k', what: 'EventCalendar hold model, 100,000 pending events, 10 M events', run: () => benchEngine(100_000, 10_000_000) },
  { name: 'engine-tandem', what: `the reference tandem (K = ${TANDEM_K}, 80 % load) on EventCalendar alone, ${TANDEM_RECORDS} records`, run: () => benchEngineTandem(TANDEM_RECORDS, 0.8, TANDEM_K) },
  { name: 'tandem', what: `bench/scenarios/tandem-3.json: 3 exponential stations, blocking (K = ${TANDEM_K}), 80 % load, 600 s, exact (resolution 0)`, run: () => benchScenario('tandem-3.json') },
  { name: 'tandem-open', what: 'bench/scenarios/tandem-3-open.json: the same with 32 KiB buffers (effectively unbounded)', run: () => benchScenario('tandem-3-open.json') },
  { name: 'pipeline-1h', what: 'bench/scenarios/pipeline-1h.json: source -> tokenizer(20) -> sink(2), 1 h of bursty-1h.csv (mean 50 k lines/s)', run: () => benchScenario('pipeline-1h.json') },
  { name: 'pipeline-24h', what: 'bench/scenarios/pipeline-24h.json: the same over 24 h (bursty-24h.csv, the hour repeated), peak RSS', run: () => benchScenario('pipeline-24h.json'), optIn: true },
];

interface BenchResult {
  name: string;
  what: string;
  reps: number;
  /** Median over the repetitions of each figure, and of the wall time. */
  wallS: number;
  cpuS: number;
  figures: Record<string, number>;
  /** Largest peak RSS over the repetitions, MB. */
  peakRssMb: number;
  facts?: Record<string, number | string>;
  runs: Measurement[];
}

function parseArgs(argv: string[]): { reps: number; only: string[] | null; child: string | null } {
  let reps = 3;
  let only: string[] | null = null;
  let child: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reps') reps = Math.max(1, Number(argv[++i]));
    else if (argv[i] === '--only') only = argv[++i].split(',');
    else if (argv[i] === '--child') child = argv[++i];
  }
  return { reps, only, child };
}

function runChild(name: string): Measurement {
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, [self, '--child', name], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = out.trim().split('\n').pop()!;
  return JSON.parse(line) as Measurement;
}

function summarise(def: BenchDef, runs: Measurement[]): BenchResult {
  const figures: Record<string, number> = {};
  for (const k of Object.keys(runs[0].figures)) figures[k] = median(runs.map((r) => r.figures[k]));
  return {
    name: def.name,
    what: def.what,
    reps: runs.length,
    wallS: Math.round(median(runs.map((r) => r.wallS)) * 1000) / 1000,
    cpuS: Math.round(median(runs.map((r) => r.cpuS)) * 1000) / 1000,
    figures,
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    facts: runs[0].facts,
    runs,
  };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString('en-US') : String(x);
}

async function sweepFigures(): Promise<{ result?: unknown; wallS?: number; peakRssMb?: number; note?: string }> {
  const here = dirname(fileURLToPath(import.meta.url));
  if (!existsSync(join(here, 'sweep.js'))) return { note: 'bench/sweep.ts is not there yet: skipped' };
  try {
    const mod = (await import('./sweep.js' as string)) as { benchSweep?: () => Promise<unknown> };
    if (typeof mod.benchSweep !== 'function') return { note: 'bench/sweep.ts exports no benchSweep(): skipped' };
    const t0 = performance.now();
    const result = await mod.benchSweep();
    return { result, wallS: Math.round((performance.now() - t0) / 10) / 100, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  } catch (err) {
    return { note: `benchSweep() failed, skipped: ${(err as Error).message.split('\n')[0]}` };
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    const def = BENCHES.find((b) => b.name === args.child);
    if (!def) throw new Error(`unknown bench ${args.child}`);
    console.log(JSON.stringify(def.run()));
    return;
  }
  const root = projectRoot();
  const started = new Date();
  const loadBefore = loadavg();
  const results: BenchResult[] = [];
  for (const def of BENCHES) {
    if (args.only ? !args.only.includes(def.name) : def.optIn) continue;
    const runs: Measurement[] = [];
    for (let i = 0; i < args.reps; i++) {
      const m = runChild(def.name);
      runs.push(m);
      const figs = Object.entries(m.figures).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
      console.log(`${def.name} #${i + 1}: wall ${m.wallS.toFixed(3)} s, CPU ${m.cpuS.toFixed(3)} s, peak RSS ${m.peakRssMb} MB, ${figs}`);
    }
    results.push(summarise(def, runs));
  }
  const ratios: RatioReport | null = !args.only || args.only.includes('refs') ? referenceRatios(results, args.reps, TANDEM_RECORDS, TANDEM_K) : null;
  const sweep = !args.only || args.only.includes('sweep') ? await sweepFigures() : { note: 'not selected' };
  if (sweep.note) console.log(`sweep: ${sweep.note}`);
  else console.log(`sweep: ${JSON.stringify(sweep.result)}`);
  const loadAfter = loadavg();

  const report = {
    date: started.toISOString(),
    command: `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage1mBefore: Math.round(loadBefore[0] * 100) / 100,
    loadAverage1mAfter: Math.round(loadAfter[0] * 100) / 100,
    benches: results,
    references: ratios,
    sweep,
  };
  const dir = join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);

  const md: string[] = [
    `# Spillway bench, ${report.date}`,
    '',
    `\`${report.command}\` — Node ${report.node}, ${report.cores} × ${report.cpu}, load average ${report.loadAverage1mBefore} before, ${report.loadAverage1mAfter} after (a shared machine: figures are medians of ${args.reps}).`,
    '',
    '| bench | what | wall s (median) | CPU s (median) | peak RSS MB | figures (median) |',
    '|---|---|---:|---:|---:|---|',
    ...results.map((r) => `| ${r.name} | ${r.what} | ${r.wallS} | ${r.cpuS} | ${r.peakRssMb} | ${Object.entries(r.figures).map(([k, v]) => `${k} ${fmt(v)}`).join('<br>')} |`),
    '',
    ...(ratios ? ratios.markdown : []),
    sweep.note ? `Sweep: ${sweep.note}.` : `Sweep (bench/sweep.ts, wall ${sweep.wallS} s, peak RSS ${sweep.peakRssMb} MB): \`${JSON.stringify(sweep.result)}\``,
    '',
  ];
  writeFileSync(join(dir, 'latest.md'), md.join('\n'));
  console.log(`\nwrote ${join(dir, 'latest.json')} and latest.md`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
