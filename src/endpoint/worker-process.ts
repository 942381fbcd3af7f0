/**
 * One OS process per execution environment: a Node runtime (child_process.fork, IPC), a Python runtime (python3) or
 * a Java runtime (a JVM running lambda/local-runtime/java's jar), the last two with JSON lines on stdin/stdout. The
 * bootstraps live in lambda/local-runtime/. This module only moves messages; what they mean is environment.ts's job.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { lambdaPaths } from '../functions/paths.js';

export type WorkerRuntime = 'node' | 'python' | 'java';

export interface WorkerSpec {
  runtime: WorkerRuntime;
  /** Directory holding the unzipped function code. */
  codeDir: string;
  /** Lambda's Handler setting, e.g. "index.handler". */
  handler: string;
  /** Environment variables the function sees (its configuration's Variables plus Lambda's own). */
  env: Record<string, string>;
  /** CPU list the process is pinned to with taskset (e.g. "1"); undefined: not pinned. */
  cpus?: string;
}

/** A message from the runtime bootstrap. */
export interface WorkerMessage {
  type: 'ready' | 'init_error' | 'result';
  id?: number;
  ok?: boolean;
  body?: string;
  errorType?: string;
  errorMessage?: string;
  maxRssBytes?: number;
  [field: string]: unknown;
}

export interface WorkerHandle {
  pid: number | undefined;
  send(msg: Record<string, unknown>): void;
  kill(): void;
}

export interface WorkerEvents {
  onMessage(msg: WorkerMessage): void;
  onLog(line: string): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // The function must not inherit the server's environment (it could hold credentials); give it only PATH & co.
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT'];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, ...extra };
}

function pipeLogs(child: ChildProcess, events: WorkerEvents, streams: ('stdout' | 'stderr')[]): void {
  for (const s of streams) {
    const stream = child[s];
    if (stream) createInterface({ input: stream }).on('line', (line) => events.onLog(line));
  }
}

export function startWorker(spec: WorkerSpec, events: WorkerEvents): WorkerHandle {
  const args = [spec.codeDir, spec.handler];
  if (spec.runtime === 'node') {
    // Pinned: fork runs `taskset -c <cpus> node <bootstrap> ...`, which execs node with the IPC channel intact.
    const child = fork(lambdaPaths.nodeBootstrap(), args, {
      cwd: spec.codeDir,
      env: baseEnv(spec.env),
      silent: true,
      ...(spec.cpus ? { execPath: 'taskset', execArgv: ['-c', spec.cpus, process.execPath] } : { execArgv: [] }),
      serialization: 'json',
    });
    child.on('message', (m) => events.onMessage(m as WorkerMessage));
    pipeLogs(child, events, ['stdout', 'stderr']);
    child.on('exit', (code, signal) => events.onExit(code, signal));
    child.on('error', (err) => events.onLog(`runtime process error: ${err.message}`));
    return {
      pid: child.pid,
      send: (msg) => {
        if (child.connected) child.send(msg);
      },
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
  }
  return startLineWorker(spec.runtime === 'java' ? javaCommand(spec, args) : ['python3', '-u', lambdaPaths.pythonBootstrap(), ...args], spec, events);
}

/**
 * The JVM as Lambda's java17/java21 runtimes start it: tiered compilation stopped at C1 and the serial collector
 * (AWS's documented defaults), the heap capped below the function's memory; JAVA_TOOL_OPTIONS, if the function sets
 * it, is read by the JVM itself as on Lambda.
 */
export function javaCommand(spec: WorkerSpec, args: string[]): string[] {
  const memoryMb = Number(spec.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 1024);
  const heapMb = Math.max(64, Math.floor(memoryMb * 0.85));
  return ['java', '-XX:+TieredCompilation', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', `-Xmx${heapMb}m`, '-cp', lambdaPaths.javaBootstrapJar(), 'io.spillway.localruntime.Bootstrap', ...args];
}

/** A runtime speaking JSON lines: requests on its stdin, replies on its stdout, its own output on stderr. */
function startLineWorker(cmd: string[], spec: WorkerSpec, events: WorkerEvents): WorkerHandle {
  const child = spawn(spec.cpus ? 'taskset' : (cmd[0] as string), spec.cpus ? ['-c', spec.cpus, ...cmd] : cmd.slice(1), {
    cwd: spec.codeDir,
    env: baseEnv(spec.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        events.onMessage(JSON.parse(line) as WorkerMessage);
      } catch {
        events.onLog(line);
      }
    });
  }
  pipeLogs(child, events, ['stderr']);
  child.stdin?.on('error', () => undefined); // writes after the process died: the exit event reports it
  child.on('exit', (code, signal) => events.onExit(code, signal));
  child.on('error', (err) => {
    // e.g. python3 or java not installed: no exit event follows a failed spawn, so report it as one.
    events.onLog(`runtime process error: ${err.message}`);
    if (child.pid === undefined) events.onExit(null, null);
  });
  return {
    pid: child.pid,
    send: (msg) => {
      if (child.stdin && !child.stdin.destroyed) child.stdin.write(JSON.stringify(msg) + '\n');
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
