/**
 * validate with `--platform azure`: the offload function behind an Azure Functions HTTP trigger, either the local
 * endpoint's Azure app (`--target local`) or a real function app (`--target azure`: the function URL and key from the
 * environment, docs/AZURE.md). The key never goes into a file: the job reads it from the variable named here.
 */
import { join } from 'node:path';
import { repoRoot } from '../../functions/paths.js';
import { UserError } from '../../util/errors.js';
import type { InvokeServer, InvokeServerStats } from '../../endpoint/index.js';
import type { WorkMode } from '../flink-job.js';

export type OffloadPlatform = 'lambda' | 'azure';
export type ValidateTarget = 'local' | 'aws' | 'azure';

/** The environment variable holding the function key (for the job, and for `--target azure` the user sets it). */
export const AZURE_KEY_ENV = 'SPILLWAY_AZURE_FUNCTION_KEY';
/** The environment variable holding the function URL for `--target azure` (or --function-url). */
export const AZURE_URL_ENV = 'SPILLWAY_AZURE_FUNCTION_URL';

/** The platform a run offloads to: --platform, else azure for --target azure, else lambda; bad pairs are errors. */
export function resolvePlatform(platform: string | undefined, target: ValidateTarget): OffloadPlatform {
  const p = platform ?? (target === 'azure' ? 'azure' : 'lambda');
  if (p !== 'lambda' && p !== 'azure') throw new UserError(`--platform: expected lambda or azure, got "${p}"`);
  if (p === 'azure' && target === 'aws') throw new UserError('--platform azure runs against --target local (the local endpoint) or --target azure (a real function app), not aws');
  if (p === 'lambda' && target === 'azure') throw new UserError('--target azure needs --platform azure (or no --platform)');
  return p;
}

/** --target azure: the function URL (flag or environment) and a check that the key is set; one line if not. */
export function realAzureFunction(functionUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): { functionUrl: string } {
  const url = functionUrl ?? env[AZURE_URL_ENV];
  if (!url) throw new UserError(`--target azure: give the function URL with --function-url or ${AZURE_URL_ENV} (https://<app>.azurewebsites.net/api/<function>)`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`--function-url: not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.searchParams.has('code')) throw new UserError('--function-url: pass the function URL without ?code=; the key goes in ' + AZURE_KEY_ENV);
  if (!env[AZURE_KEY_ENV]) throw new UserError(`--target azure: set ${AZURE_KEY_ENV} to the function key (az functionapp function keys list; docs/AZURE.md)`);
  return { functionUrl: parsed.href };
}

/** The model of the local endpoint's Azure app, simulated for `--platform azure --target local`. */
export function azureLocalModelPath(mode: WorkMode): string {
  if (mode !== 'wait') throw new UserError('--platform azure --target local: only wait work mode has a local model (models/local-endpoint-azure-wait.json); use --work-mode wait or --local-model');
  return join(repoRoot(), 'models', 'local-endpoint-azure-wait.json');
}

/** The endpoint's counters for the run's outputs: the Azure app's, in the Lambda stats' shape, when it served. */
export function endpointStatsOf(ep: InvokeServer): InvokeServerStats {
  const az = ep.azure?.stats();
  if (!az) return ep.stats();
  return {
    requests: az.requests,
    invocations: az.invocations,
    coldStarts: az.coldStarts,
    warmStarts: az.invocations - az.coldStarts,
    throttles: az.throttles,
    functionErrors: az.functionErrors,
    concurrency: az.concurrency,
    maxConcurrency: az.maxConcurrency,
    environments: az.instances,
    environmentsRetired: 0,
  };
}
