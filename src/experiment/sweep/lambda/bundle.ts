/**
 * The simulator function's zip: src/experiment/sweep/lambda/handler.ts and everything it imports (the simulator,
 * policies, models' loaders, @aws-sdk/client-s3) bundled by esbuild into one `index.mjs`, handler `index.handler`.
 * Built from the TypeScript sources, so `spillway lambda bundle --simulator` works from dist/ too.
 */
import { bundleNodeEntry, bundleOf, type LambdaBundle } from '../../../functions/bundle.js';
import { lambdaPaths } from '../../../functions/paths.js';

export async function buildSimulatorBundle(): Promise<LambdaBundle> {
  const code = await bundleNodeEntry(lambdaPaths.simulatorHandlerSource(), { cjsRequire: true });
  return bundleOf('node', { 'index.mjs': Buffer.from(code, 'utf8') }, 'index.handler');
}
