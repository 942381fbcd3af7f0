/**
 * The figures of docs/POLICIES.md "Why target-lag cycles": the default scenario around the spike's onset under
 * target-lag and under feed-forward, rendered with the report's decisions chart (src/report/specs/decisions.ts):
 * the share sent, the signal target-lag reads (pendingRecords), the records hidden in Flink's network buffers in
 * front of the tokenizer (read by the sources − processed by the tokenizer − offloaded, accumulated), and the
 * tokenizer's busy time. Writes docs/figures/limit-cycle-<policy>.svg and .png.
 *
 *   npm run -s build && node dist/bench/policy-figures.js
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, runScenario } from '../src/experiment/runner.js';
import type { DecisionPoint } from '../src/report/decisions.js';
import { renderSvg, svgToPng } from '../src/report/render.js';
import { decisionsSpec } from '../src/report/specs/decisions.js';
import { projectRoot } from './common.js';

const FROM_S = 236;
const TO_S = 290;

function points(policy: string): DecisionPoint[] {
  const r = runScenario(loadScenario(join(projectRoot(), 'examples/default.json')), { policy });
  const col = (name: string) => r.timeseries.columns.indexOf(name);
  const [t, read, tokIn, off, pending, busy, p99] = ['t_s', 'read_rps', 'tokenizer.numRecordsInPerSecond', 'offloaded_rps', 'pending_records', 'tokenizer.busyTimeMsPerSecond', 'latency_p99_ms'].map(col);
  const out: DecisionPoint[] = [];
  for (const d of r.decisions) if (d.tMs / 1000 >= FROM_S && d.tMs / 1000 <= TO_S) out.push({ t_s: d.tMs / 1000, key: 'share', value: d.share });
  let hidden = 0;
  for (const row of r.timeseries.rows) {
    hidden = Math.max(0, hidden + row[read] - row[tokIn] - row[off]);
    if (row[t] < FROM_S || row[t] > TO_S) continue;
    out.push({ t_s: row[t], key: 'pendingRecords', value: row[pending] });
    out.push({ t_s: row[t], key: 'in buffers', value: hidden });
    out.push({ t_s: row[t], key: 'busy ms/s', value: row[busy] });
    out.push({ t_s: row[t], key: 'p99 ms', value: row[p99] });
  }
  return out;
}

async function main(): Promise<void> {
  const dir = join(projectRoot(), 'docs', 'figures');
  mkdirSync(dir, { recursive: true });
  for (const policy of ['target-lag', 'feed-forward']) {
    const svg = await renderSvg(decisionsSpec(points(policy), `${policy}, examples/default.json, ${FROM_S}–${TO_S} s`));
    writeFileSync(join(dir, `limit-cycle-${policy}.svg`), svg);
    writeFileSync(join(dir, `limit-cycle-${policy}.png`), svgToPng(svg, { scale: 1 }));
    process.stdout.write(`wrote docs/figures/limit-cycle-${policy}.svg and .png\n`);
  }
}

await main();
