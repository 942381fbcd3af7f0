/**
 * `spillway validate --repeat N`: the real side N times and the simulator over N seeds (repetition i runs both with
 * the scenario's seed + i, in DIR/repeat-<i>/, each a whole validation), then per metric the real spread (min, mean,
 * max) beside the simulated one, judged on the means: DIR/comparison.json, DIR/report.html.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadScenario } from '../../experiment/runner.js';
import { writeCompareReport } from '../../report/index.js';
import { UserError } from '../../util/errors.js';
import { formatSpreadTable, meanRows, spreadRows, type SpreadRow } from './repeat-stats.js';
import { spreadSection, verdictSection } from './report-sections.js';
import { runValidation, type ValidateOptions, type ValidateResult } from './run.js';
import { DEFAULT_TOLERANCES, formatVerdictTable, headline, judge, overall, verdictSentence, type Judgement, type Verdict } from './tolerances.js';
import { claimOutputDir } from '../../util/output.js';

export interface RepeatedResult {
  dir: string;
  repeats: ValidateResult[];
  spreads: SpreadRow[];
  judgements: Judgement[];
  verdict: Verdict;
  verdictSentence: string;
  headline: number | null;
  /** Every real run lost and duplicated nothing, every simulated run kept the invariant. */
  zeroLoss: boolean;
  simulatedOk: boolean;
  table: string;
}

/** Checks --repeat: a whole number from 1 to 50 (one line, exit 2 otherwise). */
export function checkRepeat(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 50) throw new UserError(`--repeat: expected a whole number from 1 to 50, got ${String(n)}`);
  return n;
}

function cleanTop(dir: string): void {
  claimOutputDir(dir, '--out', { defaultPath: true });
  if (existsSync(dir)) {
    for (const f of readdirSync(dir)) if (/^repeat-\d+$/.test(f)) rmSync(join(dir, f), { recursive: true, force: true });
  }
  for (const f of ['comparison.json', 'compare.json', 'report.html', 'charts']) rmSync(join(dir, f), { recursive: true, force: true });
}

export async function runRepeated(o: ValidateOptions, n: number): Promise<RepeatedResult> {
  checkRepeat(n);
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const scenario = loadScenario(resolve(o.scenario));
  const seed0 = o.seed ?? scenario.seed;
  const dir = resolve(o.out ?? `out/validate/${scenario.name}-repeat`);
  cleanTop(dir);
  const repeats: ValidateResult[] = [];
  for (let i = 0; i < n; i++) {
    log(`validate: repetition ${i + 1} of ${n} (seed ${seed0 + i})`);
    repeats.push(await runValidation({ ...o, seed: seed0 + i, out: join(dir, `repeat-${i + 1}`), log }));
  }
  const spreads = spreadRows(repeats.map((r) => r.rows));
  const judgements = judge(meanRows(spreads), o.tolerances ?? DEFAULT_TOLERANCES);
  const sentence = `${verdictSentence(judgements)} (means of ${n} repetitions)`;
  const result: RepeatedResult = {
    dir,
    repeats,
    spreads,
    judgements,
    verdict: overall(judgements),
    verdictSentence: sentence,
    headline: headline(judgements),
    zeroLoss: repeats.every((r) => r.zeroLoss),
    simulatedOk: repeats.every((r) => r.simulatedOk),
    table: `${formatSpreadTable(spreads, repeats)}\n${formatVerdictTable(judgements)}\n${sentence}\n`,
  };
  writeOutputs(result, scenario.name, o);
  await writeCompareReport(dir, { verdict: sentence, sections: [spreadSection(spreads, judgements), verdictSection(judgements, repeats[0].rows)], perRun: false });
  return result;
}

function writeOutputs(r: RepeatedResult, scenarioName: string, o: ValidateOptions): void {
  const runs = r.repeats.flatMap((_, i) => [
    { label: `real #${i + 1}`, dir: `repeat-${i + 1}/real` },
    { label: `simulated #${i + 1}`, dir: `repeat-${i + 1}/simulated` },
  ]);
  writeFileSync(join(r.dir, 'compare.json'), JSON.stringify({ scenario: scenarioName, runs }, null, 2) + '\n');
  const comparison = {
    scenario: scenarioName,
    repeats: r.repeats.length,
    seeds: r.repeats.map((x) => x.real.seed),
    work_mode: r.repeats[0]?.workMode,
    relative_error: '(simulated mean - real mean) / max(|real mean|, floor); offloaded share in percentage points',
    spreads: r.spreads,
    judgements: r.judgements,
    verdict: r.verdict,
    verdict_sentence: r.verdictSentence,
    headline_error_in_tolerances: r.headline,
    zero_loss: { real: r.zeroLoss, simulated: r.simulatedOk },
    per_repeat: r.repeats.map((x, i) => ({ dir: `repeat-${i + 1}`, verdict: x.verdict, headline_error_in_tolerances: x.headline })),
    options: { policy: o.policy ?? null, params: o.params ?? {}, rate_scale: o.rateScale ?? null, duration_s: o.durationS ?? null, trace: o.tracePath ?? null },
  };
  writeFileSync(join(r.dir, 'comparison.json'), JSON.stringify(comparison, null, 2) + '\n');
}
