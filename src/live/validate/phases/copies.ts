/** The one way every phase loads a copy of the scenario with validate's adjustments (the options both sides share). */
import { loadScenario } from '../../../experiment/runner.js';
import type { Scenario } from '../../../scenario/scenario.js';

/** What validate changes in every copy of the scenario it loads: the options that apply to both sides. */
export interface Adjust {
  rateScale?: number;
  faults?: { errorRate?: number };
  seed?: number;
  drainS?: number;
}

export function loadScaled(path: string, a: Adjust): Scenario {
  const scenario = loadScenario(path);
  if (a.seed !== undefined) scenario.seed = a.seed;
  if (a.drainS !== undefined) scenario.drain_s = a.drainS;
  if (a.rateScale !== undefined) scenario.workload = { ...scenario.workload, rate_scale: (scenario.workload.rate_scale ?? 1) * a.rateScale };
  // The endpoint's injected function errors have a simulator counterpart (the offload point's error_rate).
  const errorRate = a.faults?.errorRate;
  if (errorRate !== undefined && scenario.offload) scenario.offload = scenario.offload.map((o) => ({ ...o, error_rate: errorRate }));
  return scenario;
}
