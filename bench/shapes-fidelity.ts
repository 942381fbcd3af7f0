/**
 * Fidelity of the benchmark shapes (issue 16, item 6): each shape's real job (flink-validate, local MiniCluster) and
 * its simulated scenario on the same trace slice, repeated; prints real min/median/max and the simulated median's
 * error for latency p50 and p99, and checks zero loss and window exactness on every real run.
 *
 *   npm run -s build && node dist/bench/shapes-fidelity.js [--repeat 3] [--duration 30] [--rate-factor 0.1] [--only ysb]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario } from '../src/experiment/runner.js';
import { flinkJarPath } from '../src/live/flink-job.js';
import { scenarioToShapeConfig } from '../src/live/validate/shape-config.js';
import { DEFAULT_TOLERANCES, flooredError } from '../src/live/validate/tolerances.js';
import { checkScenario } from '../src/scenario/load.js';
import { projectRoot } from './common.js';

const SHAPES = ['nexmark-q1', 'nexmark-q5-window', 'ysb', 'ysb-source-offload'];
const SOURCE_SHARE = 0.5;

interface Args { repeat: number; duration: number; rateFactor: number; only: string[] }

function args(argv: string[]): Args {
  const a: Args = { repeat: 3, duration: 30, rateFactor: 0.1, only: SHAPES };
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (argv[i] === '--repeat') a.repeat = Number(v);
    else if (argv[i] === '--duration') a.duration = Number(v);
    else if (argv[i] === '--rate-factor') a.rateFactor = Number(v);
    else if (argv[i] === '--only') a.only = v.split(',');
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return a;
}

/** The scenario cut to the slice: duration, rate factor; offload only for the source-offload shape (static share). */
function sliced(name: string, a: Args, seed: number) {
  const file = join(projectRoot(), 'examples', `${name}.json`);
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  raw.duration_s = a.duration;
  raw.seed = seed;
  raw.workload.rate_scale = (raw.workload.rate_scale ?? 1) * a.rateFactor;
  if (name === 'ysb-source-offload') raw.policy = { name: 'static', params: { threshold: 0, share: SOURCE_SHARE } };
  else delete raw.offload;
  return checkScenario(raw, file, `${name}.json`);
}

function realRun(name: string, a: Args, endpoint: string | null): Record<string, unknown> {
  const out = mkdtempSync(join(tmpdir(), `shape-${name}-`));
  const cfg = scenarioToShapeConfig(sliced(name, a, 1), { outputDir: out, sourceShare: SOURCE_SHARE, endpointUrl: endpoint });
  writeFileSync(join(out, 'job.json'), JSON.stringify(cfg));
  const r = spawnSync('java', ['-jar', flinkJarPath(), '--config', join(out, 'job.json')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${name}: job exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  // the source-side point's counts, one file per parse_filter subtask
  const parts = readdirSync(out).filter((f) => f.startsWith('source_offload-'));
  summary.offloaded = parts.reduce((n, f) => n + JSON.parse(readFileSync(join(out, f), 'utf8')).offloaded, 0);
  return summary;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];
const spread = (xs: number[]) => `${Math.min(...xs)} / ${median(xs)} / ${Math.max(...xs)}`;

async function localEndpoint(): Promise<{ url: string; stop: () => void }> {
  const p = spawn(process.execPath, [join(projectRoot(), 'dist/src/cli/main.js'), 'lambda', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((res, rej) => {
    p.stdout.on('data', (d: Buffer) => {
      const m = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(d.toString());
      if (m) res(m[1]);
    });
    p.on('exit', (c) => rej(new Error(`lambda serve exited ${c}`)));
  });
  return { url, stop: () => p.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const ep = a.only.includes('ysb-source-offload') ? await localEndpoint() : null;
  try {
    for (const name of a.only) {
      const real = Array.from({ length: a.repeat }, () => realRun(name, a, ep?.url ?? null));
      const sim = Array.from({ length: a.repeat }, (_, i) => runScenario(sliced(name, a, i + 1)).summary);
      const ok = real.every((s) => s.ok === true && s.lost === 0 && s.duplicated === 0);
      const share = (n: number, of: number) => `${Math.round((1000 * n) / of) / 10} %`;
      console.log(`${name} | offloaded | real ${real.map((s) => share(s.offloaded as number, s.records_generated as number)).join(', ')} | sim ${sim.map((s) => share(s.offload.records, s.records.arrived)).join(', ')}`);
      for (const q of ['p50', 'p99'] as const) {
        const r = real.map((s) => (s.latency_ms as Record<string, number>)[q]);
        const m = sim.map((s) => Math.round(s.latency_ms[q] * 10) / 10);
        // the validation tolerances' error: (sim - real) / max(real, floor), medians of both sides
        const tol = DEFAULT_TOLERANCES.find((t) => t.key === `latency_${q}_ms`)!;
        const err = flooredError(tol, median(r), median(m))!;
        const verdict = Math.abs(err) <= tol.tolerance ? 'PASS' : 'FAIL';
        console.log(`${name} | latency ${q} ms | real ${spread(r)} | sim ${spread(m)} | error ${Math.round(err * 1000) / 10} % ${verdict} (±${tol.tolerance * 100} %) | zero loss + exact: ${ok}`);
      }
    }
  } finally {
    ep?.stop();
  }
}

await main();
