/** /_spillway/*: counters for tests and the validation harness, and fault injection in the middle of a run. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaApiError } from './aws-errors.js';
import type { ServerContext } from './context.js';
import { faultsFromJson, faultsToJson } from './faults.js';
import { parseJsonObject, readBody, sendJson } from './http-util.js';
import { emptyStats } from './stats.js';

export function currentStats(ctx: ServerContext): ReturnType<typeof emptyStats> {
  ctx.stats.concurrency = ctx.environments.concurrency;
  ctx.stats.environments = ctx.environments.liveEnvironments;
  ctx.stats.environmentsRetired = ctx.environments.retiredCount;
  return { ...ctx.stats };
}

export async function handleAdmin(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, requestId: string, op: string): Promise<void> {
  switch (op) {
    case 'AdminStats':
      return sendJson(res, requestId, 200, currentStats(ctx));
    case 'AdminResetStats': {
      const keep = { concurrency: ctx.stats.concurrency, environments: ctx.stats.environments };
      Object.assign(ctx.stats, emptyStats(), keep, { maxConcurrency: keep.concurrency });
      return sendJson(res, requestId, 200, currentStats(ctx));
    }
    case 'AdminGetFaults':
      return sendJson(res, requestId, 200, faultsToJson(ctx.faults.current));
    case 'AdminSetFaults': {
      const body = parseJsonObject(await readBody(req), 'faults');
      try {
        const now = ctx.faults.update(faultsFromJson(body));
        ctx.log(`faults set: ${JSON.stringify(faultsToJson(now))}`);
        return sendJson(res, requestId, 200, faultsToJson(now));
      } catch (err) {
        if (err instanceof RangeError) throw new LambdaApiError(400, 'InvalidParameterValueException', { Type: 'User', message: err.message });
        throw err;
      }
    }
  }
}
