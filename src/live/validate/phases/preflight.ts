/** `--target aws`: the function must exist and match the scenario's platform model before anything starts. */
import { loadPlatformModel } from '../../../serverless/model-file.js';
import { handlerFor, preflightFunction } from '../../../functions/preflight.js';
import type { TokenizerShape } from '../job-config.js';
import type { ValidateOptions } from '../types.js';

/** The region the job must use (resolved by the SDK's chain, --profile included), or null for --target local. */
export async function awsPreflight(o: ValidateOptions, shape: TokenizerShape, log: (l: string) => void): Promise<string | null> {
  if ((o.target ?? 'local') !== 'aws' || !shape.offload) return null;
  const model = loadPlatformModel(shape.offload.platform);
  const functionName = o.functionName ?? 'spillway-offload';
  const expected = {
    runtime: model.runtime,
    handler: handlerFor(model.runtime),
    memoryMb: shape.offload.memory_mb ?? model.memory.default_mb,
    architecture: model.architecture,
  };
  const r = await preflightFunction({ functionName, region: o.region, profile: o.profile, endpoint: o.awsEndpoint, expected });
  log(`validate: preflight: ${functionName} in ${r.region} exists and matches ${model.id} (${expected.runtime}, ${expected.memoryMb} MB, ${expected.architecture})`);
  return r.region;
}
