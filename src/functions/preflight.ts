/**
 * `validate --target aws` preflight: before anything starts, GetFunction on the offload function, and its runtime,
 * handler, memory and architecture compared with what the scenario's platform model says (the caller passes those:
 * platform models live on the same layer). Not found, not accessible or not as modelled: one line, exit 2.
 */
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { UserError } from '../util/errors.js';
import { makeLambdaClient, userErrorFromAws } from './client.js';
import { resolveRegion } from './region.js';
import { JAVA_HANDLER } from './bundle.js';

export interface ExpectedFunction {
  runtime: string;
  handler: string;
  memoryMb: number;
  architecture: string;
}

export interface PreflightOptions {
  functionName: string;
  region?: string;
  profile?: string;
  /** A Lambda-API endpoint (tests: the local endpoint); omit for AWS. */
  endpoint?: string;
  expected: ExpectedFunction;
}

/** The handler each runtime family's bundle declares (bundle.ts). */
export function handlerFor(runtime: string): string {
  if (runtime.startsWith('java')) return JAVA_HANDLER;
  return runtime.startsWith('python') ? 'handler.handler' : 'index.handler';
}

/** Returns the region used; throws a one-line UserError if the function is missing, unreadable or differs. */
export async function preflightFunction(o: PreflightOptions): Promise<{ region: string; arn: string }> {
  const region = await resolveRegion({ region: o.region, profile: o.profile, endpoint: o.endpoint });
  const client = makeLambdaClient({ region, profile: o.profile, endpoint: o.endpoint, maxAttempts: 2 });
  const what = `validate --target aws: function ${o.functionName} in ${region}`;
  try {
    const out = await client.send(new GetFunctionCommand({ FunctionName: o.functionName })).catch((err: Error) => {
      if (err.name === 'ResourceNotFoundException') throw new UserError(`${what} not found (spillway lambda deploy --function-name ${o.functionName} --region ${region})`);
      throw userErrorFromAws(err, what, o.endpoint, o.profile);
    });
    const c = out.Configuration ?? {};
    const e = o.expected;
    const diffs = [
      ['runtime', c.Runtime, e.runtime],
      ['handler', c.Handler, e.handler],
      ['memory MB', c.MemorySize, e.memoryMb],
      ['architecture', (c.Architectures ?? ['x86_64'])[0], e.architecture],
    ].filter(([, got, want]) => got !== want).map(([k, got, want]) => `${String(k)} ${String(got)} (the model says ${String(want)})`);
    if (diffs.length > 0) {
      throw new UserError(`${what} is not the modelled one: ${diffs.join(', ')}; redeploy with spillway lambda deploy --memory ${e.memoryMb} --architecture ${e.architecture} --runtime ${e.runtime}`);
    }
    if (c.State === 'Failed') throw new UserError(`${what} is in state Failed: ${c.StateReason ?? ''}`);
    return { region, arn: c.FunctionArn ?? '' };
  } finally {
    client.destroy();
  }
}
