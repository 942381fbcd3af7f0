/**
 * Phase 5, compare: per metric real vs simulated (and published, calibrated), the floored errors judged against the
 * tolerances (PASS/FAIL, the verdict sentence, the headline), and the policy's signals on both sides.
 */
import type { RunSummary } from '../../../metrics/summary.js';
import { compareSummaries, formatComparisonTable, lastResultS, type ComparisonRow } from '../compare.js';
import { compareSignals, signalDefs, type SignalComparison, type SignalDef } from '../signals.js';
import { DEFAULT_TOLERANCES, formatVerdictTable, headline, judge, overall, verdictSentence, type Judgement, type Verdict } from '../tolerances.js';
import type { Calibrated } from './calibrate.js';
import type { Prepared } from './prepare.js';
import type { RealOutcome } from './real-outputs.js';
import type { SimulatedCopies } from './simulate.js';

export interface Comparison {
  rows: ComparisonRow[];
  judgements: Judgement[];
  verdict: Verdict;
  sentence: string;
  headline: number | null;
  signals: SignalComparison;
  signalDefs: SignalDef[];
  /** The printed table: the metrics, the judgements, the verdict sentence. */
  table: string;
}

export function comparePhase(p: Prepared, real: RealOutcome, sims: SimulatedCopies, cal: Calibrated | null): Comparison {
  const published = sims.published?.result ?? null;
  const calibrated: RunSummary | null = cal?.result?.summary ?? null;
  const rows = compareSummaries(
    real.real.summary,
    sims.simulated.result.summary,
    calibrated,
    {
      real: real.real.summary.end_s,
      simulated: lastResultS(sims.simulated.result.timeseries),
      published: published ? lastResultS(published.timeseries) : undefined,
      calibrated: cal?.result ? lastResultS(cal.result.timeseries) : undefined,
    },
    published?.summary,
  );
  const defs = signalDefs(p.shape.tokenizer.id);
  const signals = compareSignals(real.signals, sims.simulated.signals, defs);
  if (signals.warning) {
    p.notes.push(signals.warning);
    p.log(`validate: ${signals.warning}`);
  }
  const judgements = judge(rows, p.o.tolerances ?? DEFAULT_TOLERANCES);
  const sentence = verdictSentence(judgements);
  return {
    rows,
    judgements,
    verdict: overall(judgements),
    sentence,
    headline: headline(judgements),
    signals,
    signalDefs: defs,
    table: `${formatComparisonTable(rows, { real: real.real.summary, simulated: sims.simulated.result.summary, published: published?.summary, calibrated })}\n${formatVerdictTable(judgements)}\n${sentence}\n`,
  };
}
