/**
 * Phase 2, run real: the function (the local endpoint with any faults, or AWS), the decision server, the job (a local
 * MiniCluster or a remote cluster) and the live controller loop polling Flink's REST API and publishing the policy's
 * decisions, until the job ends; then its outputs (real-outputs.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../util/errors.js';
import { startLocalJob, submitRemoteJob, waitForJobEnd } from '../../flink-job.js';
import type { FlinkRestClient } from '../../flink-rest.js';
import { startInvokeServer } from '../../../endpoint/index.js';
import { LiveController, wantedMetrics, type EndpointReading } from '../controller.js';
import { functionTimeoutMs, scenarioToJobConfig } from '../job-config.js';
import { pyflinkPython } from '../options.js';
import { RestMetricsSource } from '../rest-source.js';
import { LiveResources, type RunningJob } from './live.js';
import type { Prepared } from './prepare.js';
import { collectRealOutputs, type RealOutcome } from './real-outputs.js';
import { AZURE_KEY_ENV, endpointStatsOf, realAzureFunction } from '../azure.js';
import { ignoredParallelismLine } from '../ignored-parallelism.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runReal(p: Prepared): Promise<RealOutcome> {
  const live = await LiveResources.open(p);
  try {
    await startEndpoint(p, live);
    const job = await startJob(p, live);
    const controller = await controlLoop(p, live, job);
    return await collectRealOutputs(p, live, job, controller);
  } finally {
    await live.close();
  }
}

async function startEndpoint(p: Prepared, live: LiveResources): Promise<void> {
  const off = p.shape.offload;
  if (!off) return;
  if (p.target === 'azure') {
    p.log(`validate: offloading to the Azure function at ${realAzureFunction(p.o.functionUrl).functionUrl} (key from ${AZURE_KEY_ENV})`);
    return;
  }
  if (p.target !== 'local') {
    p.log(`validate: offloading to AWS Lambda function ${p.o.functionName ?? 'spillway-offload'} (region and credentials from the SDK's default chains)`);
    return;
  }
  const f = p.o.faults ?? {};
  const azure = p.platform === 'azure';
  const endpoint = await startInvokeServer({
    port: 0,
    functionName: azure ? null : (p.o.functionName ?? 'spillway-offload'),
    runtime: p.o.runtime ?? 'node',
    ...(azure ? { azure: { functionName: p.o.functionName, functionKey: process.env[AZURE_KEY_ENV] || undefined, keepWarmS: 600, timeoutS: Math.min(600, Math.ceil(functionTimeoutMs(off) / 1000)) } } : {}),
    memoryMb: p.memoryMb,
    keepWarmS: 600,
    // the function's timeout as the simulator has it (functionTimeoutMs); the job's client waits longer
    timeoutS: Math.ceil(functionTimeoutMs(off) / 1000),
    errorRate: f.errorRate,
    throttleRate: f.throttleRate,
    addedLatencyMs: f.addedLatencyMs,
    crashAfter: f.crashAfter ?? null,
    seed: `validate-${p.scenario.seed}`,
    cpus: p.pin?.functions,
    log: (l) => live.jobLog.write(`[endpoint] ${l}\n`),
  });
  live.endpoint = endpoint;
  void endpoint.crashed.then(() => {
    live.crashed = true;
    p.log('validate: the local Lambda endpoint crashed on purpose (crash_after); the job must fall back locally');
  });
  const what = endpoint.azure ? `Azure Functions app, function URL ${endpoint.azure.functionUrl}` : `function ${endpoint.functionName}, ${p.o.runtime ?? 'node'} handler`;
  p.log(`validate: local ${endpoint.azure ? 'Azure Functions' : 'Lambda'} endpoint ${endpoint.url} (${what})${f.errorRate || f.throttleRate || f.crashAfter != null ? ` faults ${JSON.stringify(f)}` : ''}`);
}

async function startJob(p: Prepared, live: LiveResources): Promise<RunningJob> {
  const tr = (p.jobConfig ?? scenarioToJobConfig)(p.scenario, {
    durationS: p.o.durationS,
    tracePath: p.tracePath,
    controlUrl: live.decisions.url,
    outputDir: p.jobOut,
    endpointUrl: live.endpoint ? live.endpoint.url : null,
    functionName: p.o.functionName,
    region: p.awsRegion ?? p.o.region ?? null,
    ...(p.o.profile ? { profile: p.o.profile } : {}),
    restPort: 0,
    workMode: p.workMode,
    maxDrainS: p.o.drainS,
    ...(p.platform === 'azure' ? { azure: { functionUrl: azureUrl(p, live), keyEnv: AZURE_KEY_ENV } } : {}),
    ...(p.o.operatorLang === 'python' ? { operatorLang: 'python' as const, pythonExecutable: pyflinkPython() } : {}),
  });
  let client: FlinkRestClient;
  let jobId: string;
  let ending: Promise<unknown>;
  if (p.remote) {
    p.log(`validate: submitting to ${p.flink} (cluster jar)`);
    const h = await submitRemoteJob(p.flink, tr.config);
    live.remoteJob = { client: h.client, jobId: h.jobId };
    ({ client, jobId } = h);
    if (p.scenario.network.task_managers === undefined) await adoptTaskManagerCount(client, [p.simScenarioPath, p.publishedScenarioPath], p.notes);
    ending = waitForJobEnd(client, jobId);
  } else {
    p.log('validate: starting the job in a local MiniCluster (builds flink-validate if its jar is missing)');
    // The local endpoint's key reaches the JVM through its environment only (job.json holds the variable's name).
    const env = live.endpoint?.azure ? { [AZURE_KEY_ENV]: live.endpoint.azure.functionKey } : undefined;
    const local = await startLocalJob(tr.config, { jvmArgs: p.o.jvmArgs ?? ['-Xmx1g'], cpus: p.pin?.flink, env, onLine: (line, stream) => live.jobLog.write(`[${stream}] ${line}\n`) });
    live.local = local;
    ({ client, jobId } = local);
    ending = local.wait();
  }
  let ended = false;
  ending = ending.finally(() => {
    ended = true;
  });
  ending.catch(() => undefined);
  p.log(`validate: job ${jobId} RUNNING (REST ${client.baseUrl}); policy ${p.factory.name}, controller every ${p.scenario.controller.interval_ms} ms`);
  return { client, jobId, runningAt: Date.now(), config: tr.config, durationS: tr.durationS, ending, ended: () => ended };
}

/**
 * A remote cluster's TaskManager count decides which of the job's channels are local: put it into the simulated
 * copies (the scenario did not set network.task_managers). Without it (REST refused) every channel stays remote.
 */
async function adoptTaskManagerCount(client: FlinkRestClient, files: (string | null)[], notes: string[]): Promise<void> {
  let n: number;
  try {
    n = await client.taskManagerCount();
  } catch (err) {
    notes.push(`network.task_managers: the cluster's TaskManagers could not be read (${(err as Error).message}); the simulator takes every channel as remote`);
    return;
  }
  if (n < 1) return;
  for (const f of files) {
    if (!f) continue;
    const s = JSON.parse(readFileSync(f, 'utf8')) as { network?: Record<string, unknown> };
    s.network = { ...(s.network ?? {}), task_managers: n };
    writeFileSync(f, JSON.stringify(s, null, 2) + '\n');
  }
  notes.push(`network.task_managers = ${n}: the cluster's TaskManagers (GET /taskmanagers), for the simulated copy's local channels`);
}

/** Every controller interval: read REST (and the endpoint), let the policy decide, publish; until the job ends. */
async function controlLoop(p: Prepared, live: LiveResources, job: RunningJob): Promise<LiveController> {
  const controller = new LiveController(p.policy, {
    vertices: p.vertices,
    offloadPoint: p.point,
    originEpochMs: job.runningAt + (job.config.start_delay_ms ?? 1000),
    asyncCapacity: job.config.offload?.async_capacity ?? 64,
    cost: p.cost,
    offloadOperators: p.offloadOperators,
  });
  const ep = live.endpoint;
  const source = new RestMetricsSource({
    client: job.client,
    jobId: job.jobId,
    wanted: p.wanted ?? wantedMetrics(p.point !== null),
    endpoint: ep
      ? (): EndpointReading => {
          const s = endpointStatsOf(ep);
          return { concurrency: s.concurrency, maxConcurrency: s.maxConcurrency, environments: s.environments };
        }
      : undefined,
  });
  const interval = p.scenario.controller.interval_ms;
  // Safety net: the job ends by itself once the trace is replayed and drained (its control source stops at
  // max_drain_s after the trace); a job still running well after that is stuck and is stopped.
  const drainS = job.config.max_drain_s ?? 300;
  const deadline = job.runningAt + (job.config.start_delay_ms ?? 1000) + (job.durationS + drainS + 60) * 1000;
  let lastLog = 0;
  while (!job.ended()) {
    if (Date.now() > deadline) {
      await live.stopAll();
      throw new Error(`the job ${job.jobId} was still running after ${job.durationS} s trace + ${drainS} s max drain + 60 s; stopped it (see ${join(p.realDir, 'job.log')})`);
    }
    const started = Date.now();
    try {
      const reading = await source.read();
      if (job.ended()) break;
      const step = controller.step(reading);
      if (step.published) live.decisions.publish(step.published);
      if (started - lastLog >= 10_000) {
        lastLog = started;
        progressLine(p, controller, step.snapshot);
      }
    } catch (err) {
      if (err instanceof UserError) throw err; // a user policy's malformed decision
      live.jobLog.write(`[controller] poll failed: ${(err as Error).message}\n`);
    }
    const wait = interval - (Date.now() - started);
    if (wait > 0) await Promise.race([sleep(wait), job.ending.catch(() => undefined)]);
  }
  for (const n of controller.notes) p.notes.push(n);
  p.ignoredParallelism = controller.ignoredParallelism;
  const line = ignoredParallelismLine(p.ignoredParallelism);
  p.log(line);
  if (p.ignoredParallelism.requests > 0) p.notes.push(line.replace(/^validate: /, ''));
  return controller;
}

function progressLine(p: Prepared, controller: LiveController, snapshot: ReturnType<LiveController['step']>['snapshot']): void {
  const src = snapshot.vertices.find((v) => v.id === p.vertices[0].id);
  const off = snapshot.offload[0];
  p.log(
    `validate: t=${(snapshot.tMs / 1000).toFixed(0)} s pending=${src?.metrics.pendingRecords?.sum ?? '?'} share=${controller.decision.share.toFixed(3)}${off ? ` offloaded=${off.offloadedRecords} cold=${off.coldStarts}` : ''}`,
  );
}

/** The function URL the job calls with --platform azure: the local endpoint's app, or the real one. */
function azureUrl(p: Prepared, live: LiveResources): string {
  if (live.endpoint?.azure) return live.endpoint.azure.functionUrl;
  return realAzureFunction(p.o.functionUrl).functionUrl;
}
