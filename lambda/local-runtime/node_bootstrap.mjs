// Local stand-in for the Lambda Node.js runtime, one process per execution environment.
// Started by the Spillway invoke server (src/endpoint) with child_process.fork; talks over IPC.
// argv: <code dir> <handler setting, e.g. "index.handler">
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [codeDir, handlerSetting] = process.argv.slice(2);
const dot = handlerSetting.lastIndexOf('.');
const moduleName = handlerSetting.slice(0, dot);
const exportName = handlerSetting.slice(dot + 1);

function errorFields(err) {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    errorType: e.name || 'Error',
    errorMessage: e.message,
    trace: typeof e.stack === 'string' ? e.stack.split('\n') : [],
  };
}

function send(msg) {
  if (process.connected) process.send(msg);
}

// While an invocation runs, its console output is captured and returned with the result, so each invocation's
// log tail holds exactly its own lines (separate pipes would not keep the order).
let captured = null;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    if (captured) {
      captured.push(String(chunk));
      const cb = rest.find((r) => typeof r === 'function');
      if (cb) cb();
      return true;
    }
    return write(chunk, ...rest);
  };
}
const takeCaptured = () => {
  const lines = (captured ?? []).join('').split('\n').filter((l) => l.length > 0);
  captured = null;
  return lines;
};

// The environment dies with its server: no orphans if the server crashes.
process.on('disconnect', () => process.exit(0));

let fn;
try {
  const file = ['.mjs', '.js', '.cjs'].map((ext) => join(codeDir, moduleName + ext)).find((f) => existsSync(f));
  if (!file) {
    const err = new Error(`Cannot find module '${moduleName}'`);
    err.name = 'Runtime.ImportModuleError';
    throw err;
  }
  const mod = await import(pathToFileURL(file).href);
  fn = mod[exportName];
  if (typeof fn !== 'function') {
    const err = new Error(`${handlerSetting} is undefined or not exported`);
    err.name = 'Runtime.HandlerNotFound';
    throw err;
  }
} catch (err) {
  send({ type: 'init_error', ...errorFields(err) });
  setTimeout(() => process.exit(1), 10);
}

if (fn) {
  process.on('message', async (msg) => {
    if (!msg || msg.type !== 'invoke') return;
    const deadline = Date.now() + msg.timeoutMs;
    const context = {
      awsRequestId: msg.requestId,
      functionName: msg.functionName,
      functionVersion: msg.functionVersion,
      memoryLimitInMB: String(msg.memoryMb),
      invokedFunctionArn: msg.functionArn,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    captured = [];
    try {
      const out = await fn(JSON.parse(msg.payload), context);
      const body = JSON.stringify(out ?? null);
      send({ type: 'result', id: msg.id, ok: true, body, maxRssBytes: process.memoryUsage().rss, logs: takeCaptured() });
    } catch (err) {
      console.error(`Invoke Error \t${JSON.stringify(errorFields(err))}`);
      send({ type: 'result', id: msg.id, ok: false, ...errorFields(err), maxRssBytes: process.memoryUsage().rss, logs: takeCaptured() });
    }
  });
  send({ type: 'ready' });
}
