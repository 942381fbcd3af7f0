/** What the routes share: the function registry, the environments, faults, counters and server-level settings. */
import type { FaultInjector } from './faults.js';
import type { FunctionRegistry, LambdaFunction, FunctionSnapshot } from './functions.js';
import type { EnvironmentManager } from './pool.js';
import type { InvokeServerStats } from './stats.js';

export interface ServerContext {
  registry: FunctionRegistry;
  environments: EnvironmentManager;
  faults: FaultInjector;
  stats: InvokeServerStats;
  /** Whether a cold start's init time counts in Billed Duration (AWS bills INIT since August 2025). */
  billInit: boolean;
  log: (line: string) => void;
  /** Simulate the endpoint dying: drop every connection and stop (the CLI also exits the process). */
  crash: () => void;
  /** Background (Event) invocations still running, so stop() can wait for or abandon them. */
  background: Set<Promise<unknown>>;
  stopped: () => boolean;
}

/** The key of the environment pool a snapshot's invocations share; updates to $LATEST start a new generation. */
export function poolKey(fn: LambdaFunction, snap: FunctionSnapshot): string {
  return snap.version === '$LATEST' ? `${fn.name}\u0000$LATEST\u0000${fn.generation}` : `${fn.name}\u0000${snap.version}`;
}

export function latestPoolPrefix(fn: LambdaFunction): string {
  return `${fn.name}\u0000$LATEST\u0000`;
}
