/**
 * Checking a decision before a runner acts on it. Built-in policies always decide well-formed values (the
 * property tests hold them to it); a user's module may not, and a runner should stop with a clear message
 * rather than route 150% of the records or open NaN batches.
 */
import { UserError } from '../util/errors.js';

/** Everything wrong with `decision`, one phrase each; empty when it is well-formed. */
export function decisionProblems(decision: unknown): string[] {
  if (typeof decision !== 'object' || decision === null) return ['the decision is not an object'];
  const points = (decision as { points?: unknown }).points;
  if (typeof points !== 'object' || points === null) return ['the decision has no "points" object'];
  const problems: string[] = [];
  const par = (decision as { parallelism?: unknown }).parallelism;
  if (par !== undefined) {
    if (typeof par !== 'object' || par === null) problems.push('"parallelism" is not an object');
    else {
      for (const [id, v] of Object.entries(par as Record<string, unknown>)) {
        if (!Number.isInteger(v) || (v as number) < 1) problems.push(`parallelism of "${id}": ${String(v)} is not an integer >= 1`);
      }
    }
  }
  for (const [id, raw] of Object.entries(points as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`point "${id}": not an object`);
      continue;
    }
    const p = raw as Record<string, unknown>;
    const bad = (what: string) => problems.push(`point "${id}": ${what}`);
    if (!isNumber(p.share) || p.share < 0 || p.share > 1) bad(`share ${String(p.share)} is not a number from 0 to 1`);
    if (!isNumber(p.batchRecords) || p.batchRecords <= 0) bad(`batchRecords ${String(p.batchRecords)} is not a positive number`);
    if (!isNumber(p.maxWaitMs) || p.maxWaitMs < 0) bad(`maxWaitMs ${String(p.maxWaitMs)} is not a number >= 0`);
    if (!Number.isInteger(p.maxInFlight) || (p.maxInFlight as number) < 0) bad(`maxInFlight ${String(p.maxInFlight)} is not an integer >= 0`);
    if (p.prewarm !== undefined && (!Number.isInteger(p.prewarm) || (p.prewarm as number) < 0)) {
      bad(`prewarm ${String(p.prewarm)} is not an integer >= 0`);
    }
    if (p.maxRateRps !== undefined && (typeof p.maxRateRps !== 'number' || Number.isNaN(p.maxRateRps) || p.maxRateRps < 0)) {
      bad(`maxRateRps ${String(p.maxRateRps)} is not a number >= 0`);
    }
    if (p.batchBytes !== undefined && (!isNumber(p.batchBytes) || p.batchBytes <= 0)) {
      bad(`batchBytes ${String(p.batchBytes)} is not a positive number`);
    }
  }
  return problems;
}

/** Throw a UserError naming the policy, the snapshot time and the first problem. */
export function assertWellFormedDecision(policyName: string, tMs: number, decision: unknown): void {
  const problems = decisionProblems(decision);
  if (problems.length > 0) {
    throw new UserError(`policy "${policyName}" at t=${tMs} ms: ${problems.join('; ')}`);
  }
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
