/**
 * The Java function's jar and the local endpoint's Java bootstrap jar, built by one Maven run in lambda/java when
 * either is missing or older than a source file (pom.xml, *.java). Maven's tests are skipped here: `npm run
 * test:lambda-java` runs them. Both jars are reproducible (project.build.outputTimestamp), so the same sources give
 * the same CodeSha256.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { lambdaPaths } from './paths.js';

export interface JavaJars {
  function: string;
  bootstrap: string;
}

let building: Promise<JavaJars> | undefined;

/** Newest modification time (ms) of the build's inputs, skipping target/ folders. */
function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'target' || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'pom.xml' || e.name.endsWith('.java')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) if (existsSync(d)) walk(d);
  return newest;
}

export function javaJarsStale(): boolean {
  const jars = [lambdaPaths.javaFunctionJar(), lambdaPaths.javaBootstrapJar()];
  if (!jars.every((j) => existsSync(j))) return true;
  const oldestJar = Math.min(...jars.map((j) => statSync(j).mtimeMs));
  return newestSource(lambdaPaths.javaSourceDirs()) > oldestJar;
}

function mvn(args: string[], cwd: string): Promise<{ code: number | null; output: string; spawnError?: string }> {
  return new Promise((resolve) => {
    const p = spawn('mvn', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.on('error', (err) => resolve({ code: null, output, spawnError: err.message }));
    p.on('close', (code) => resolve({ code, output }));
  });
}

/** Build the jars if needed (one build at a time in this process); their paths. */
export function ensureJavaJars(): Promise<JavaJars> {
  const jars = { function: lambdaPaths.javaFunctionJar(), bootstrap: lambdaPaths.javaBootstrapJar() };
  if (!javaJarsStale()) return Promise.resolve(jars);
  building ??= (async () => {
    const args = ['-q', '-B', '-DskipTests', 'package'];
    const r = await mvn(args, lambdaPaths.javaBuildDir());
    if (r.spawnError) throw new UserError(`the Java function needs Maven (mvn) and a JDK 17+ on PATH: ${r.spawnError}`);
    if (r.code !== 0 || javaJarsStale()) {
      throw new Error(`building the Java function failed (mvn ${args.join(' ')} in lambda/java exited ${r.code}):\n${r.output.slice(-4000)}`);
    }
    return jars;
  })().finally(() => {
    building = undefined;
  });
  return building;
}

/** The bootstrap jar, built only when missing: a cold start does not walk the sources. */
export async function ensureJavaBootstrap(): Promise<string> {
  const jar = lambdaPaths.javaBootstrapJar();
  return existsSync(jar) ? jar : (await ensureJavaJars()).bootstrap;
}
