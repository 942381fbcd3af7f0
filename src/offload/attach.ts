/**
 * Wires a scenario's offload points into a job: one function (Platform) per point, one lane (router,
 * batcher, SDK client, merge) per subtask of the offloaded vertex, and the controller running the policy.
 */
import { makeCountSampler, makeSampler } from '../engine/distributions.js';
import type { RandomStreams } from '../engine/random.js';
import type { Job } from '../dataflow/job.js';
import type { Subtask } from '../dataflow/subtask.js';
import type { Scenario } from '../scenario/scenario.js';
import type { RunSummary } from '../metrics/summary.js';
import type { ParamValue, Policy, PolicyFactory } from '../policy/contract.js';
import { createPolicy } from '../policy/registry.js';
import { loadPlatformModel } from '../serverless/model-file.js';
import { Platform } from '../serverless/platform.js';
import { SdkClient } from '../serverless/sdk-client.js';
import { Controller, type ParallelismSink } from './controller.js';
import { OffloadLane } from './lane.js';
import { OffloadPoint } from './point.js';

export interface OffloadRuntime {
  readonly points: OffloadPoint[];
  originsInFlight(): number;
  summary(): {
    cost: Pick<RunSummary['cost_usd'], 'total' | 'requests' | 'duration' | 'provisioned'>;
    offload: RunSummary['offload'];
    lambda: RunSummary['lambda'];
    orderViolations: number;
  };
}

/** The policy the controller runs, told the job's vertices and offload points. */
export function createJobPolicy(job: Job, scenario: Scenario, factory: PolicyFactory, params: Record<string, ParamValue>, points: OffloadPoint[]): Policy {
  return createPolicy(factory, params, {
    offloadPoints: points.map((p) => ({ id: p.id, vertex: p.vertex })),
    vertices: job.graph.tasks.map((t) => ({
      id: t.id,
      parallelism: t.parallelism,
      isSource: t.isSource,
      maxParallelism: 128,
      keyed: job.graph.edges.some((e) => e.to === t.index && e.partitioning === 'hash'),
    })),
    controllerIntervalMs: scenario.controller.interval_ms,
  });
}

/** The controller running the policy every controller interval (also without offload points: an autoscaler). */
export function attachController(job: Job, scenario: Scenario, policy: Policy, points: OffloadPoint[], onParallelism: ParallelismSink): Controller {
  const { interval_ms, reporting_delay_ms } = scenario.controller;
  const controller = new Controller(job.calendar, job.collector, policy, points, interval_ms, reporting_delay_ms, onParallelism);
  job.listenTicks(controller);
  return controller;
}

/** The offload points and their lanes, wired into the job and its collector (null: the scenario has none). */
export function attachOffload(job: Job, scenario: Scenario, streams: RandomStreams): OffloadRuntime | null {
  const specs = scenario.offload ?? [];
  if (specs.length === 0) return null;
  const points: OffloadPoint[] = [];
  for (const spec of specs) {
    const taskIndex = job.graph.taskOfOperator.get(spec.vertex)!;
    const task = job.graph.tasks[taskIndex];
    const opIndex = task.operators.findIndex((o) => o.id === spec.vertex);
    const op = task.operators[opIndex];
    const model = loadPlatformModel(spec.platform);
    const platform = new Platform(job.calendar, streams, model, spec.id, {
      memoryMb: spec.memory_mb,
      timeoutS: spec.timeout_ms !== undefined ? spec.timeout_ms / 1000 : undefined,
      faults: { errorRate: spec.error_rate, timeoutRate: spec.timeout_rate },
      reservedConcurrency: spec.reserved_concurrency,
      provisionedConcurrency: spec.provisioned_concurrency,
    });
    const point = new OffloadPoint(spec.id, task.id, job.calendar, platform, spec.work_factor ?? 1, spec.async_capacity ?? null);
    const addLane = (sub: Subtask) => {
      const name = job.epoch === 0 ? `offload:${spec.id}:${sub.index}` : `offload:${spec.id}:${sub.index}@${job.epoch}`;
      const client = new SdkClient(job.calendar, streams, platform, name, {
        maxAttempts: spec.max_attempts ?? 3,
        retryFunctionErrors: spec.retry_function_errors !== false,
        retryFunctionTimeouts: spec.retry_function_errors !== false,
        maxSockets: spec.max_sockets,
      });
      const lane = new OffloadLane(
        opIndex,
        point,
        sub,
        client,
        makeSampler(op.service, streams.stream(`${name}:work`)),
        op.selectivity ? makeCountSampler(op.selectivity, streams.stream(`${name}:selectivity`)) : null,
        spec.result_bytes ?? op.outputBytes,
        op.kind === 'window',
        spec.merge === 'ordered',
        op.dropsEndOrigins === true,
      );
      lane.target = job.calendar.register(lane);
      sub.attachHook(lane);
      point.lanes.push(lane);
    };
    for (const sub of job.subtasks[taskIndex]) addLane(sub);
    // A restart at a new parallelism: the new subtasks get lanes of their own (the old lanes have drained).
    job.onRebuilt.push((t, subs) => {
      if (t === taskIndex) for (const sub of subs) addLane(sub);
    });
    points.push(point);
  }

  job.collector.attachOffload({
    snapshots: () => points.map((p) => p.snapshot()),
    totals: () => {
      let routed = 0;
      let inFlight = 0;
      let concurrency = 0;
      let coldStarts = 0;
      let throttles = 0;
      let costUsd = 0;
      for (const p of points) {
        const t = p.totals();
        const st = p.platform.stats();
        routed += t.routed;
        inFlight += t.inFlight;
        concurrency += st.concurrency;
        coldStarts += st.coldStarts;
        throttles += st.throttles;
        costUsd += st.costs.totalUsd;
      }
      return { routed, inFlight, concurrency, coldStarts, throttles, costUsd, share: points[0].decision.share };
    },
  });

  return {
    points,
    originsInFlight: () => points.reduce((s, p) => s + p.originsInFlight(), 0),
    summary: () => {
      const cost = { total: 0, requests: 0, duration: 0, provisioned: 0 };
      const offload = { records: 0, batches: 0, fallbacks: 0, share: 0 };
      const lambda = { invocations: 0, cold_starts: 0, throttles: 0, errors: 0, timeouts: 0, max_concurrency: 0 };
      let entered = 0;
      let violations = 0;
      for (const p of points) {
        const st = p.platform.stats();
        const t = p.totals();
        cost.total += st.costs.totalUsd;
        cost.requests += st.costs.requestsUsd;
        cost.duration += st.costs.durationUsd;
        cost.provisioned += st.costs.provisionedUsd;
        offload.records += t.routed;
        offload.batches += t.batches;
        offload.fallbacks += t.fallbacks;
        entered += t.entered;
        violations += t.violations;
        lambda.invocations += st.invocations;
        lambda.cold_starts += st.coldStarts;
        lambda.throttles += st.throttles;
        lambda.errors += st.errors;
        lambda.timeouts += st.timeouts;
        lambda.max_concurrency = Math.max(lambda.max_concurrency, st.maxConcurrency);
      }
      offload.share = entered > 0 ? round6(offload.records / entered) : 0;
      return {
        cost: { total: round8(cost.total), requests: round8(cost.requests), duration: round8(cost.duration), provisioned: round8(cost.provisioned) },
        offload,
        lambda,
        orderViolations: violations,
      };
    },
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const round8 = (x: number) => Math.round(x * 1e8) / 1e8;
