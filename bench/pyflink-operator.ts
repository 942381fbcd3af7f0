/**
 * The tokenizer in Java vs in Python (PyFlink UDTF), on the real job (docs/PYFLINK.md): per run, the emitted rate,
 * the per-line service time the operator measured itself, and the REST busy / backpressured time of the tokenizer
 * task and of the router before it; min/median/max over the repeats.
 *
 *   npm run -s build && node dist/bench/pyflink-operator.js --lang python --reps 3 --rate 20000 --duration 8 --mode cpu --work-us 0
 *
 * Needs the -Ppython jar and the PyFlink venv for --lang python (npm run setup:pyflink). One job at a time.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { ensureFlinkJar, startLocalJob, type FlinkJobConfig, type OperatorLang } from '../src/live/flink-job.js';
import type { FlinkRestClient } from '../src/live/flink-rest.js';
import { cpuPinning, pyflinkPython } from '../src/live/validate/options.js';

interface RunFigures { emittedRps: number; serviceP50Us: number; serviceMeanUs: number; tokBusy: number; tokBackpressured: number; routerBackpressured: number }

const { values: a } = parseArgs({
  options: {
    lang: { type: 'string', default: 'python' }, reps: { type: 'string', default: '3' }, rate: { type: 'string', default: '20000' },
    duration: { type: 'string', default: '8' }, mode: { type: 'string', default: 'cpu' }, 'work-us': { type: 'string', default: '0' },
  },
});
const lang = a.lang as OperatorLang;

function config(out: string): FlinkJobConfig {
  const wait = a.mode === 'wait';
  return {
    duration_s: Number(a.duration), trace: [[0, Number(a.rate)]], output_dir: out, offload: { enabled: false }, linger_ms: 0,
    start_delay_ms: lang === 'python' ? 8000 : 1000, seed: 7,
    tokenizer: {
      work_us_per_record: Number(a['work-us']), mode: wait ? 'wait' : 'cpu',
      ...(wait ? { service_ms: { type: 'deterministic', value: Number(a['work-us']) / 1000 } } : {}),
      ...(lang === 'python' ? { lang, python_executable: pyflinkPython() } : {}),
    },
  };
}

/** Polls the tokenizer and router tasks once a second while the trace runs; medians of the readings. */
async function pollTasks(client: FlinkRestClient, jobId: string, fromMs: number, untilMs: number): Promise<number[]> {
  const job = await client.job(jobId);
  const find = (op: string) => job.vertices.find((v) => v.name.split(' -> ').includes(op))!;
  const tok = find('tokenizer');
  const router = find('router');
  const rows: number[][] = [];
  while (Date.now() < untilMs) {
    await new Promise((r) => setTimeout(r, 1000));
    if (Date.now() < fromMs) continue;
    const t = await client.vertexMetrics(jobId, tok.id, ['busyTimeMsPerSecond', 'backPressuredTimeMsPerSecond']).catch(() => null);
    const r = await client.vertexMetrics(jobId, router.id, ['backPressuredTimeMsPerSecond']).catch(() => null);
    const v = (m: typeof t, k: string) => m?.get(k)?.avg ?? NaN;
    if (t && r) rows.push([v(t, 'busyTimeMsPerSecond'), v(t, 'backPressuredTimeMsPerSecond'), v(r, 'backPressuredTimeMsPerSecond')]);
  }
  return [0, 1, 2].map((i) => median(rows.map((x) => x[i]).filter(Number.isFinite)));
}

async function runOnce(): Promise<RunFigures> {
  const out = mkdtempSync(join(tmpdir(), 'pyflink-bench-'));
  const cfg = config(out);
  const pin = cpuPinning();
  const h = await startLocalJob(cfg, { cpus: pin?.flink, jvmArgs: ['-Xmx1g'] });
  const t0 = Date.now() + (cfg.start_delay_ms ?? 1000);
  const [tokBusy, tokBackpressured, routerBackpressured] = await pollTasks(h.client, h.jobId, t0 + 2000, t0 + (cfg.duration_s - 1) * 1000);
  const r = await h.wait();
  if (r.exitCode !== 0 || r.summary?.lost !== 0) throw new Error(`run failed: exit ${r.exitCode}, ${JSON.stringify(r.result)}`);
  // the rate is above the tokenizer's capacity from t = 0: emitted / (first to last result) is the operator's rate
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { records_emitted: number; first_emit_epoch_ms: number; last_emit_epoch_ms: number };
  const emittedRps = (s.records_emitted * 1000) / Math.max(1, s.last_emit_epoch_ms - s.first_emit_epoch_ms);
  const us = readFileSync(join(out, 'service_times.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
  rmSync(out, { recursive: true, force: true });
  return { emittedRps, serviceP50Us: median(us), serviceMeanUs: us.reduce((s, x) => s + x, 0) / us.length, tokBusy, tokBackpressured, routerBackpressured };
}

async function main(): Promise<void> {
  await ensureFlinkJar({ python: lang === 'python' });
  const runs: RunFigures[] = [];
  for (let i = 0; i < Number(a.reps); i++) {
    const f = await runOnce();
    runs.push(f);
    process.stdout.write(`run ${i + 1}: ${JSON.stringify(f)}\n`);
  }
  process.stdout.write(`${lang} ${a.mode} work ${a['work-us']} us, ${a.rate}/s x ${a.duration} s, ${runs.length} runs: min / median / max\n`);
  for (const k of Object.keys(runs[0]) as (keyof RunFigures)[]) {
    const v = runs.map((r) => r[k]).sort((x, y) => x - y);
    process.stdout.write(`  ${k.padEnd(20)} ${v[0].toFixed(1)} / ${median(v).toFixed(1)} / ${v[v.length - 1].toFixed(1)}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`pyflink-operator: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
