/**
 * `spillway trace gen <kind> [--param k=v ...] [--seed N] --out F`: write a generated rate trace.
 * `spillway trace inspect F [--json] [--k 2] [--bin 1] [--chart out.svg]`: print a trace's statistics.
 * `spillway trace kinds`: the generator kinds with their parameters and defaults.
 */
import { basename } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { GENERATORS, generateTrace, parseParamArgs, resolveParams } from '../../workload/generate.js';
import { NAB_NOTICE } from '../../workload/nab.js';
import { loadTrace } from '../../workload/parse.js';
import { formatStats, traceStats, type TraceStats } from '../../workload/stats.js';
import type { Trace } from '../../workload/types.js';
import { writeTrace } from '../../workload/write.js';
import { UserError } from '../../util/errors.js';
import { checkOutputFile, fileHead } from '../../util/output.js';

/** A trace `trace gen` wrote (its provenance header says so): rerunning the same command may replace it. */
const isSpillwayTrace = (abs: string): boolean => /^# Spillway rate trace /.test(fileHead(abs));

export interface TraceGenArgs {
  kind: string;
  param?: string[];
  seed?: number;
  out: string;
}

export interface TraceInspectArgs {
  file: string;
  json?: boolean;
  k?: number;
  bin?: number;
  chart?: string;
}

/** The `#` comment block written at the top of a generated trace. */
export function provenanceFor(kind: string, params: Record<string, unknown>, seed: number, stats: TraceStats): string {
  const shown = Object.entries(params)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `--param ${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' ');
  const r = (x: number) => Math.round(x * 10) / 10;
  const lines = [
    `Spillway rate trace (t_s,rate: records/s from t_s until the next row; ends at ${r(stats.durationS)} s).`,
    `generator: spillway trace gen ${kind} ${shown} --seed ${seed}`,
    `shape: mean ${r(stats.meanRate)} rec/s, peak ${r(stats.peakRate)} rec/s, peak/mean ${Math.round(stats.peakToMean * 100) / 100}, ` +
      `duration ${r(stats.durationS)} s, ${stats.rows} steps`,
  ];
  if (kind === 'from-nab') {
    lines.push(
      `derived from ${basename(String(params.file))} of the Numenta Anomaly Benchmark (github.com/numenta/NAB, data/),`,
      'rescaled as docs/WORKLOADS.md says; the NAB data is under the MIT licence below (also traces/NAB-LICENSE.txt):',
      '',
      ...NAB_NOTICE.split('\n'),
    );
  }
  return lines.join('\n');
}

/** `trace gen`: generate, write, and return the one-line summary printed. */
export function traceGen(args: TraceGenArgs): string {
  const seed = args.seed ?? 1;
  if (!Number.isInteger(seed)) throw new UserError(`trace gen: --seed must be an integer, got ${args.seed}`);
  const given = parseParamArgs(args.param ?? []);
  const params = resolveParams(args.kind, given);
  const out = checkOutputFile(args.out, '--out', { isOwn: isSpillwayTrace });
  const trace = generateTrace(args.kind, params, seed);
  const stats = traceStats(trace);
  writeTrace(trace, out, provenanceFor(args.kind, params, seed, stats));
  return `wrote ${args.out}: ${stats.rows} steps, ${stats.durationS} s, mean ${Math.round(stats.meanRate)} rec/s, peak ${Math.round(stats.peakRate)} rec/s\n`;
}

/** `trace inspect`: the statistics as text (or JSON), plus the trace for a chart. */
export function traceInspect(args: TraceInspectArgs): { text: string; stats: TraceStats; trace: Trace } {
  if (args.k !== undefined && !(args.k > 0)) throw new UserError(`trace inspect: --k must be > 0, got ${args.k}`);
  if (args.bin !== undefined && !(args.bin > 0)) throw new UserError(`trace inspect: --bin must be > 0, got ${args.bin}`);
  const trace = loadTrace(args.file);
  const stats = traceStats(trace, { k: args.k, binS: args.bin });
  const text = args.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats);
  return { text, stats, trace };
}

/**
 * What a chart of a trace plots: the steps of a rate trace as they are, or an event trace counted into bins of
 * binS seconds (records/s per bin); `endS` closes the last step.
 */
export function traceChartData(trace: Trace, binS = 1): { tS: Float64Array; rate: Float64Array; endS: number } {
  if (trace.kind === 'rate') return { tS: trace.tS, rate: trace.rate, endS: trace.endS };
  const nb = Math.max(1, Math.ceil(trace.endS / binS - 1e-9));
  const tS = new Float64Array(nb);
  const rate = new Float64Array(nb);
  for (let i = 0; i < trace.tMs.length; i++) rate[Math.min(nb - 1, Math.floor(trace.tMs[i] / (binS * 1000)))]++;
  for (let b = 0; b < nb; b++) {
    tS[b] = b * binS;
    rate[b] /= binS;
  }
  return { tS, rate, endS: nb * binS };
}

/** `trace kinds`: every generator with its parameters. */
export function formatKinds(): string {
  const lines: string[] = [];
  for (const g of GENERATORS) {
    lines.push(`${g.kind}: ${g.describe}`);
    for (const p of g.params) {
      const def = p.default === undefined ? '' : ` (default ${Array.isArray(p.default) ? p.default.join(',') : p.default})`;
      lines.push(`  ${p.name.padEnd(12)} ${p.describe}${def}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const genCommand: CommandModule<object, TraceGenArgs> = {
  command: 'gen <kind>',
  describe: 'Generate a rate trace (kinds: see `spillway trace kinds`)',
  builder: (y) =>
    y
      .positional('kind', { type: 'string', demandOption: true, describe: 'generator kind' })
      .option('param', { type: 'string', array: true, describe: 'a parameter k=v (repeatable)' })
      .option('seed', { type: 'number', default: 1, describe: 'random seed' })
      .option('out', { type: 'string', demandOption: true, describe: 'trace file to write' }) as unknown as Argv<TraceGenArgs>,
  handler: (argv) => {
    process.stdout.write(traceGen(argv));
  },
};

const inspectCommand: CommandModule<object, TraceInspectArgs> = {
  command: 'inspect <file>',
  describe: "Print a trace's statistics: duration, records, mean/median/peak rate, burst episodes",
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'trace file' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
      .option('k', { type: 'number', default: 2, describe: 'burst threshold, × median rate' })
      .option('bin', { type: 'number', default: 1, describe: 'bin width for event traces, s' })
      .option('chart', { type: 'string', describe: 'also write a chart of the rate (SVG)' }) as unknown as Argv<TraceInspectArgs>,
  handler: async (argv) => {
    const chart = argv.chart === undefined ? undefined : checkOutputFile(argv.chart, '--chart');
    const { text, trace } = traceInspect(argv);
    process.stdout.write(text);
    if (chart) {
      await writeTraceChart(trace, chart, argv.bin ?? 1);
      process.stdout.write(`wrote ${argv.chart}\n`);
    }
  },
};

const kindsCommand: CommandModule<object, object> = {
  command: 'kinds',
  describe: 'List the trace generator kinds and their parameters',
  handler: () => {
    process.stdout.write(formatKinds());
  },
};

/** Chart of a trace's rate over time, written as SVG by src/report (loaded only when asked: it pulls in Vega). */
async function writeTraceChart(trace: Trace, out: string, binS: number): Promise<void> {
  const { renderTraceChart } = await import('../../report/index.js');
  const shape = traceChartData(trace, binS);
  await renderTraceChart(shape, out, {
    title: `Trace: ${basename(trace.source)}`,
    subtitle: trace.kind === 'rate' ? 'records per second, piecewise constant' : `records per second in ${binS} s bins`,
    endS: shape.endS,
  });
}

export const traceCommand: CommandModule<object, object> = {
  command: 'trace <command>',
  describe: 'Generate and inspect workload traces',
  builder: (y) => y.command(genCommand).command(inspectCommand).command(kindsCommand).demandCommand(1, 'name a trace command: gen, inspect or kinds'),
  handler: () => {},
};
