/**
 * Turning a Numenta Anomaly Benchmark series (`timestamp,value`, irregular 5- or 30-minute steps) into a rate trace.
 *
 * The conversion, exactly (docs/WORKLOADS.md):
 *   Δ      = median spacing of the selected rows' timestamps (the series' nominal step, e.g. 300 s)
 *   t_s[i] = (ts[i] − ts[0]) / Δ × step_s, rounded to the millisecond (irregular spacing and gaps are kept in proportion)
 *   d[i]   = t_s[i+1] − t_s[i], and step_s for the last row (where the trace ends)
 *   rate[i] = value[i] × mean / (Σ value[i]·d[i] / Σ d[i])
 * so the trace's time-weighted mean rate is exactly `mean` and its shape is the series' shape.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { RateTrace } from './types.js';
import { UserError, where } from '../util/errors.js';
import { scanRecords } from './parse.js';

export interface NabOptions {
  /** Target mean rate, records/s. */
  mean: number;
  /** Seconds of trace per nominal source step. */
  stepS: number;
  /** First data row used, 0-based. */
  startRow?: number;
  /** Rows used (0 or undefined: to the end). */
  rows?: number;
}

/** The copyright and permission notice that must travel with NAB-derived data (numenta/NAB LICENSE.txt). */
export const NAB_NOTICE = `Copyright 2014-2024 Numenta Inc.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;

/** `YYYY-MM-DD HH:MM:SS` (or with a `T`) as UTC milliseconds, NaN if it is not that. */
export function parseNabTimestamp(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

export interface NabSeries {
  file: string;
  tsMs: Float64Array;
  value: Float64Array;
}

/** Read a NAB CSV, checking each row (messages `file:line: what`). */
export function readNabSeries(file: string): NabSeries {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(where(file, undefined, `cannot read NAB series: ${(err as NodeJS.ErrnoException).code ?? String(err)}`));
  }
  const ts: number[] = [];
  const vs: number[] = [];
  let header = false;
  let prevLine = 0;
  scanRecords(text, file, (rec, line) => {
    if (!header) {
      if (rec.join(',').toLowerCase() !== 'timestamp,value') {
        throw new UserError(where(file, line, `expected the NAB header \`timestamp,value\`, found "${rec.join(',')}"`));
      }
      header = true;
      return;
    }
    if (rec.length !== 2) throw new UserError(where(file, line, `expected 2 columns (timestamp,value), found ${rec.length}`));
    const t = parseNabTimestamp(rec[0]);
    if (Number.isNaN(t)) throw new UserError(where(file, line, `timestamp is not YYYY-MM-DD HH:MM:SS: "${rec[0]}"`));
    const v = rec[1] === '' ? NaN : Number(rec[1]);
    if (!Number.isFinite(v)) throw new UserError(where(file, line, `value is not a finite number: "${rec[1]}"`));
    if (v < 0) throw new UserError(where(file, line, `value is negative: ${rec[1]}`));
    if (ts.length > 0 && t <= ts[ts.length - 1]) {
      throw new UserError(where(file, line, `timestamps must increase: ${rec[0]} is not after line ${prevLine}`));
    }
    ts.push(t);
    vs.push(v);
    prevLine = line;
  });
  if (!header) throw new UserError(where(file, undefined, 'empty file: expected the NAB header `timestamp,value`'));
  if (ts.length === 0) throw new UserError(where(file, undefined, 'no data rows'));
  return { file, tsMs: Float64Array.from(ts), value: Float64Array.from(vs) };
}

/** Convert a NAB series to a rate trace (see the module comment for the exact mapping). */
export function nabToRateTrace(series: NabSeries, opts: NabOptions): RateTrace {
  const { mean, stepS } = opts;
  const start = opts.startRow ?? 0;
  const avail = series.tsMs.length - start;
  const count = opts.rows ? opts.rows : avail;
  const what = `from-nab ${basename(series.file)}`;
  if (!(mean > 0 && Number.isFinite(mean))) throw new UserError(`${what}: mean must be > 0, got ${mean}`);
  if (!(stepS > 0 && Number.isFinite(stepS))) throw new UserError(`${what}: step_s must be > 0, got ${stepS}`);
  if (!Number.isInteger(start) || start < 0 || !Number.isInteger(count) || count < 2 || count > avail) {
    throw new UserError(`${what}: start_row=${start} rows=${count} do not select ≥ 2 of its ${series.tsMs.length} rows`);
  }
  const ts = series.tsMs.subarray(start, start + count);
  const vs = series.value.subarray(start, start + count);
  const gaps = new Float64Array(count - 1);
  for (let i = 1; i < count; i++) gaps[i - 1] = ts[i] - ts[i - 1];
  gaps.sort();
  const m = gaps.length;
  const nominal = m % 2 === 1 ? gaps[(m - 1) >> 1] : (gaps[m / 2 - 1] + gaps[m / 2]) / 2;
  const tS = new Float64Array(count);
  for (let i = 0; i < count; i++) tS[i] = Math.round(((ts[i] - ts[0]) / nominal) * stepS * 1000) / 1000;
  for (let i = 1; i < count; i++) {
    if (!(tS[i] > tS[i - 1])) throw new UserError(`${what}: rows ${start + i - 1} and ${start + i} fall on the same millisecond; use a larger step_s`);
  }
  const endS = tS[count - 1] + stepS;
  let weighted = 0;
  for (let i = 0; i < count; i++) weighted += vs[i] * ((i + 1 < count ? tS[i + 1] : endS) - tS[i]);
  if (!(weighted > 0)) throw new UserError(`${what}: the selected rows are all zero; nothing to scale`);
  const scale = mean / (weighted / endS);
  const rate = new Float64Array(count);
  for (let i = 0; i < count; i++) rate[i] = vs[i] * scale;
  const source = `generated:from-nab file=${basename(series.file)} mean=${mean} step_s=${stepS} start_row=${start} rows=${count} nominal_step_s=${nominal / 1000}`;
  return { kind: 'rate', source, tS, rate, endS };
}

export function fromNab(file: string, opts: NabOptions): RateTrace {
  return nabToRateTrace(readNabSeries(file), opts);
}
