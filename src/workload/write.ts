/** Writing traces as CSV with `#` provenance comments, atomically (readers never see half a file). */
import type { Trace } from './types.js';
import { writeFileAtomic } from '../util/output.js';

/** A number as short as it can be while still reading back to within 1e-9 relative (times) or 1e-3 (rates). */
function fmt(x: number, decimals: number): string {
  const s = x.toFixed(decimals);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** The CSV text of a trace: provenance lines as `# ` comments, the header, one row per step or record. */
export function formatTrace(trace: Trace, provenanceComment: string): string {
  const out: string[] = [];
  for (const line of provenanceComment.split('\n')) out.push(line.length ? `# ${line}` : '#');
  if (trace.kind === 'rate') {
    out.push('t_s,rate');
    for (let i = 0; i < trace.tS.length; i++) out.push(`${fmt(trace.tS[i], 6)},${fmt(trace.rate[i], 3)}`);
  } else {
    const cols = ['t_ms'];
    if (trace.keys) cols.push('key');
    if (trace.bytes) cols.push('bytes');
    out.push(cols.join(','));
    const { tMs, keys, keyNames, bytes } = trace;
    for (let i = 0; i < tMs.length; i++) {
      let row = fmt(tMs[i], 3);
      if (keys) row += `,${keyNames ? csvField(keyNames[keys[i]]) : keys[i]}`;
      if (bytes) row += `,${fmt(bytes[i], 0)}`;
      out.push(row);
    }
  }
  return `${out.join('\n')}\n`;
}

function csvField(s: string): string {
  return /[",\n#]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Write a trace file (atomic). */
export function writeTrace(trace: Trace, path: string, provenanceComment: string): void {
  writeFileAtomic(path, formatTrace(trace, provenanceComment));
}
