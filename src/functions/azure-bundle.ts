/**
 * The Azure Functions app of the offload function (lambda/azure/): the deployable package for real Azure (zip deploy
 * or `func azure functionapp publish`, docs/AZURE.md) and the local package the endpoint runs (src/endpoint/azure/).
 * Both bundle lambda/azure/src with esbuild; they need @azure/functions installed in lambda/azure
 * (`npm ci --prefix lambda/azure`). Entries carry a fixed timestamp, so the same sources give the same zip.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { zipFiles } from './bundle.js';
import { repoRoot } from './paths.js';

export const azurePaths = {
  dir: (): string => join(repoRoot(), 'lambda', 'azure'),
  entry: (): string => join(repoRoot(), 'lambda', 'azure', 'src', 'index.ts'),
  adapter: (): string => join(repoRoot(), 'lambda', 'local-runtime', 'azure_adapter.mjs'),
  coreStandIn: (): string => join(repoRoot(), 'lambda', 'local-runtime', 'azure_functions_core.cjs'),
};

// CommonJS code bundled into ESM calls require() (node built-ins, @azure/functions-core); give it a real one.
const REQUIRE_BANNER = "import { createRequire as __spillwayRequire } from 'node:module'; const require = __spillwayRequire(import.meta.url);";

function checkInstalled(): void {
  if (!existsSync(join(azurePaths.dir(), 'node_modules', '@azure', 'functions', 'package.json'))) {
    throw new UserError('the Azure function app needs @azure/functions in lambda/azure: run npm ci --prefix lambda/azure');
  }
}

async function esbuildOnce(contents: string, external: string[]): Promise<string> {
  checkInstalled();
  const esbuild = await import('esbuild').catch(() => {
    throw new UserError('bundling the Azure function app needs esbuild (a dev dependency): run npm install');
  });
  const out = await esbuild.build({
    stdin: { contents, resolveDir: join(azurePaths.dir(), 'src'), loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    outfile: 'out.mjs',
    external,
    legalComments: 'none',
    banner: { js: REQUIRE_BANNER },
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output for lambda/azure/src');
  return file.text;
}

/**
 * What `func azure functionapp publish` or a zip deploy takes: host.json, package.json (main dist/index.js) and the
 * app as one file; @azure/functions stays a dependency, installed by the remote build (Core Tools' default for Linux
 * apps, or SCM_DO_BUILD_DURING_DEPLOYMENT=true for a zip deploy).
 */
export async function buildAzureDeployZip(): Promise<{ zip: Buffer; files: Record<string, Buffer> }> {
  const app = await esbuildOnce("import './index.ts';", ['@azure/functions']);
  const pkg = JSON.parse(readFileSync(join(azurePaths.dir(), 'package.json'), 'utf8')) as Record<string, unknown>;
  const files: Record<string, Buffer> = {
    'host.json': readFileSync(join(azurePaths.dir(), 'host.json')),
    'package.json': Buffer.from(JSON.stringify({ ...pkg, main: 'dist/index.js' }, null, 2) + '\n'),
    'dist/index.js': Buffer.from(app),
  };
  return { zip: await zipFiles(files), files };
}

/**
 * What the local endpoint runs in each instance process (handler `index.handler` under node_bootstrap.mjs): the
 * adapter, the app with @azure/functions bundled (and its HttpRequest, InvocationContext, HttpResponse exported for
 * the adapter), and the stand-in for the host's @azure/functions-core.
 */
export async function buildAzureLocalFiles(): Promise<Record<string, Buffer>> {
  const app = await esbuildOnce(
    "import './index.ts';\nexport { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';",
    ['@azure/functions-core'],
  );
  return {
    'index.mjs': readFileSync(azurePaths.adapter()),
    'app.mjs': Buffer.from(app),
    'node_modules/@azure/functions-core/package.json': Buffer.from('{"name":"@azure/functions-core","main":"index.js"}\n'),
    'node_modules/@azure/functions-core/index.js': readFileSync(azurePaths.coreStandIn()),
  };
}
