/**
 * Pure cost functions of a billing model, so tests and reports can compute a bill by hand.
 * GB = 1,024 MB, as both AWS and Azure use it. Durations are in ms, prices in USD.
 */
import type { BillingModel } from './model.js';

/**
 * Rounding tolerance, ms: a duration computed from simulated timestamps may come out as 100.00000000001 ms
 * through floating point; anything within 1 ns above a multiple of the granularity counts as that multiple.
 */
const EPS_MS = 1e-6;

/** The memory a bill uses, MB: configured or observed, rounded up to the rounding step, within min and max. */
export function billedMemoryMb(b: BillingModel, configuredMb: number): number {
  const raw = b.memory_basis === 'observed' ? (b.observed_mb ?? configuredMb) : configuredMb;
  let mb = Math.ceil(raw / b.memory_rounding_mb - 1e-9) * b.memory_rounding_mb;
  if (mb < b.min_memory_mb) mb = b.min_memory_mb;
  if (b.max_memory_mb !== null && mb > b.max_memory_mb) mb = b.max_memory_mb;
  return mb;
}

/** A duration rounded up to the billing granularity and raised to the minimum billed duration. */
export function billedDurationMs(b: BillingModel, durationMs: number): number {
  const g = b.granularity_ms;
  const d = Math.max(0, durationMs);
  const rounded = Math.ceil(d / g - EPS_MS / g) * g;
  return Math.max(rounded, b.min_billed_ms);
}

export interface AttemptBill {
  /** Billed duration, ms (INIT included when billed). */
  billedMs: number;
  requestUsd: number;
  durationUsd: number;
  totalUsd: number;
}

export interface AttemptUsage {
  /** Execution time of the invocation (handler + overhead; the full timeout for a timeout), ms. */
  durationMs: number;
  /** INIT duration if this attempt caused a cold start, else 0. */
  initMs: number;
  /** Configured memory, MB. */
  memoryMb: number;
  /** Served by a provisioned environment (billed at the provisioned duration price, no INIT). */
  provisioned: boolean;
}

/**
 * The bill of one executed attempt: request fee + ceil(duration [+ INIT if bill_init]) × GB × price.
 * Lambda rounds the sum of INIT and invoke duration, as its REPORT line's "Billed Duration" shows.
 */
export function attemptBill(b: BillingModel, u: AttemptUsage): AttemptBill {
  const init = b.bill_init && !u.provisioned ? u.initMs : 0;
  const billedMs = billedDurationMs(b, u.durationMs + init);
  const gb = billedMemoryMb(b, u.memoryMb) / 1024;
  const price = u.provisioned && b.provisioned ? b.provisioned.duration_per_gb_s_usd : b.per_gb_s_usd;
  const durationUsd = (billedMs / 1000) * gb * price;
  const requestUsd = b.per_request_usd;
  return { billedMs, requestUsd, durationUsd, totalUsd: requestUsd + durationUsd };
}

/** A throttled (429) or rejected attempt never ran: it costs nothing. */
export const UNBILLED: AttemptBill = Object.freeze({ billedMs: 0, requestUsd: 0, durationUsd: 0, totalUsd: 0 });

/**
 * The provisioned-concurrency charge for `count` environments of `memoryMb` configured for `elapsedMs`:
 * count × GB × (elapsed rounded up to the granularity, in s) × price. Zero for no time or no environments.
 */
export function provisionedCost(b: BillingModel, count: number, memoryMb: number, elapsedMs: number): number {
  if (!b.provisioned || count <= 0 || elapsedMs <= 0) return 0;
  const g = b.provisioned.granularity_s;
  const seconds = Math.ceil(elapsedMs / 1000 / g - 1e-12) * g;
  return count * (memoryMb / 1024) * seconds * b.provisioned.per_gb_s_usd;
}
