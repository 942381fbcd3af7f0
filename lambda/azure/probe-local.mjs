// Probe of the local endpoint's Azure app (models/local-endpoint-azure-wait.json): 20 cold requests (keepWarmS 0, 1.1 s apart,
// past the one-per-second scale-out) and 40 warm ones, 100 records each; prints p10/p50/p90/min/max.
// Run from the repository root after npm run build: node lambda/azure/probe-local.mjs
import { startInvokeServer } from '../../dist/src/endpoint/index.js';
const s = await startInvokeServer({ functionName: null, azure: { functionKey: 'k', keepWarmS: 0 } });
const u = s.azure.functionUrl;
const body = JSON.stringify({ op: 'tokenize', records: Array.from({ length: 100 }, (_, i) => ({ seq: i, t: i, text: 'a b c d e f g h' })) });
const cold = [], startMs = [], warm = [], rtt = [];
for (let i = 0; i < 20; i++) {
  const t0 = performance.now();
  const r = await fetch(u, { method: 'POST', headers: { 'x-functions-key': 'k' }, body });
  const j = await r.json();
  startMs.push(performance.now() - t0);
  cold.push(j.init_ms);
  await new Promise((r) => setTimeout(r, 1100));
}
await s.stop();
const s2 = await startInvokeServer({ functionName: null, azure: { functionKey: 'k' } });
for (let i = 0; i < 41; i++) {
  const t0 = performance.now();
  const r = await fetch(s2.azure.functionUrl, { method: 'POST', headers: { 'x-functions-key': 'k' }, body });
  const j = await r.json();
  if (i > 0) { warm.push(j.duration_ms); rtt.push(performance.now() - t0 - j.duration_ms); }
}
await s2.stop();
const q = (a, p) => { const b = [...a].sort((x, y) => x - y); return b[Math.min(b.length - 1, Math.floor(p * b.length))].toFixed(2); };
for (const [n, a] of [['init_ms', cold], ['cold client ms', startMs], ['warm duration', warm], ['warm rtt-dur', rtt]]) console.log(n, 'p10', q(a, .1), 'p50', q(a, .5), 'p90', q(a, .9), 'min', q(a, 0), 'max', q(a, 1));
