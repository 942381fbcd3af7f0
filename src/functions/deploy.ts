/**
 * `spillway lambda deploy`: create or update the offload function with @aws-sdk/client-lambda, wait until it is
 * active/updated, set reserved concurrency, publish a version. Works the same against AWS and the local endpoint.
 */
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  DeleteFunctionConcurrencyCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type Architecture,
  type GetFunctionCommandOutput,
  type LambdaClient,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { UserError } from '../util/errors.js';
import { buildLambdaBundle, type BundleRuntime, type LambdaBundle } from './bundle.js';
import { isLocalEndpoint, makeLambdaClient, userErrorFromAws } from './client.js';

export const DEPLOY_RUNTIMES = ['nodejs20.x', 'python3.12', 'java17', 'java21'] as const;
export type DeployRuntime = (typeof DEPLOY_RUNTIMES)[number];

export interface DeployOptions {
  functionName: string;
  /** Execution role ARN; required to create a function on AWS (a dummy one is used locally). */
  role?: string;
  memoryMb?: number;
  architecture?: 'x86_64' | 'arm64';
  /** Reserved concurrency; null removes it; undefined leaves it as it is. */
  reservedConcurrency?: number | null;
  runtime?: DeployRuntime;
  timeoutS?: number;
  /** Local endpoint URL; omit for real AWS. */
  endpoint?: string;
  region?: string;
  /** Shared-config profile for the region and the credentials (--profile). */
  profile?: string;
  log?: (line: string) => void;
  /** Use this client instead of building one (tests). */
  client?: LambdaClient;
  /** Deploy this zip (e.g. the sweep's simulator function) instead of the offload handler. */
  bundle?: LambdaBundle;
  description?: string;
  /** The function's environment variables (replacing any it had); undefined leaves them as they are. */
  environment?: Record<string, string>;
}

export interface DeployResult {
  functionName: string;
  functionArn: string;
  action: 'created' | 'updated';
  codeUpdated: boolean;
  version: string;
  codeSha256: string;
  runtime: DeployRuntime;
  /** The Handler setting deployed (e.g. index.handler, io.spillway.lambda.Handler). */
  handler: string;
  memoryMb: number;
  architecture: 'x86_64' | 'arm64';
  reservedConcurrency: number | null | undefined;
}

const WAIT = { maxWaitTime: 300, minDelay: 1, maxDelay: 5 };

export function validateDeployOptions(o: DeployOptions): Required<Pick<DeployOptions, 'memoryMb' | 'architecture' | 'runtime' | 'timeoutS'>> {
  if (!/^[a-zA-Z0-9_-]{1,64}$/.test(o.functionName)) throw new UserError(`--function-name ${JSON.stringify(o.functionName)}: use 1-64 letters, digits, - or _`);
  const memoryMb = o.memoryMb ?? 1024;
  if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10240) throw new UserError(`--memory must be an integer in [128, 10240] MB, got ${memoryMb}`);
  const architecture = o.architecture ?? 'x86_64';
  if (architecture !== 'x86_64' && architecture !== 'arm64') throw new UserError(`--architecture must be x86_64 or arm64, got ${String(architecture)}`);
  const runtime = o.runtime ?? 'nodejs20.x';
  if (!DEPLOY_RUNTIMES.includes(runtime)) throw new UserError(`--runtime must be one of ${DEPLOY_RUNTIMES.join(', ')}, got ${String(runtime)}`);
  const timeoutS = o.timeoutS ?? 30;
  if (!Number.isInteger(timeoutS) || timeoutS < 1 || timeoutS > 900) throw new UserError(`--timeout must be an integer in [1, 900] s, got ${timeoutS}`);
  const rc = o.reservedConcurrency;
  if (rc !== undefined && rc !== null && (!Number.isInteger(rc) || rc < 0)) throw new UserError(`--reserved-concurrency must be an integer >= 0, got ${rc}`);
  if (o.role !== undefined && !/^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/.+/.test(o.role)) throw new UserError(`--role must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got ${o.role}`);
  return { memoryMb, architecture, runtime, timeoutS };
}

/** Which handler a Lambda runtime id deploys: nodejs* → node, python* → python, java* → java. */
export function bundleRuntimeOf(runtime: DeployRuntime): BundleRuntime {
  if (runtime.startsWith('nodejs')) return 'node';
  return runtime.startsWith('java') ? 'java' : 'python';
}

/** `--env KEY=VALUE …` → the function's environment variables; one line naming the bad pair otherwise. */
export function parseEnvironment(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const m = /^([A-Za-z][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!m) throw new UserError(`--env: expected KEY=VALUE (KEY of letters, digits and _), got ${JSON.stringify(pair.split('=')[0])}`);
    env[m[1]!] = m[2]!;
  }
  return env;
}

export async function deployLambda(o: DeployOptions): Promise<DeployResult> {
  const v = validateDeployOptions(o);
  const log = o.log ?? (() => undefined);
  const client = o.client ?? makeLambdaClient({ endpoint: o.endpoint, region: o.region, profile: o.profile });
  const bundleRuntime = bundleRuntimeOf(v.runtime);
  const bundle = o.bundle ?? (await buildLambdaBundle(bundleRuntime));
  log(`bundled ${bundle.runtime} handler: ${bundle.zip.length} bytes, CodeSha256 ${bundle.codeSha256}`);
  const FunctionName = o.functionName;
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw userErrorFromAws(err, `lambda deploy: ${what}`, o.endpoint, o.profile);
    }
  };
  try {
    const existing = await step('GetFunction', () => getFunctionOrUndefined(client, FunctionName));
    let action: DeployResult['action'];
    let codeUpdated = true;
    if (!existing) {
      const role = o.role ?? (isLocalEndpoint(o.endpoint) ? 'arn:aws:iam::000000000000:role/spillway-local' : undefined);
      if (!role) throw new UserError('lambda deploy: --role is required to create a function (its execution role ARN)');
      await step('CreateFunction', () =>
        client.send(
          new CreateFunctionCommand({
            FunctionName,
            Runtime: v.runtime as Runtime,
            Role: role,
            Handler: bundle.handler,
            Code: { ZipFile: bundle.zip },
            MemorySize: v.memoryMb,
            Timeout: v.timeoutS,
            Architectures: [v.architecture as Architecture],
            Description: o.description ?? 'Spillway offload function',
            ...(o.environment ? { Environment: { Variables: o.environment } } : {}),
          }),
        ),
      );
      log(`created ${FunctionName} (${v.runtime}, ${v.memoryMb} MB, ${v.architecture}); waiting until Active`);
      await step('waiting for Active', () => waitUntilFunctionActiveV2({ client, ...WAIT }, { FunctionName }));
      action = 'created';
    } else {
      action = 'updated';
      const cfg = existing.Configuration;
      const sameArch = (cfg?.Architectures ?? ['x86_64'])[0] === v.architecture;
      if (cfg?.CodeSha256 === bundle.codeSha256 && sameArch) {
        codeUpdated = false;
        log(`${FunctionName}: code unchanged (same CodeSha256), not uploading`);
      } else {
        await step('UpdateFunctionCode', () =>
          client.send(new UpdateFunctionCodeCommand({ FunctionName, ZipFile: bundle.zip, Architectures: [v.architecture as Architecture] })),
        );
        log(`${FunctionName}: code uploaded; waiting until updated`);
        await step('waiting for the code update', () => waitUntilFunctionUpdatedV2({ client, ...WAIT }, { FunctionName }));
      }
      await step('UpdateFunctionConfiguration', () =>
        client.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName,
            Runtime: v.runtime as Runtime,
            Handler: bundle.handler,
            MemorySize: v.memoryMb,
            Timeout: v.timeoutS,
            ...(o.role ? { Role: o.role } : {}),
            ...(o.environment ? { Environment: { Variables: o.environment } } : {}),
          }),
        ),
      );
      log(`${FunctionName}: configuration set (${v.runtime}, ${v.memoryMb} MB, timeout ${v.timeoutS} s); waiting until updated`);
      await step('waiting for the configuration update', () => waitUntilFunctionUpdatedV2({ client, ...WAIT }, { FunctionName }));
    }
    if (o.reservedConcurrency !== undefined && o.reservedConcurrency !== null) {
      const n = o.reservedConcurrency;
      await step('PutFunctionConcurrency', () => client.send(new PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions: n })));
      log(`${FunctionName}: reserved concurrency ${n}`);
    } else if (o.reservedConcurrency === null) {
      await step('DeleteFunctionConcurrency', () => client.send(new DeleteFunctionConcurrencyCommand({ FunctionName })));
      log(`${FunctionName}: reserved concurrency removed`);
    }
    const published = await step('PublishVersion', () => client.send(new PublishVersionCommand({ FunctionName, CodeSha256: bundle.codeSha256 })));
    const version = published.Version ?? '?';
    log(`${FunctionName}: published version ${version} (${published.FunctionArn ?? ''})`);
    return {
      functionName: FunctionName,
      functionArn: published.FunctionArn ?? '',
      action,
      codeUpdated,
      version,
      codeSha256: bundle.codeSha256,
      runtime: v.runtime,
      handler: bundle.handler,
      memoryMb: v.memoryMb,
      architecture: v.architecture,
      reservedConcurrency: o.reservedConcurrency,
    };
  } finally {
    if (!o.client) client.destroy();
  }
}

async function getFunctionOrUndefined(client: LambdaClient, FunctionName: string): Promise<GetFunctionCommandOutput | undefined> {
  try {
    return await client.send(new GetFunctionCommand({ FunctionName }));
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}
