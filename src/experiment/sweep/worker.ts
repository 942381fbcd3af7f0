/**
 * Worker-thread entry: receives run specs, runs them with the runner module named in workerData (default: the
 * simulator's runner.js beside this directory), posts each outcome back. Compiled to dist/ with the rest.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorOutcome, type RunFn } from './executor.js';
import { importRunner, makeRunFn } from './runner-adapter.js';
import type { RunOutcome, RunSpec } from './types.js';

export interface WorkerData {
  runnerModule?: string;
}

export type ToWorker = { type: 'run'; run: RunSpec };
export type FromWorker = { type: 'result'; outcome: RunOutcome };

const port = parentPort;
if (port) {
  const data = (workerData ?? {}) as WorkerData;
  let runFn: RunFn | null = null;
  let loadError: unknown = null;
  try {
    runFn = makeRunFn(await importRunner(data.runnerModule));
  } catch (err) {
    loadError = err;
  }
  port.on('message', async (msg: ToWorker) => {
    if (msg.type !== 'run') return;
    let outcome: RunOutcome;
    if (!runFn) outcome = errorOutcome(msg.run.id, loadError);
    else {
      try {
        outcome = { id: msg.run.id, ok: true, output: await runFn(msg.run.scenarioPath, msg.run.options) };
      } catch (err) {
        outcome = errorOutcome(msg.run.id, err);
      }
    }
    const reply: FromWorker = { type: 'result', outcome };
    port.postMessage(reply);
  });
}
