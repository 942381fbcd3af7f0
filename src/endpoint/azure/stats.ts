/** Counters of the Azure function app, read from GET /_spillway/azure/stats and by validate. */
export interface AzureStats {
  /** HTTP requests to /api/*, including refused ones. */
  requests: number;
  /** Requests admitted past auth and throttling (run or attempted). */
  invocations: number;
  /** Instances started (each a cold start), live now, and the most live at once. */
  coldStarts: number;
  instances: number;
  maxInstances: number;
  /** 401 answers. */
  unauthorized: number;
  /** 429 answers: an instance's outstanding requests at the limit, or the throttle fault. */
  throttles: number;
  /** Requests that waited in an instance's queue, and the longest queue seen. */
  queued: number;
  maxQueued: number;
  /** 500 answers (function errors, injected or real). */
  functionErrors: number;
  /** Requests running or waiting for their instance's start, now and at most. */
  concurrency: number;
  maxConcurrency: number;
}

export function emptyAzureStats(): AzureStats {
  return { requests: 0, invocations: 0, coldStarts: 0, instances: 0, maxInstances: 0, unauthorized: 0, throttles: 0, queued: 0, maxQueued: 0, functionErrors: 0, concurrency: 0, maxConcurrency: 0 };
}
