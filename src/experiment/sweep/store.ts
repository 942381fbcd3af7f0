/**
 * The sweep directory's state: `runs.jsonl` (one line per finished run, appended and flushed as each run
 * finishes), `sweep-manifest.json` (content hashes of the inputs the recorded runs were made from) and a lock
 * file so two sweeps never write into the same directory at once.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, truncateSync, writeSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/output.js';
import { inputHashes } from './inputs.js';
import { extractMetrics } from './metrics.js';
import type { ConfigSpec, RunOutput, RunRecord, RunSpec, SweepSpec } from './types.js';

export const RUNS_FILE = 'runs.jsonl';
export const MANIFEST_FILE = 'sweep-manifest.json';
export const LOCK_FILE = '.sweep.lock';
export const MANIFEST_FORMAT = 1;

export interface Manifest {
  format: number;
  sweep: string;
  /** Content hash of each input file (relative to the sweep file's directory) that recorded runs used. */
  inputs: Record<string, string>;
}

/** Build the runs.jsonl record of a finished run; JSON-normalised (NaN → null) so memory equals what a reread gives. */
export function makeRecord(run: RunSpec, config: ConfigSpec, output: RunOutput): RunRecord {
  const record: RunRecord = {
    id: run.id,
    config_id: run.configId,
    policy: config.policy,
    params: config.params,
    trace: config.trace,
    seed: run.options.seed,
    metrics: extractMetrics(output.summary),
    summary: output.summary,
    wall_ms: Math.round(output.wallMs ?? 0),
  };
  if (output.latencyCdf) record.latency_cdf = output.latencyCdf;
  return JSON.parse(JSON.stringify(record)) as RunRecord;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Read runs.jsonl; a torn last line (the process died mid-write) is cut off, anything else malformed is an error. */
export function readRuns(outDir: string): Map<string, RunRecord> {
  const file = join(outDir, RUNS_FILE);
  const records = new Map<string, RunRecord>();
  if (!existsSync(file)) return records;
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const isLast = i === lines.length - 1;
    if (line.trim() === '') {
      offset += line.length + 1;
      continue;
    }
    let rec: RunRecord | undefined;
    try {
      rec = JSON.parse(line) as RunRecord;
    } catch {
      rec = undefined;
    }
    const valid = rec !== undefined && typeof rec === 'object' && rec !== null && typeof rec.id === 'string' && typeof rec.summary === 'object' && typeof rec.seed === 'number';
    if (!valid) {
      if (isLast) {
        // Unterminated last line: the run it belonged to will simply run again.
        truncateSync(file, Buffer.byteLength(text.slice(0, offset)));
        break;
      }
      throw new UserError(`${file}:${i + 1}: not a valid run record; delete the line (its run will be redone) or the directory`);
    }
    if (!records.has(rec!.id)) records.set(rec!.id, rec!);
    offset += line.length + 1;
  }
  return records;
}

export class SweepStore {
  readonly runsFile: string;
  private fd: number | null = null;
  private locked = false;
  private syncScheduled = false;

  private constructor(
    readonly outDir: string,
    /** Runs already recorded, by id. */
    readonly records: Map<string, RunRecord>,
  ) {
    this.runsFile = join(outDir, RUNS_FILE);
  }

  /**
   * Open (creating if needed) a sweep directory for `spec`: take the lock, check the recorded runs were made
   * from the same input files, read them, and open runs.jsonl for appending.
   */
  static open(outDir: string, spec: SweepSpec): SweepStore {
    mkdirSync(outDir, { recursive: true });
    const lock = join(outDir, LOCK_FILE);
    SweepStore.takeLock(lock);
    try {
      const manifestPath = join(outDir, MANIFEST_FILE);
      const runsPath = join(outDir, RUNS_FILE);
      const current = inputHashes(spec);
      let inputs = current;
      if (existsSync(manifestPath)) {
        let old: Manifest;
        try {
          old = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
        } catch (err) {
          throw new UserError(`${manifestPath}: not valid JSON: ${(err as Error).message}`);
        }
        if (old.format !== MANIFEST_FORMAT || typeof old.inputs !== 'object' || old.inputs === null) {
          throw new UserError(`${manifestPath}: written by another version of spillway sweep (format ${String(old.format)}); use a new --out directory`);
        }
        const hasRuns = existsSync(runsPath) && readFileSync(runsPath, 'utf8').trim() !== '';
        if (hasRuns) {
          for (const [path, hash] of Object.entries(current)) {
            const before = old.inputs[path];
            if (before !== undefined && before !== hash) {
              throw new UserError(
                `${manifestPath}: ${path} changed since the runs in ${runsPath} were recorded (content hash differs); ` +
                  'results would mix old and new inputs: use a new --out directory or delete this one',
              );
            }
          }
          inputs = { ...old.inputs, ...current };
        }
      } else if (existsSync(runsPath) && readFileSync(runsPath, 'utf8').trim() !== '') {
        throw new UserError(`${outDir}: has ${RUNS_FILE} but no ${MANIFEST_FILE}; cannot tell what made those runs: use a new --out directory`);
      }
      const sorted: Record<string, string> = {};
      for (const k of Object.keys(inputs).sort()) sorted[k] = inputs[k];
      const manifest: Manifest = { format: MANIFEST_FORMAT, sweep: spec.name, inputs: sorted };
      writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
      const store = new SweepStore(outDir, readRuns(outDir));
      store.locked = true;
      store.fd = openSync(runsPath, 'a');
      return store;
    } catch (err) {
      rmSync(lock, { force: true });
      throw err;
    }
  }

  private static takeLock(lock: string): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(lock, 'wx');
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
        if (Number.isInteger(pid) && pid !== process.pid && isProcessAlive(pid)) {
          throw new UserError(`${lock}: another sweep (pid ${pid}) is writing to this directory`);
        }
        rmSync(lock, { force: true }); // stale: its process is gone
      }
    }
    throw new UserError(`${lock}: cannot take the sweep lock`);
  }

  /**
   * Record a finished run: one line, written (in the kernel, so it survives this process dying) before returning,
   * and flushed to disk at the end of the current turn of the event loop: outcomes that arrive together (a wave of
   * Lambda responses) share one fsync instead of paying one each.
   */
  append(record: RunRecord): void {
    if (this.fd === null) throw new Error('SweepStore: append after close');
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    this.records.set(record.id, record);
    if (!this.syncScheduled) {
      this.syncScheduled = true;
      setImmediate(() => this.sync());
    }
  }

  private sync(): void {
    this.syncScheduled = false;
    if (this.fd !== null) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
    }
    if (this.locked) {
      rmSync(join(this.outDir, LOCK_FILE), { force: true });
      this.locked = false;
    }
  }
}
