/** The Azure side of the local endpoint at start: options, the app's code unpacked once, the route handler. */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { buildAzureLocalFiles } from '../../functions/azure-bundle.js';
import { UserError } from '../../util/errors.js';
import type { FaultInjector } from '../faults.js';
import { AzureFunctionApp, newFunctionKey } from './app.js';
import { AZURE_HTTP_TIMEOUT_S, CONSUMPTION_PLAN, checkLimits, type PlanLimits } from './plan.js';
import type { AzureStats } from './stats.js';

export interface AzureEndpointOptions {
  /** The HTTP-triggered function's name, its route /api/<name> (default spillway-offload). */
  functionName?: string;
  /** The function key callers must send; default: a new random one (read it from the handle, never logged). */
  functionKey?: string;
  /** Overrides of the Consumption plan's limits (plan.ts). */
  limits?: Partial<PlanLimits>;
  /** Function timeout, s (default 230, the HTTP response limit). */
  timeoutS?: number;
  /** Seconds an idle instance lives before the app scales in (default: the endpoint's keep-warm). */
  keepWarmS?: number;
}

/** What callers of the endpoint get for the Azure app. */
export interface AzureEndpointHandle {
  /** The function URL, e.g. http://127.0.0.1:PORT/api/spillway-offload. */
  functionUrl: string;
  functionName: string;
  /** The function key (a secret: pass it on through the environment, never print it). */
  functionKey: string;
  limits: PlanLimits;
  stats(): AzureStats;
}

export interface AzureWiring {
  app: AzureFunctionApp;
  limits: PlanLimits;
  functionKey: string;
  functionName: string;
}

export async function createAzureApp(
  o: AzureEndpointOptions,
  shared: { codeRoot: string; faults: FaultInjector; keepWarmMs: number; initTimeoutMs: number; cpus?: string; log: (l: string) => void; crash: () => void },
): Promise<AzureWiring> {
  const functionName = o.functionName ?? 'spillway-offload';
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,127}$/.test(functionName)) throw new UserError(`--azure function name ${JSON.stringify(functionName)} is not a valid function name`);
  let limits: PlanLimits;
  try {
    limits = checkLimits({ ...CONSUMPTION_PLAN, ...(o.limits ?? {}) });
  } catch (err) {
    throw new UserError(`--azure: ${(err as Error).message}`);
  }
  const timeoutS = o.timeoutS ?? AZURE_HTTP_TIMEOUT_S;
  if (!(Number.isInteger(timeoutS) && timeoutS >= 1 && timeoutS <= 600)) throw new UserError(`--azure timeout must be an integer in [1, 600] s, got ${timeoutS}`);
  const codeDir = join(shared.codeRoot, 'azure-app');
  for (const [name, data] of Object.entries(await buildAzureLocalFiles())) {
    mkdirSync(dirname(join(codeDir, name)), { recursive: true });
    writeFileSync(join(codeDir, name), data);
  }
  const functionKey = o.functionKey ?? newFunctionKey();
  const app = new AzureFunctionApp({
    codeDir,
    functionName,
    functionKey,
    limits,
    keepWarmMs: o.keepWarmS === undefined ? shared.keepWarmMs : Math.round(o.keepWarmS * 1000),
    timeoutMs: timeoutS * 1000,
    initTimeoutMs: shared.initTimeoutMs,
    cpus: shared.cpus,
    faults: shared.faults,
    log: shared.log,
    crash: shared.crash,
  });
  return { app, limits, functionKey, functionName };
}

/** Routes the endpoint hands to the Azure app: /api/* and /_spillway/azure/stats. false: not an Azure path. */
export async function dispatchAzure(w: AzureWiring | null, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (!w) return false;
  if (url.pathname.startsWith('/api/')) {
    await w.app.handle(req, res, url);
    return true;
  }
  if (url.pathname === '/_spillway/azure/stats' && req.method === 'GET') {
    const data = Buffer.from(JSON.stringify(w.app.stats));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(data.length) });
    res.end(data);
    return true;
  }
  return false;
}

export function azureHandle(w: AzureWiring, baseUrl: string): AzureEndpointHandle {
  return {
    functionUrl: `${baseUrl}${w.app.route}`,
    functionName: w.functionName,
    functionKey: w.functionKey,
    limits: w.limits,
    stats: () => ({ ...w.app.stats }),
  };
}
