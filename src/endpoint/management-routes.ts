/**
 * The management API subset deploy and probe use: CreateFunction, GetFunction, GetFunctionConfiguration,
 * UpdateFunctionCode, UpdateFunctionConfiguration (which retires warm environments, as on AWS), PublishVersion,
 * Put/Get/DeleteFunctionConcurrency, DeleteFunction. Authentication is not checked: the endpoint is local only.
 * Create/update responses say Pending/InProgress and reads say Active/Successful, so the SDK waiters run their
 * real state check once and pass.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiErrors } from './aws-errors.js';
import { latestPoolPrefix, type ServerContext } from './context.js';
import type { FunctionConfig, LambdaFunction } from './functions.js';
import { parseJsonObject, readBody, sendEmpty, sendJson } from './http-util.js';

const ACTIVE = { state: 'Active', lastUpdateStatus: 'Successful' };

type Body = Record<string, unknown>;

export async function handleManagement(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  route: { op: string; name?: string },
  query: URLSearchParams,
): Promise<void> {
  const reply = (status: number, body: unknown): void => sendJson(res, requestId, status, body);
  const needBody = async (what: string): Promise<Body> => parseJsonObject(await readBody(req), what);
  const r = ctx.registry;
  switch (route.op) {
    case 'CreateFunction': {
      const b = await needBody('CreateFunction');
      const name = str(b, 'FunctionName', true);
      const fn = r.create(name, configFrom(b, defaultsForCreate()) as FunctionConfig, zipFrom(b.Code, 'Code'));
      ctx.log(`created function ${name} (${fn.latest.config.runtime}, ${fn.latest.config.memoryMb} MB)`);
      const snap = b.Publish === true ? r.publish(fn) : fn.latest;
      return reply(201, r.configuration(fn, snap, { state: 'Pending', lastUpdateStatus: 'Successful' }));
    }
    case 'ListFunctions':
      return reply(200, { Functions: r.list().map((fn) => r.configuration(fn, fn.latest, ACTIVE)) });
    case 'GetFunction': {
      const { fn, snapshot } = r.resolve(route.name ?? '', query.get('Qualifier') ?? undefined);
      const out: Body = {
        Configuration: r.configuration(fn, snapshot, ACTIVE),
        Code: { RepositoryType: 'S3', Location: `file://${snapshot.code.dir}` },
      };
      if (fn.reservedConcurrency !== undefined) out.Concurrency = { ReservedConcurrentExecutions: fn.reservedConcurrency };
      return reply(200, out);
    }
    case 'GetFunctionConfiguration': {
      const { fn, snapshot } = r.resolve(route.name ?? '', query.get('Qualifier') ?? undefined);
      return reply(200, r.configuration(fn, snapshot, ACTIVE));
    }
    case 'UpdateFunctionCode': {
      const fn = r.get(route.name ?? '');
      const b = await needBody('UpdateFunctionCode');
      r.updateCode(fn, zipFrom(b, 'body'));
      if (Array.isArray(b.Architectures)) r.updateConfig(fn, { architectures: b.Architectures.map(String) });
      retire(ctx, fn, 'code updated');
      const snap = b.Publish === true ? r.publish(fn) : fn.latest;
      return reply(200, r.configuration(fn, snap, { state: 'Active', lastUpdateStatus: 'InProgress' }));
    }
    case 'UpdateFunctionConfiguration': {
      const fn = r.get(route.name ?? '');
      const b = await needBody('UpdateFunctionConfiguration');
      r.updateConfig(fn, configFrom(b, {}));
      retire(ctx, fn, 'configuration updated');
      return reply(200, r.configuration(fn, fn.latest, { state: 'Active', lastUpdateStatus: 'InProgress' }));
    }
    case 'PublishVersion': {
      const fn = r.get(route.name ?? '');
      const b = await needBody('PublishVersion');
      if (typeof b.CodeSha256 === 'string' && b.CodeSha256 !== fn.latest.code.sha256) {
        throw apiErrors.invalidParameter(`CodeSha256 ${b.CodeSha256} does not match the function's code (${fn.latest.code.sha256})`);
      }
      return reply(201, r.configuration(fn, r.publish(fn), ACTIVE));
    }
    case 'PutFunctionConcurrency': {
      const fn = r.get(route.name ?? '');
      const b = await needBody('PutFunctionConcurrency');
      const n = b.ReservedConcurrentExecutions;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
        throw apiErrors.invalidParameter('ReservedConcurrentExecutions must be an integer >= 0');
      }
      fn.reservedConcurrency = n;
      ctx.log(`function ${fn.name}: reserved concurrency ${n}`);
      return reply(200, { ReservedConcurrentExecutions: n });
    }
    case 'GetFunctionConcurrency': {
      const fn = r.get(route.name ?? '');
      return reply(200, fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency });
    }
    case 'DeleteFunctionConcurrency': {
      r.get(route.name ?? '').reservedConcurrency = undefined;
      return sendEmpty(res, requestId, 204);
    }
    case 'DeleteFunction': {
      const fn = r.get(route.name ?? '');
      ctx.environments.retire(`${fn.name}\u0000`);
      r.remove(fn.name);
      return sendEmpty(res, requestId, 204);
    }
    default:
      throw apiErrors.unknownOperation(req.method ?? '?', req.url ?? '?');
  }
}

function retire(ctx: ServerContext, fn: LambdaFunction, why: string): void {
  ctx.environments.retire(latestPoolPrefix(fn));
  ctx.stats.environmentsRetired = ctx.environments.retiredCount;
  ctx.stats.environments = ctx.environments.liveEnvironments;
  ctx.log(`function ${fn.name}: ${why}, warm environments retired`);
}

function defaultsForCreate(): Partial<FunctionConfig> {
  // AWS's own defaults for CreateFunction.
  return { memoryMb: 128, timeoutS: 3, architectures: ['x86_64'], environment: {}, description: '', role: '' };
}

function str(b: Body, key: string, required: boolean): string {
  const v = b[key];
  if (v === undefined && !required) return '';
  if (typeof v !== 'string' || v.length === 0) throw apiErrors.invalidParameter(`${key} must be a non-empty string`);
  return v;
}

/** Read the configuration fields present in a request body over `base`. */
function configFrom(b: Body, base: Partial<FunctionConfig>): Partial<FunctionConfig> {
  const c: Partial<FunctionConfig> = { ...base };
  if (b.Runtime !== undefined) c.runtime = str(b, 'Runtime', true);
  if (b.Handler !== undefined) c.handler = str(b, 'Handler', true);
  if (b.Role !== undefined) c.role = str(b, 'Role', true);
  if (b.Description !== undefined) c.description = String(b.Description);
  if (b.MemorySize !== undefined) c.memoryMb = Number(b.MemorySize);
  if (b.Timeout !== undefined) c.timeoutS = Number(b.Timeout);
  if (Array.isArray(b.Architectures)) c.architectures = b.Architectures.map(String);
  if (b.Environment !== undefined) {
    const vars = (b.Environment as Body | null)?.Variables ?? {};
    if (typeof vars !== 'object' || vars === null) throw apiErrors.invalidParameter('Environment.Variables must be an object');
    c.environment = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)]));
  }
  // Partial updates merge with the current configuration in the registry; creation needs the essentials.
  if (Object.keys(base).length > 0) {
    if (!c.runtime) throw apiErrors.invalidParameter('Runtime is required');
    if (!c.handler) throw apiErrors.invalidParameter('Handler is required');
    if (!c.role) throw apiErrors.invalidParameter('Role is required');
  }
  return c;
}

function zipFrom(code: unknown, where: string): Buffer {
  const zip = (code as Body | undefined)?.ZipFile;
  if (typeof zip !== 'string' || zip.length === 0) {
    throw apiErrors.invalidParameter(`${where}: ZipFile (base64) is required; S3 and image code are not supported locally`);
  }
  return Buffer.from(zip, 'base64');
}
