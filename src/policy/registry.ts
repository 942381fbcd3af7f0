/**
 * Finding policies: the built-in list, lookup by name, and loading a user's own policy module.
 * Parameter resolution lives in params.ts and is re-exported here so callers need one import.
 */
import { UserError } from '../util/errors.js';
import type { Policy, PolicyContext, PolicyFactory } from './contract.js';
import { assertWellFormedDecision } from './check-decision.js';
import { importPolicyModule, looksLikeModulePath } from './loader.js';
import { resolveParams, type ParamOverrides } from './params.js';
import { autoscalerPolicy } from './policies/autoscaler.js';
import { backpressurePolicy } from './policies/backpressure.js';
import { burstAutoscalePolicy } from './policies/burst-autoscale.js';
import { createBudgetPolicy } from './policies/budget.js';
import { feedForwardPolicy } from './policies/feed-forward.js';
import { predictivePolicy } from './policies/predictive.js';
import { sloBurstPolicy } from './policies/slo-burst.js';
import { staticPolicy } from './policies/static.js';
import { targetLagPolicy } from './policies/target-lag.js';
import { thresholdPolicy } from './policies/threshold.js';

export { parseParamArgs, resolveParams } from './params.js';
export type { ParamOverrides, PolicyParamSpec } from './params.js';

const budgetPolicy = createBudgetPolicy((name) => getPolicyFactory(name));

export const BUILTIN_POLICIES: readonly PolicyFactory[] = [
  backpressurePolicy,
  staticPolicy,
  thresholdPolicy,
  targetLagPolicy,
  predictivePolicy,
  feedForwardPolicy,
  budgetPolicy,
  autoscalerPolicy,
  burstAutoscalePolicy,
  sloBurstPolicy,
];

export function builtinPolicyNames(): string[] {
  return BUILTIN_POLICIES.map((f) => f.name);
}

/** A built-in policy by name; a UserError listing the names otherwise. */
export function getPolicyFactory(name: string): PolicyFactory {
  const found = BUILTIN_POLICIES.find((f) => f.name === name);
  if (!found) {
    throw new UserError(`unknown policy "${name}"; built-in policies: ${builtinPolicyNames().join(', ')}`);
  }
  return found;
}

/**
 * A built-in policy by name, or a user's policy from a .js/.mjs module path (resolved against `baseDir`,
 * default the working directory). The module's default export, or its named export `policy`, must be a
 * PolicyFactory; a UserError names the file and what is missing otherwise.
 */
export async function loadPolicyFactory(nameOrPath: string, baseDir?: string): Promise<PolicyFactory> {
  const builtin = BUILTIN_POLICIES.find((f) => f.name === nameOrPath);
  if (builtin) return builtin;
  if (!looksLikeModulePath(nameOrPath)) {
    throw new UserError(
      `unknown policy "${nameOrPath}"; built-in policies: ${builtinPolicyNames().join(', ')}; or give the path of a .js/.mjs policy module`,
    );
  }
  return importPolicyModule(nameOrPath, baseDir ?? process.cwd());
}

/**
 * What a runner should call: resolve the parameters (defaults, types, bounds) and create the policy.
 * A user's policy (any factory not built in) is wrapped so that a malformed decision stops the run with a
 * UserError naming the policy and the snapshot time, instead of routing 150% of the records.
 */
export function createPolicy(factory: PolicyFactory, overrides: ParamOverrides, context: PolicyContext): Policy {
  const policy = factory.create(resolveParams(factory, overrides), context);
  if (BUILTIN_POLICIES.includes(factory)) return policy;
  return {
    name: policy.name,
    decide(snapshot) {
      const decision = policy.decide(snapshot);
      assertWellFormedDecision(factory.name, snapshot.tMs, decision);
      return decision;
    },
  };
}
