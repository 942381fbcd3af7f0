/**
 * The live resources of one real run (the local endpoint, the decision server, the job, job.log) and their one way
 * down: after the run, on an error, or on Ctrl-C / SIGTERM.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { FlinkJobConfig, LocalJobHandle } from '../../flink-job.js';
import { TERMINAL_JOB_STATES, type FlinkRestClient } from '../../flink-rest.js';
import type { InvokeServer } from '../../../endpoint/index.js';
import { startDecisionServer, type DecisionServer } from '../decision-server.js';
import type { Prepared } from './prepare.js';

export class LiveResources {
  endpoint: InvokeServer | null = null;
  crashed = false;
  local: LocalJobHandle | null = null;
  remoteJob: { client: FlinkRestClient; jobId: string } | null = null;
  private readonly onSignal: (sig: NodeJS.Signals) => void;

  private constructor(
    readonly decisions: DecisionServer,
    readonly jobLog: WriteStream,
    log: (line: string) => void,
  ) {
    this.onSignal = (sig) => {
      log(`validate: ${sig}: stopping the job and the local endpoint`);
      void this.stopAll().then(() => process.exit(130));
    };
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  static async open(p: Prepared): Promise<LiveResources> {
    const decisions = await startDecisionServer({ version: 0, share: 0, batchRecords: 100, maxWaitMs: 50, maxInFlight: 1 });
    return new LiveResources(decisions, createWriteStream(join(p.realDir, 'job.log')), p.log);
  }

  /** The endpoint and the decision server, once the job is done with them (the job's outputs are read). */
  async stopServers(): Promise<void> {
    if (this.endpoint) await this.endpoint.stop().catch(() => undefined);
    this.endpoint = null;
    await this.decisions.close().catch(() => undefined);
  }

  /** Everything still up: the job (a remote one is cancelled unless it ended), the endpoint, the servers. */
  async stopAll(): Promise<void> {
    if (this.local) await this.local.stop(5000).catch(() => undefined);
    this.local = null;
    if (this.remoteJob) {
      const rj = this.remoteJob;
      const state = await rj.client.job(rj.jobId).then((j) => j.state).catch(() => '');
      if (!TERMINAL_JOB_STATES.has(state)) await rj.client.cancelJob(rj.jobId).catch(() => undefined);
      this.remoteJob = null;
    }
    await this.stopServers();
  }

  async close(): Promise<void> {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    await this.stopAll();
    await new Promise<void>((r) => this.jobLog.end(() => r()));
  }
}

/** A running job: its REST client, id, when it was seen RUNNING, and a promise of its end. */
export interface RunningJob {
  client: FlinkRestClient;
  jobId: string;
  runningAt: number;
  config: FlinkJobConfig;
  durationS: number;
  ending: Promise<unknown>;
  ended: () => boolean;
}
