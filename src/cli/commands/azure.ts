/**
 * `spillway azure bundle|serve`: the Azure Functions app of the offload function (lambda/azure, docs/AZURE.md).
 * bundle writes what a zip deploy or `func azure functionapp publish` takes; serve runs the local endpoint with only
 * the Azure app (POST /api/<function>), its function key from SPILLWAY_AZURE_FUNCTION_KEY (never printed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { startInvokeServer } from '../../endpoint/index.js';
import { buildAzureDeployZip } from '../../functions/azure-bundle.js';
import { AZURE_KEY_ENV } from '../../live/validate/azure.js';
import { UserError } from '../../util/errors.js';
import { checkOutputFile, claimOutputDir, writeFileAtomic } from '../../util/output.js';

interface BundleArgs {
  out?: string;
  dir?: string;
}

const bundleCommand: CommandModule<object, BundleArgs> = {
  command: 'bundle',
  describe: 'Build the Azure Functions app: a zip for zip deploy, or (--dir) a folder for func azure functionapp publish',
  builder: (y) =>
    y
      .option('out', { type: 'string', describe: 'zip path (default out/azure/spillway-offload-azure.zip)' })
      .option('dir', { type: 'string', describe: 'write the app unpacked into this folder instead (host.json, package.json, dist/index.js)' }),
  handler: async (a) => {
    const built = await buildAzureDeployZip();
    if (a.dir !== undefined) {
      const dir = claimOutputDir(a.dir, '--dir');
      for (const [name, data] of Object.entries(built.files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), data);
      }
      process.stdout.write(`${a.dir}: ${Object.keys(built.files).sort().join(', ')}\n`);
      return;
    }
    const out = a.out ?? 'out/azure/spillway-offload-azure.zip';
    const abs = checkOutputFile(out, '--out', { defaultPath: a.out === undefined });
    writeFileAtomic(abs, built.zip);
    process.stdout.write(`${out}: ${built.zip.length} bytes (${Object.keys(built.files).sort().join(', ')})\n`);
  },
};

interface ServeArgs {
  port: number;
  'function-name': string;
  'keep-warm': number;
}

const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: `Run the local endpoint with the Azure Functions app on 127.0.0.1 (the key callers send: $${AZURE_KEY_ENV})`,
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 9002, describe: 'TCP port on 127.0.0.1 (0 = any free port)' })
      .option('function-name', { type: 'string', default: 'spillway-offload', describe: 'the function, served at /api/<name>' })
      .option('keep-warm', { type: 'number', default: 1200, describe: 'seconds an idle instance lives before the app scales in' }),
  handler: async (a) => {
    const key = process.env[AZURE_KEY_ENV];
    if (!key) throw new UserError(`azure serve: set ${AZURE_KEY_ENV} to the function key callers must send (x-functions-key or ?code=)`);
    const say = (l: string): void => void process.stderr.write(`${l}\n`);
    const server = await startInvokeServer({
      port: a.port,
      functionName: null,
      azure: { functionName: a['function-name'], functionKey: key, keepWarmS: a['keep-warm'] },
      log: (l) => say(`azure serve: ${l}`),
    });
    process.stdout.write(`${server.azure!.functionUrl}\n`);
    await new Promise<void>((resolve) => {
      const done = (): void => void server.stop().then(resolve);
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
  },
};

export const azureCommand: CommandModule<object, object> = {
  command: 'azure <command>',
  describe: 'Offload function on Azure Functions: bundle the app, serve it locally',
  builder: (y: Argv) =>
    y
      .command(bundleCommand as unknown as CommandModule<object, object>)
      .command(serveCommand as unknown as CommandModule<object, object>)
      .demandCommand(1, 'name an azure sub-command: bundle or serve'),
  handler: () => undefined,
};
