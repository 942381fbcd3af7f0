/**
 * The functions the local endpoint knows: configuration, unpacked code, published versions and reserved
 * concurrency; and their FunctionConfiguration documents as Lambda's management API returns them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, isAbsolute } from 'node:path';
import { apiErrors } from './aws-errors.js';
import { readZip, ZipFormatError } from './zip-read.js';
import type { WorkerRuntime } from './worker-process.js';

export interface FunctionConfig {
  runtime: string;
  handler: string;
  role: string;
  memoryMb: number;
  timeoutS: number;
  architectures: string[];
  environment: Record<string, string>;
  description: string;
}

export interface CodePackage {
  dir: string;
  sha256: string;
  size: number;
}

/** What an invocation runs: a configuration and code, frozen for a published version. */
export interface FunctionSnapshot {
  version: string;
  config: FunctionConfig;
  code: CodePackage;
  lastModified: string;
  revisionId: string;
}

export interface LambdaFunction {
  name: string;
  latest: FunctionSnapshot;
  versions: Map<string, FunctionSnapshot>;
  nextVersion: number;
  reservedConcurrency: number | undefined;
  /** Bumped by every code or configuration update: environments of an older generation are retired. */
  generation: number;
}

export const MEMORY_MIN_MB = 128;
export const MEMORY_MAX_MB = 10240;

export function workerRuntimeOf(runtime: string): WorkerRuntime {
  if (runtime.startsWith('nodejs')) return 'node';
  if (runtime.startsWith('python')) return 'python';
  if (runtime.startsWith('java')) return 'java';
  throw apiErrors.invalidParameter(`Runtime ${runtime} is not supported by the local endpoint (nodejs*, python*, java* only)`);
}

/** Node and Python name module.function; Java names a class (pkg.Class, or Class in the default package) or Class::method. */
function checkHandler(runtime: string, handler: string): void {
  if (runtime.startsWith('java')) {
    if (!/^[\w$.]+(::[\w$]+)?$/.test(handler)) throw apiErrors.invalidParameter(`Handler ${JSON.stringify(handler)} must look like package.Class or package.Class::method`);
    return;
  }
  if (!/^[^.\s]+(\.[^.\s]+)+$/.test(handler)) throw apiErrors.invalidParameter(`Handler ${JSON.stringify(handler)} must look like module.function`);
}

/** AWS's timestamp format for LastModified, e.g. 2026-11-20T21:00:00.000+0000. */
function lambdaTimestamp(d = new Date()): string {
  return d.toISOString().replace('Z', '+0000');
}

export class FunctionRegistry {
  private readonly functions = new Map<string, LambdaFunction>();
  private codeCounter = 0;

  constructor(
    private readonly codeRoot: string,
    readonly region: string,
    readonly accountId: string,
  ) {}

  arn(name: string, qualifier?: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
  }

  /** Accept a name, a full ARN or a partial ARN (with an optional :qualifier), as Lambda does. */
  parseName(raw: string): { name: string; qualifier: string | undefined } {
    const parts = raw.split(':');
    if (raw.startsWith('arn:')) return { name: parts[6] ?? '', qualifier: parts[7] };
    if (parts.length >= 3 && parts[1] === 'function') return { name: parts[2] ?? '', qualifier: parts[3] };
    if (parts.length === 2) return { name: parts[0] ?? '', qualifier: parts[1] };
    return { name: raw, qualifier: undefined };
  }

  get(rawName: string): LambdaFunction {
    const { name } = this.parseName(rawName);
    const fn = this.functions.get(name);
    if (!fn) throw apiErrors.functionNotFound(this.arn(name));
    return fn;
  }

  list(): LambdaFunction[] {
    return [...this.functions.values()];
  }

  /** The snapshot an invocation runs: $LATEST or a published version; aliases are not supported locally. */
  resolve(rawName: string, qualifierParam: string | undefined): { fn: LambdaFunction; snapshot: FunctionSnapshot } {
    const { name, qualifier: inName } = this.parseName(rawName);
    const qualifier = qualifierParam ?? inName ?? '$LATEST';
    const fn = this.functions.get(name);
    if (!fn) throw apiErrors.functionNotFound(this.arn(name, qualifierParam ?? inName));
    if (qualifier === '$LATEST') return { fn, snapshot: fn.latest };
    const snapshot = fn.versions.get(qualifier);
    if (!snapshot) throw apiErrors.functionNotFound(this.arn(name, qualifier));
    return { fn, snapshot };
  }

  create(name: string, config: FunctionConfig, zip: Buffer): LambdaFunction {
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) throw apiErrors.invalidParameter(`FunctionName ${JSON.stringify(name)} is not a valid function name`);
    if (this.functions.has(name)) throw apiErrors.conflict(`Function already exist: ${name}`);
    validateConfig(config);
    const fn: LambdaFunction = {
      name,
      latest: { version: '$LATEST', config, code: this.unpack(name, zip), lastModified: lambdaTimestamp(), revisionId: randomUUID() },
      versions: new Map(),
      nextVersion: 1,
      reservedConcurrency: undefined,
      generation: 0,
    };
    this.functions.set(name, fn);
    return fn;
  }

  remove(name: string): void {
    this.functions.delete(name);
  }

  updateCode(fn: LambdaFunction, zip: Buffer): void {
    fn.latest = { ...fn.latest, code: this.unpack(fn.name, zip), lastModified: lambdaTimestamp(), revisionId: randomUUID() };
    fn.generation += 1;
  }

  updateConfig(fn: LambdaFunction, patch: Partial<FunctionConfig>): void {
    const config = { ...fn.latest.config, ...patch };
    validateConfig(config);
    fn.latest = { ...fn.latest, config, lastModified: lambdaTimestamp(), revisionId: randomUUID() };
    fn.generation += 1;
  }

  /** Publish $LATEST as a new version, unless it is identical to the newest version (as Lambda does). */
  publish(fn: LambdaFunction): FunctionSnapshot {
    const newest = [...fn.versions.values()].at(-1);
    if (newest && newest.code.sha256 === fn.latest.code.sha256 && JSON.stringify(newest.config) === JSON.stringify(fn.latest.config)) {
      return newest;
    }
    const version = String(fn.nextVersion++);
    const snap: FunctionSnapshot = { ...fn.latest, version, revisionId: randomUUID() };
    fn.versions.set(version, snap);
    return snap;
  }

  configuration(fn: LambdaFunction, snap: FunctionSnapshot, state: { state: string; lastUpdateStatus: string }): Record<string, unknown> {
    const c = snap.config;
    return {
      FunctionName: fn.name,
      FunctionArn: this.arn(fn.name, snap.version === '$LATEST' ? undefined : snap.version),
      Runtime: c.runtime,
      Role: c.role,
      Handler: c.handler,
      CodeSize: snap.code.size,
      Description: c.description,
      Timeout: c.timeoutS,
      MemorySize: c.memoryMb,
      LastModified: snap.lastModified,
      CodeSha256: snap.code.sha256,
      Version: snap.version,
      Environment: { Variables: { ...c.environment } },
      RevisionId: snap.revisionId,
      State: state.state,
      LastUpdateStatus: state.lastUpdateStatus,
      PackageType: 'Zip',
      Architectures: [...c.architectures],
      EphemeralStorage: { Size: 512 },
    };
  }

  /** Unzip a deployment package into its own directory; the environments run it from there. */
  private unpack(name: string, zip: Buffer): CodePackage {
    let files: Map<string, Buffer>;
    try {
      files = readZip(zip);
    } catch (err) {
      if (err instanceof ZipFormatError) throw apiErrors.invalidParameter(`Could not unzip uploaded file: ${err.message}`);
      throw err;
    }
    const dir = join(this.codeRoot, `${name}-${++this.codeCounter}`);
    for (const [entry, data] of files) {
      const rel = normalize(entry);
      if (isAbsolute(rel) || rel.startsWith('..')) throw apiErrors.invalidParameter(`zip entry escapes the package: ${entry}`);
      const path = join(dir, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data);
    }
    mkdirSync(dir, { recursive: true });
    return { dir, sha256: createHash('sha256').update(zip).digest('base64'), size: zip.length };
  }
}

function validateConfig(c: FunctionConfig): void {
  workerRuntimeOf(c.runtime);
  if (!Number.isInteger(c.memoryMb) || c.memoryMb < MEMORY_MIN_MB || c.memoryMb > MEMORY_MAX_MB) {
    throw apiErrors.invalidParameter(`MemorySize must be an integer in [${MEMORY_MIN_MB}, ${MEMORY_MAX_MB}], got ${c.memoryMb}`);
  }
  if (!Number.isInteger(c.timeoutS) || c.timeoutS < 1 || c.timeoutS > 900) {
    throw apiErrors.invalidParameter(`Timeout must be an integer in [1, 900] seconds, got ${c.timeoutS}`);
  }
  checkHandler(c.runtime, c.handler);
  for (const a of c.architectures) {
    if (a !== 'x86_64' && a !== 'arm64') throw apiErrors.invalidParameter(`Architectures: ${a} is not x86_64 or arm64`);
  }
}
