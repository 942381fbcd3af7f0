/**
 * Injectable faults, settable at start and at runtime (POST /_spillway/faults), drawn from a seeded stream so a
 * run with the same seed and the same request order sees the same faults.
 */
import seedrandom from 'seedrandom';

export interface FaultSettings {
  /** Share of admitted invocations answered with a function error instead of running the handler. */
  errorRate: number;
  /** Share of invoke requests answered with 429 TooManyRequestsException. */
  throttleRate: number;
  /** Extra delay before each invoke response (network / platform overhead), in ms. */
  addedLatencyMs: number;
  /** Exit abruptly when an invoke request arrives after this many admitted invocations; null = never. */
  crashAfter: number | null;
}

export const noFaults: FaultSettings = { errorRate: 0, throttleRate: 0, addedLatencyMs: 0, crashAfter: null };

export class FaultInjector {
  private settings: FaultSettings;
  private readonly rng: () => number;

  constructor(initial: Partial<FaultSettings>, seed: string) {
    this.settings = validateFaults({ ...noFaults, ...initial });
    this.rng = seedrandom(seed);
  }

  get current(): FaultSettings {
    return { ...this.settings };
  }

  update(patch: Partial<FaultSettings>): FaultSettings {
    this.settings = validateFaults({ ...this.settings, ...patch });
    return this.current;
  }

  rollThrottle(): boolean {
    return this.settings.throttleRate > 0 && this.rng() < this.settings.throttleRate;
  }

  rollError(): boolean {
    return this.settings.errorRate > 0 && this.rng() < this.settings.errorRate;
  }
}

/** Throws RangeError naming the bad field; callers turn it into their own error kind. */
export function validateFaults(f: FaultSettings): FaultSettings {
  const rate = (name: string, v: number): void => {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`${name} must be a number in [0, 1], got ${String(v)}`);
  };
  rate('error-rate', f.errorRate);
  rate('throttle-rate', f.throttleRate);
  if (typeof f.addedLatencyMs !== 'number' || !(f.addedLatencyMs >= 0) || !Number.isFinite(f.addedLatencyMs)) {
    throw new RangeError(`added-latency-ms must be a number of ms >= 0, got ${String(f.addedLatencyMs)}`);
  }
  if (f.crashAfter !== null && !(Number.isSafeInteger(f.crashAfter) && f.crashAfter >= 0)) {
    throw new RangeError(`crash-after must be an integer >= 0, got ${String(f.crashAfter)}`);
  }
  return f;
}

/** Map the admin route's JSON (snake_case, as the payload contract) onto settings; unknown keys are errors. */
export function faultsFromJson(body: unknown): Partial<FaultSettings> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RangeError('faults must be a JSON object');
  const names: Record<string, keyof FaultSettings> = {
    error_rate: 'errorRate',
    throttle_rate: 'throttleRate',
    added_latency_ms: 'addedLatencyMs',
    crash_after: 'crashAfter',
  };
  const out: Partial<FaultSettings> = {};
  for (const [k, v] of Object.entries(body)) {
    const field = names[k];
    if (!field) throw new RangeError(`unknown fault "${k}" (known: ${Object.keys(names).join(', ')})`);
    (out as Record<string, unknown>)[field] = v;
  }
  return out;
}

export function faultsToJson(f: FaultSettings): Record<string, number | null> {
  return { error_rate: f.errorRate, throttle_rate: f.throttleRate, added_latency_ms: f.addedLatencyMs, crash_after: f.crashAfter };
}
