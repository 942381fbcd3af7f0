/** Counters the tests and the validation harness read from GET /_spillway/stats. */
export interface InvokeServerStats {
  /** Invoke HTTP requests received, including throttled and failed ones (shows the client's retries). */
  requests: number;
  /** Invocations admitted (past throttling) and run or attempted. */
  invocations: number;
  coldStarts: number;
  warmStarts: number;
  /** 429 responses, from the concurrency limit or injected. */
  throttles: number;
  /** Invocations that ended in a function error (X-Amz-Function-Error), injected or real. */
  functionErrors: number;
  /** In-flight invocations now, and the most seen at once. */
  concurrency: number;
  maxConcurrency: number;
  /** Live execution environments (busy + idle) and how many were retired or expired. */
  environments: number;
  environmentsRetired: number;
}

export function emptyStats(): InvokeServerStats {
  return {
    requests: 0,
    invocations: 0,
    coldStarts: 0,
    warmStarts: 0,
    throttles: 0,
    functionErrors: 0,
    concurrency: 0,
    maxConcurrency: 0,
    environments: 0,
    environmentsRetired: 0,
  };
}
