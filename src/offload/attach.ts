/** Wires offload points, the platform models and the controller into a job (see ./runtime.ts). */
import type { RandomStreams } from '../engine/random.js';
import type { Job } from '../dataflow/job.js';
import type { ParamValue, PolicyFactory } from '../policy/contract.js';
import type { Scenario } from '../experiment/scenario.js';
import type { RunSummary } from '../metrics/summary.js';

export interface OffloadRuntime {
  originsInFlight(): number;
  summary(): {
    cost: RunSummary['cost_usd'];
    offload: RunSummary['offload'];
    lambda: RunSummary['lambda'];
    orderViolations: number;
  };
}

export function attachOffload(
  _job: Job,
  scenario: Scenario,
  _factory: PolicyFactory,
  _params: Record<string, ParamValue>,
  _streams: RandomStreams,
): OffloadRuntime | null {
  if (!scenario.offload || scenario.offload.length === 0) return null;
  throw new Error('offload points are not wired yet');
}
