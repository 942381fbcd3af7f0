/**
 * One OS process per execution environment: a Node runtime (child_process.fork, IPC) or a Python runtime
 * (python3, JSON lines on stdin/stdout). Both bootstraps live in lambda/local-runtime/. This module only moves
 * messages; what they mean is environment.ts's job.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { lambdaPaths } from '../functions/paths.js';

export type WorkerRuntime = 'node' | 'python';

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
  const py = ['python3', '-u', lambdaPaths.pythonBootstrap(), ...args];
  const child = spawn(spec.cpus ? 'taskset' : py[0], spec.cpus ? ['-c', spec.cpus, ...py] : py.slice(1), {
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
    // e.g. python3 not installed: no exit event follows a failed spawn, so report it as one.
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
