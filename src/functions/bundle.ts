/**
 * Build the deployable zip of the offload function: the Node handler bundled by esbuild into one ESM file
 * (`index.mjs`, handler `index.handler`), the Python handler as is (`handler.py`, handler `handler.handler`), or the
 * Java function's shaded jar as Maven builds it (classes at the root, handler `io.spillway.lambda.Handler`).
 * Entries carry a fixed timestamp so the same sources give a byte-identical zip (and the same CodeSha256).
 * esbuild and yazl are dev dependencies, imported only here when a bundle is built, so the CLI still starts
 * from a production install (`npm ci --omit=dev`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/output.js';
import { ensureJavaJars } from './java-build.js';
import { lambdaPaths } from './paths.js';

export type BundleRuntime = 'node' | 'python' | 'java';

/** The Java function's Handler setting (Lambda calls handleRequest). */
export const JAVA_HANDLER = 'io.spillway.lambda.Handler';

export interface LambdaBundle {
  runtime: BundleRuntime;
  /** The zip file's bytes. */
  zip: Buffer;
  /** Lambda's `Handler` setting for this zip. */
  handler: string;
  /** Lambda's `CodeSha256`: base64 of the zip's SHA-256. */
  codeSha256: string;
  /** The files zipped, by name; empty for java, whose zip is the jar Maven built. */
  files: Record<string, Buffer>;
}

const FIXED_MTIME = new Date(Date.UTC(2020, 0, 1));

/** The Node handler as one ESM file, with no dependencies left to install. */
export function bundleNodeHandler(): Promise<string> {
  return bundleNodeEntry(lambdaPaths.nodeHandlerSource());
}

/** A TypeScript or JavaScript entry and everything it imports as one ESM file (`index.mjs`). */
export async function bundleNodeEntry(entry: string, opts: { cjsRequire?: boolean } = {}): Promise<string> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new UserError('bundling the Node handler needs esbuild (a dev dependency): run npm install');
  }
  const out = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    outfile: 'index.mjs',
    legalComments: 'none',
    // CommonJS dependencies bundled into ESM call require() for Node's built-ins; give them a real one.
    ...(opts.cjsRequire ? { banner: { js: "import { createRequire as __spillwayRequire } from 'node:module'; const require = __spillwayRequire(import.meta.url);" } } : {}),
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry}`);
  return file.text;
}

export async function zipFiles(files: Record<string, Buffer>): Promise<Buffer> {
  let yazl: typeof import('yazl');
  try {
    yazl = (await import('yazl')).default;
  } catch {
    throw new UserError('building a Lambda zip needs yazl (a dev dependency): run npm install');
  }
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const name of Object.keys(files).sort()) {
      zip.addBuffer(files[name] as Buffer, name, { mtime: FIXED_MTIME, mode: 0o100644 });
    }
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });
}

export async function buildLambdaBundle(runtime: BundleRuntime): Promise<LambdaBundle> {
  if (runtime === 'java') {
    // A jar is a zip Lambda takes as it is; Maven writes it with fixed entry times, so it is reproducible already.
    const zip = readFileSync((await ensureJavaJars()).function);
    return { runtime, zip, files: {}, handler: JAVA_HANDLER, codeSha256: createHash('sha256').update(zip).digest('base64') };
  }
  const files: Record<string, Buffer> =
    runtime === 'node'
      ? { 'index.mjs': Buffer.from(await bundleNodeHandler(), 'utf8') }
      : { 'handler.py': readFileSync(lambdaPaths.pythonHandler()) };
  return bundleOf(runtime, files, runtime === 'node' ? 'index.handler' : 'handler.handler');
}

export async function bundleOf(runtime: BundleRuntime, files: Record<string, Buffer>, handler: string): Promise<LambdaBundle> {
  const zip = await zipFiles(files);
  return { runtime, zip, files, handler, codeSha256: createHash('sha256').update(zip).digest('base64') };
}

/** Build the bundle (or take the one given) and write the zip to `outPath`. */
export async function writeLambdaBundle(runtime: BundleRuntime, outPath: string, built?: LambdaBundle): Promise<LambdaBundle> {
  const bundle = built ?? (await buildLambdaBundle(runtime));
  writeFileAtomic(outPath, bundle.zip);
  return bundle;
}
