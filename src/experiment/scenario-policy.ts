/**
 * The policy a command runs for a scenario, with messages that say where a bad name or parameter came from:
 * the scenario file's `policy.name` / `policy.params`, or the command line's --policy / --param.
 */
import { relative } from 'node:path';
import type { PolicyFactory } from '../policy/contract.js';
import { loadPolicyFactory, resolveParams, type ParamOverrides } from '../policy/registry.js';
import type { Scenario } from '../scenario/scenario.js';
import { UserError, where } from '../util/errors.js';

/** The scenario file as the user would name it: relative to the current folder when under it. */
export function scenarioLabel(scenario: Scenario): string {
  const r = relative(process.cwd(), scenario.file);
  return r && !r.startsWith('..') ? r : scenario.file;
}

async function rethrowAt<T>(prefix: (msg: string) => string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UserError) throw new UserError(prefix(err.message));
    throw err;
  }
}

/**
 * Load `cliPolicy` (from --policy) or else the scenario's policy (or `fallback`), and check the scenario's own
 * parameters and then the --param overrides against it, each error naming its origin.
 */
export async function policyForScenario(
  scenario: Scenario,
  opts: { cliPolicy?: string; fallback: string; cliParams?: ParamOverrides },
): Promise<PolicyFactory> {
  const label = scenarioLabel(scenario);
  const fromScenario = opts.cliPolicy === undefined && scenario.policy !== undefined;
  const factory = await rethrowAt(
    (m) => (fromScenario ? where(label, 'policy.name', m) : opts.cliPolicy !== undefined ? `--policy: ${m}` : m),
    () => loadPolicyFactory(opts.cliPolicy ?? scenario.policy?.name ?? opts.fallback),
  );
  const own = scenario.policy?.name === factory.name ? (scenario.policy.params ?? {}) : {};
  await rethrowAt((m) => where(label, 'policy.params', m), () => resolveParams(factory, own));
  if (opts.cliParams) await rethrowAt((m) => `--param: ${m}`, () => resolveParams(factory, { ...own, ...opts.cliParams }));
  return factory;
}
