/**
 * `spillway lambda serve|deploy|probe|bundle`: the offload function's tooling. serve runs the local Lambda
 * endpoint; deploy and probe work against real AWS (SDK default credentials) or that endpoint (--endpoint).
 */
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../util/errors.js';
import { checkOutputFile } from '../../util/output.js';
import { startInvokeServer } from '../../endpoint/index.js';
import { writeLambdaBundle, type BundleRuntime } from '../../functions/bundle.js';
import { deployLambda, DEPLOY_RUNTIMES, parseEnvironment, type DeployRuntime } from '../../functions/deploy.js';
import { probeLambda } from '../../functions/probe.js';
import { roleCommand } from './lambda-role.js';
import { buildSimulatorBundle } from '../../experiment/sweep/lambda/bundle.js';

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function num(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new UserError(`--${name} must be a number, got ${String(v)}`);
  return v;
}

/** "1,10,100" or repeated flags → [1, 10, 100]. */
export function parseNumberList(name: string, v: unknown): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter((s) => s !== '');
  return parts.map((p) => {
    const n = Number(p);
    if (!Number.isFinite(n)) throw new UserError(`--${name}: ${JSON.stringify(p)} is not a number`);
    return n;
  });
}

interface ServeArgs {
  port: number;
  concurrency: number;
  'keep-warm': number;
  runtime: string;
  'function-name': string;
  memory: number;
  'reserved-concurrency'?: number;
  'error-rate': number;
  'throttle-rate': number;
  'added-latency-ms': number;
  'crash-after'?: number;
  seed: string;
  'bill-init': boolean;
}

const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Run a local endpoint on 127.0.0.1 that speaks the Lambda API (for the SDKs) and runs the real handler',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 9001, describe: 'TCP port on 127.0.0.1 (0 = any free port)' })
      .option('concurrency', { type: 'number', default: 1000, describe: 'account concurrency limit; beyond it: 429' })
      .option('keep-warm', { type: 'number', default: 600, describe: 'seconds an idle environment stays warm' })
      .option('runtime', { type: 'string', default: 'node', choices: ['node', 'python', 'java'], describe: 'runtime of the function created at start (java: java17, a JVM per environment)' })
      .option('function-name', { type: 'string', default: 'spillway-offload', describe: 'name of the function created at start' })
      .option('memory', { type: 'number', default: 1024, describe: 'its memory size, MB (reported, not enforced)' })
      .option('reserved-concurrency', { type: 'number', describe: 'its reserved concurrency (a per-function cap)' })
      .option('error-rate', { type: 'number', default: 0, describe: 'share of invocations answered with a function error' })
      .option('throttle-rate', { type: 'number', default: 0, describe: 'share of invoke requests answered with 429' })
      .option('added-latency-ms', { type: 'number', default: 0, describe: 'extra delay before each invoke response' })
      .option('crash-after', { type: 'number', describe: 'exit abruptly when an invoke arrives after N invocations' })
      .option('seed', { type: 'string', default: 'spillway', describe: 'seed of the fault draws' })
      .option('bill-init', { type: 'boolean', default: true, describe: 'count cold-start init in Billed Duration (AWS since 2025-08)' }),
  handler: async (a) => {
    const server = await startInvokeServer({
      port: num('port', a.port),
      concurrency: num('concurrency', a.concurrency),
      keepWarmS: num('keep-warm', a['keep-warm']),
      runtime: a.runtime as 'node' | 'python' | 'java',
      functionName: a['function-name'],
      memoryMb: num('memory', a.memory),
      reservedConcurrency: num('reserved-concurrency', a['reserved-concurrency']),
      errorRate: num('error-rate', a['error-rate']),
      throttleRate: num('throttle-rate', a['throttle-rate']),
      addedLatencyMs: num('added-latency-ms', a['added-latency-ms']),
      crashAfter: num('crash-after', a['crash-after']) ?? null,
      seed: a.seed,
      billInit: a['bill-init'],
      log: (l) => say(`lambda serve: ${l}`),
      onCrash: () => {
        say('lambda serve: crashed on purpose (--crash-after)');
        process.exit(3);
      },
    });
    process.stdout.write(`${server.url}\n`);
    await new Promise<void>((resolve) => {
      const done = (): void => {
        void server.stop().then(resolve);
      };
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
  },
};

interface DeployArgs {
  'function-name': string;
  role?: string;
  memory: number;
  architecture: string;
  'reserved-concurrency'?: number;
  runtime: string;
  timeout: number;
  endpoint?: string;
  region?: string;
  profile?: string;
  json: boolean;
  simulator: boolean;
  env?: string[];
}

const deployCommand: CommandModule<object, DeployArgs> = {
  command: 'deploy',
  describe: 'Create or update the offload function, wait until ready, publish a version',
  builder: (y) =>
    y
      .option('function-name', { type: 'string', default: 'spillway-offload' })
      .option('role', { type: 'string', describe: 'execution role ARN (needed to create the function on AWS)' })
      .option('memory', { type: 'number', default: 1024, describe: 'memory size, MB (CPU share scales with it)' })
      .option('architecture', { type: 'string', default: 'x86_64', choices: ['x86_64', 'arm64'] })
      .option('reserved-concurrency', { type: 'number', describe: 'reserved concurrency to set' })
      .option('runtime', { type: 'string', default: 'nodejs20.x', choices: [...DEPLOY_RUNTIMES] })
      .option('timeout', { type: 'number', default: 30, describe: 'function timeout, s' })
      .option('endpoint', { type: 'string', describe: 'local endpoint URL (spillway lambda serve); omit for AWS' })
      .option('region', { type: 'string', describe: 'AWS region (default: the SDK chain: AWS_REGION, the profile\'s region; us-east-1 locally)' })
      .option('profile', { type: 'string', describe: 'shared-config profile for region and credentials (default: AWS_PROFILE, else default)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .option('simulator', { type: 'boolean', default: false, describe: 'deploy the sweep simulator function (spillway sweep --executor lambda)' })
      .option('env', { type: 'string', array: true, describe: 'KEY=VALUE: the function\'s environment variables (replacing its own), e.g. SPILLWAY_S3_ENDPOINT=URL' }),
  handler: async (a) => {
    const environment = a.env === undefined ? undefined : parseEnvironment(a.env);
    const result = await deployLambda({
      ...(environment ? { environment } : {}),
      ...(a.simulator ? { bundle: await buildSimulatorBundle(), description: 'Spillway sweep simulator function' } : {}),
      functionName: a['function-name'],
      role: a.role,
      memoryMb: num('memory', a.memory),
      architecture: a.architecture as 'x86_64' | 'arm64',
      reservedConcurrency: num('reserved-concurrency', a['reserved-concurrency']),
      runtime: a.runtime as DeployRuntime,
      timeoutS: num('timeout', a.timeout),
      endpoint: a.endpoint,
      region: a.region,
      profile: a.profile,
      log: (l) => say(`lambda deploy: ${l}`),
    });
    process.stdout.write(
      a.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : `${result.action} ${result.functionName} version ${result.version} (${result.runtime}, handler ${result.handler}, ${result.memoryMb} MB, ${result.architecture})\n`,
    );
  },
};

interface ProbeArgs {
  'function-name': string;
  endpoint?: string;
  region?: string;
  profile?: string;
  cold: number;
  warm: number;
  'batch-records': (string | number)[];
  'work-us': number;
  out?: string;
}

const probeCommand: CommandModule<object, ProbeArgs> = {
  command: 'probe',
  describe: 'Measure cold and warm invocations; write one JSON line per invocation (see docs/LAMBDA.md)',
  builder: (y) =>
    y
      .option('function-name', { type: 'string', default: 'spillway-offload' })
      .option('endpoint', { type: 'string', describe: 'local endpoint URL; omit for AWS' })
      .option('region', { type: 'string', describe: 'AWS region (default: the SDK chain: AWS_REGION, the profile\'s region; us-east-1 locally)' })
      .option('profile', { type: 'string', describe: 'shared-config profile for region and credentials (default: AWS_PROFILE, else default)' })
      .option('cold', { type: 'number', default: 3, describe: 'cold invocations per batch size' })
      .option('warm', { type: 'number', default: 10, describe: 'warm invocations per batch size' })
      .option('batch-records', { type: 'array', default: ['1', '100'], describe: 'records per invocation, e.g. 1,10,100' })
      .option('work-us', { type: 'number', default: 0, describe: 'emulated CPU per record, microseconds' })
      .option('out', { type: 'string', describe: 'write the samples here (JSON lines); default: stdout' }),
  handler: async (a) => {
    if (a.out !== undefined) checkOutputFile(a.out, '--out');
    const samples = await probeLambda({
      functionName: a['function-name'],
      endpoint: a.endpoint,
      region: a.region,
      profile: a.profile,
      cold: num('cold', a.cold),
      warm: num('warm', a.warm),
      batchRecords: parseNumberList('batch-records', a['batch-records']),
      workUsPerRecord: num('work-us', a['work-us']),
      out: a.out,
      log: (l) => say(`lambda probe: ${l}`),
    });
    if (!a.out) for (const s of samples) process.stdout.write(`${JSON.stringify(s)}\n`);
  },
};

interface BundleArgs {
  runtime: string;
  out?: string;
  simulator: boolean;
}

const bundleCommand: CommandModule<object, BundleArgs> = {
  command: 'bundle',
  describe: 'Build the deployable zip of the offload function',
  builder: (y) =>
    y
      .option('runtime', { type: 'string', default: 'node', choices: ['node', 'python', 'java'] })
      .option('out', { type: 'string', describe: 'zip path (default out/lambda/<runtime>-function.zip, java-function.jar, or simulator-function.zip)' })
      .option('simulator', { type: 'boolean', default: false, describe: 'the sweep simulator function (Node) instead of the offload handler' }),
  handler: async (a) => {
    const runtime = a.simulator ? 'node' : (a.runtime as BundleRuntime);
    const out = a.out ?? `out/lambda/${a.simulator ? 'simulator' : runtime}-function.${runtime === 'java' && !a.simulator ? 'jar' : 'zip'}`;
    const abs = checkOutputFile(out, '--out', { defaultPath: a.out === undefined });
    const b = await writeLambdaBundle(runtime, abs, a.simulator ? await buildSimulatorBundle() : undefined);
    process.stdout.write(`${out}: ${b.zip.length} bytes, handler ${b.handler}, CodeSha256 ${b.codeSha256}\n`);
  },
};

export const lambdaCommand: CommandModule<object, object> = {
  command: 'lambda <command>',
  describe: 'Offload function: local Lambda endpoint, deploy, probe, bundle',
  builder: (y: Argv) =>
    y
      .command(serveCommand as unknown as CommandModule<object, object>)
      .command(deployCommand as unknown as CommandModule<object, object>)
      .command(probeCommand as unknown as CommandModule<object, object>)
      .command(bundleCommand as unknown as CommandModule<object, object>)
      .command(roleCommand as unknown as CommandModule<object, object>)
      .demandCommand(1, 'name a lambda sub-command: serve, deploy, probe, bundle or role'),
  handler: () => undefined,
};
