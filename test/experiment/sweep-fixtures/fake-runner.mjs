// A fast, deterministic stand-in for src/experiment/runner.ts: same two functions, summaries computed from the
// policy, params, trace and seed. Used in-process and inside worker threads.
export function loadScenario(path) {
  return { file: path };
}

function h(text) {
  let x = 2166136261;
  for (let i = 0; i < text.length; i++) x = Math.imul(x ^ text.charCodeAt(i), 16777619) >>> 0;
  return x;
}

export function fakeSummary(scenarioFile, options = {}) {
  const seed = options.seed ?? 1;
  const params = options.params ?? {};
  const policy = options.policy ?? 'backpressure';
  const share = policy === 'backpressure' ? 0 : typeof params.share === 'number' ? params.share : 0.4;
  const trace = options.tracePath ?? 'default';
  const heavy = trace.endsWith('trace2.csv') ? 2 : 1;
  const noise = (h(`${policy}|${JSON.stringify(params)}|${trace}|${seed}`) % 1000) / 1000; // 0..1
  const duration = options.durationS ?? 60;
  const p99 = heavy * (40 + 2000 * (1 - share) ** 2) + 20 * noise;
  const cost = heavy * share * 0.05 * (1 + noise / 10) * (duration / 60);
  return {
    spillway_version: '0.0.0-fake',
    scenario: scenarioFile,
    policy,
    params,
    seed,
    duration_s: duration,
    end_s: duration + 1,
    drained: true,
    records: { arrived: 1000, emitted: 1000, filtered: 0, in_flight: 0, lost: 0, duplicated: 0, results: 5000 },
    latency_ms: { p50: p99 / 4, p90: p99 / 2, p99, p999: p99 * 1.1, max: p99 * 1.2, mean: p99 / 3, count: 5000 },
    throughput_rps: 1000 / duration,
    max_pending_records: Math.round(5000 * (1 - share) + 100 * noise),
    backpressured_s: {},
    vertices: {},
    cost_usd: { total: cost, requests: cost / 2, duration: cost / 2, provisioned: 0 },
    offload: { records: Math.round(1000 * share), batches: 10, fallbacks: 0, share },
    lambda: { invocations: 10, cold_starts: 1, throttles: 0, errors: 0, timeouts: 0, max_concurrency: 3 },
    order_violations: 0,
    events_processed: 12345,
  };
}

export function runScenario(scenario, options = {}) {
  const summary = fakeSummary(scenario.file, options);
  const p = summary.latency_ms;
  return {
    summary,
    wallMs: 1,
    latencyCdf: [
      [50, p.p50],
      [90, p.p90],
      [99, p.p99],
      [100, p.max],
    ],
  };
}
