/** Where the offload function's sources live, found from this module so it works from src/ (tests) and dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The repository root: the nearest ancestor holding both package.json and lambda/. */
export function repoRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'lambda'))) return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (package.json + lambda/) above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export const lambdaPaths = {
  nodeHandlerSource: (): string => join(repoRoot(), 'lambda', 'node', 'src', 'handler.ts'),
  /** The sweep's simulator function (bundled from the TypeScript sources, so it works from dist/ too). */
  simulatorHandlerSource: (): string => join(repoRoot(), 'src', 'experiment', 'sweep', 'lambda', 'handler.ts'),
  pythonHandler: (): string => join(repoRoot(), 'lambda', 'python', 'handler.py'),
  nodeBootstrap: (): string => join(repoRoot(), 'lambda', 'local-runtime', 'node_bootstrap.mjs'),
  pythonBootstrap: (): string => join(repoRoot(), 'lambda', 'local-runtime', 'python_bootstrap.py'),
  vectors: (): string => join(repoRoot(), 'lambda', 'testdata', 'vectors.json'),
  /** The Maven build of the Java function and the local endpoint's Java bootstrap (lambda/java/pom.xml). */
  javaBuildDir: (): string => join(repoRoot(), 'lambda', 'java'),
  javaFunctionJar: (): string => join(repoRoot(), 'lambda', 'java', 'function', 'target', 'spillway-lambda-function-0.1.0.jar'),
  javaBootstrapJar: (): string => join(repoRoot(), 'lambda', 'local-runtime', 'java', 'target', 'spillway-local-java-runtime-0.1.0.jar'),
  /** Sources whose change makes the jars stale. */
  javaSourceDirs: (): string[] => [join(repoRoot(), 'lambda', 'java'), join(repoRoot(), 'lambda', 'local-runtime', 'java')],
};
