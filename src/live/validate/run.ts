/**
 * `spillway validate`: one scenario, one policy, run for real (flink-validate on a MiniCluster or a remote cluster,
 * offloading to the local Invoke-API endpoint or to AWS Lambda) and in the simulator, then compared. The phases,
 * one module each under phases/:
 *
 *   prepare ─► run real ─► simulate the copies ─► calibrate (--calibrate) ─► compare ─► report
 *
 * docs/VALIDATION.md describes the whole procedure; repeat.ts runs it N times (--repeat).
 */
import { loadScenario } from '../../experiment/runner.js';
import { isTokenizerScenario, prepareGraph } from './graph-validate.js';
import { calibratePhase } from './phases/calibrate.js';
import { comparePhase } from './phases/compare.js';
import { prepare } from './phases/prepare.js';
import { runReal } from './phases/real.js';
import { reportPhase } from './phases/report.js';
import { simulateCopies } from './phases/simulate.js';
import type { ValidateOptions, ValidateResult } from './types.js';

export type { CalibrationOutcome, FaultOptions, ValidateOptions, ValidateResult } from './types.js';
export { cpuPinning, defaultWorkMode, localEndpointModelPath, parseFaultArgs } from './options.js';
export { wireBytesPerLine } from './phases/calibrate.js';

export async function runValidation(o: ValidateOptions): Promise<ValidateResult> {
  // any scenario but the tokenizer shape: the job built from its graph (graph-validate.ts)
  const p = isTokenizerScenario(loadScenario(o.scenario)) ? await prepare(o) : await prepareGraph(o);
  const real = await runReal(p);
  const sims = simulateCopies(p, real.durationS);
  const cal = await calibratePhase(p, real);
  const c = comparePhase(p, real, sims, cal);
  await reportPhase(p, real, sims, cal, c);
  const job = real.job;
  return {
    dir: p.dir,
    real: real.real.summary,
    simulated: sims.simulated.result.summary,
    published: sims.published?.result.summary ?? null,
    calibrated: cal?.result?.summary ?? null,
    rows: c.rows,
    table: c.table,
    zeroLoss: job.lost === 0 && job.duplicated === 0 && job.ok,
    simulatedOk: sims.simulated.ok,
    notes: p.notes,
    calibration: cal?.outcome ?? null,
    workMode: p.workMode,
    judgements: c.judgements,
    verdict: c.verdict,
    verdictSentence: c.sentence,
    headline: c.headline,
  };
}
