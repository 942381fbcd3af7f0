/**
 * The Consumption plan's limits for HTTP triggers, as the Azure Functions docs give them, and where the front end
 * puts a request: on a running instance, on a new instance (a cold start), in an instance's queue, or nowhere (429).
 *
 * - "Event-driven scaling in Azure Functions": a function app on the Consumption plan scales out to at most 200
 *   instances (Windows; 100 on Linux), and HTTP triggers get a new instance at most once per second.
 * - "Azure Functions HTTP triggers and bindings", host.json settings (defaults on a Consumption plan):
 *   maxConcurrentRequests 100 (HTTP functions run in parallel on one instance), maxOutstandingRequests 200 (running
 *   plus queued on one instance; "any incoming requests over this limit are rejected with a 429 Too Busy response"),
 *   dynamicThrottlesEnabled true (429s when the instance's counters are high; the endpoint's throttle_rate fault
 *   stands for those).
 * - The scale controller's HTTP heuristics are not documented: like the simulator's Azure model
 *   (models/azure-functions-consumption.json, instance.scale_target_concurrency 1, src/serverless/platform.ts
 *   routeShared), a new instance is asked for when every instance carries at least scaleTargetConcurrency requests,
 *   and the request that asked waits for it (a cold start).
 * - "Azure Functions hosting options": functionTimeout 5 min by default on Consumption (10 min at most), but an HTTP
 *   response must start within 230 s (the load balancer's idle timeout).
 */

export interface PlanLimits {
  maxInstances: number;
  /** host.json extensions.http.maxConcurrentRequests. */
  maxConcurrentRequests: number;
  /** host.json extensions.http.maxOutstandingRequests: running + queued per instance. */
  maxOutstandingRequests: number;
  /** At most one new instance per this many ms (HTTP triggers). */
  scaleOutIntervalMs: number;
  /** A new instance when every instance runs at least this many requests (an assumption, as the simulator's model). */
  scaleTargetConcurrency: number;
}

export const CONSUMPTION_PLAN: PlanLimits = { maxInstances: 200, maxConcurrentRequests: 100, maxOutstandingRequests: 200, scaleOutIntervalMs: 1000, scaleTargetConcurrency: 1 };

/** The HTTP request length limit (100 MB); larger requests get 413. */
export const AZURE_MAX_REQUEST_BYTES = 100 * 1024 * 1024;
/** The function timeout the endpoint applies by default: the 230 s HTTP limit. */
export const AZURE_HTTP_TIMEOUT_S = 230;

export interface InstanceLoad {
  running: number;
  queued: number;
  /** When it last took a request (ties go to the most recently used, as in the simulator). */
  lastUsed: number;
}

export type Placement = { kind: 'run'; at: number } | { kind: 'new' } | { kind: 'queue'; at: number } | { kind: 'throttle' };

/**
 * Where the next request goes: the least busy instance with a free slot and no queue (most recently used on ties),
 * unless every instance carries at least scaleTargetConcurrency and a new instance may start (below maxInstances, the
 * last one added at least scaleOutIntervalMs ago, the first at any time): then a new one. With no free slot and no
 * new instance, the queue of the instance with the fewest outstanding requests if below maxOutstandingRequests;
 * else 429.
 */
export function place(instances: readonly InstanceLoad[], nowMs: number, lastScaleOutMs: number | null, limits: PlanLimits): Placement {
  let free = -1;
  for (let i = 0; i < instances.length; i++) {
    const l = instances[i];
    if (l.queued > 0 || l.running >= limits.maxConcurrentRequests) continue;
    const b = free >= 0 ? instances[free] : null;
    if (!b || l.running < b.running || (l.running === b.running && l.lastUsed > b.lastUsed)) free = i;
  }
  const scaleOk = lastScaleOutMs === null || nowMs - lastScaleOutMs >= limits.scaleOutIntervalMs;
  const busy = free < 0 || instances[free].running >= limits.scaleTargetConcurrency;
  if (busy && instances.length < limits.maxInstances && scaleOk) return { kind: 'new' };
  if (free >= 0) return { kind: 'run', at: free };
  let least = -1;
  for (let i = 0; i < instances.length; i++) {
    const out = instances[i].running + instances[i].queued;
    if (out < limits.maxOutstandingRequests && (least < 0 || out < instances[least].running + instances[least].queued)) least = i;
  }
  return least >= 0 ? { kind: 'queue', at: least } : { kind: 'throttle' };
}

export function checkLimits(l: PlanLimits): PlanLimits {
  const pos = (name: string, v: number): void => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be an integer >= 1, got ${String(v)}`);
  };
  pos('max-instances', l.maxInstances);
  pos('max-concurrent-requests', l.maxConcurrentRequests);
  pos('max-outstanding-requests', l.maxOutstandingRequests);
  pos('scale-target-concurrency', l.scaleTargetConcurrency);
  if (l.maxOutstandingRequests < l.maxConcurrentRequests) throw new RangeError('max-outstanding-requests must be >= max-concurrent-requests (it counts running requests too)');
  if (!(l.scaleOutIntervalMs >= 0) || !Number.isFinite(l.scaleOutIntervalMs)) throw new RangeError(`scale-out interval must be a number of ms >= 0, got ${String(l.scaleOutIntervalMs)}`);
  return l;
}
