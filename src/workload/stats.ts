/**
 * Statistics of a trace: its length, records, mean and peak rate, and burst episodes.
 *
 * A rate trace is taken as it is (piecewise constant until endS). An event trace is first counted into bins of
 * `binS` seconds (default 1 s), whose rates stand for it in the median, peak and burst figures; its total and
 * mean come from the exact record count. A burst episode is a maximal period where the rate exceeds k × the
 * time-weighted median rate (k = 2 by default); adjacent steps above the threshold make one episode.
 */
import type { Trace } from './types.js';

export interface BurstEpisodes {
  /** The multiple of the median rate a burst must exceed. */
  k: number;
  /** k × median rate, records/s. */
  threshold: number;
  count: number;
  /** Length of each episode in order, s. */
  lengthsS: number[];
  /** 0 when there are none. */
  meanLengthS: number;
}

export interface TraceStats {
  kind: 'rate' | 'event';
  source: string;
  /** Rows of the trace: steps (rate trace) or records (event trace). */
  rows: number;
  durationS: number;
  totalRecords: number;
  meanRate: number;
  /** Time-weighted median rate: the smallest rate r with at least half the time at or below r. */
  medianRate: number;
  peakRate: number;
  peakToMean: number;
  /** Bin width used for an event trace, s. */
  binS?: number;
  bursts: BurstEpisodes;
}

export interface StatsOptions {
  /** Burst threshold as a multiple of the median rate (default 2). */
  k?: number;
  /** Bin width for event traces, s (default 1). */
  binS?: number;
}

/** Rates and lengths of the pieces of a piecewise-constant series. */
interface Pieces {
  rate: Float64Array;
  len: Float64Array;
}

function ratePieces(tS: Float64Array, rate: Float64Array, endS: number): Pieces {
  const n = tS.length;
  const len = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = Math.min(i + 1 < n ? tS[i + 1] : endS, endS);
    len[i] = Math.max(0, b - tS[i]);
  }
  return { rate, len };
}

function binnedPieces(tMs: Float64Array, endS: number, binS: number): Pieces {
  const nb = Math.max(1, Math.ceil(endS / binS - 1e-9));
  const counts = new Float64Array(nb);
  const binMs = binS * 1000;
  for (let i = 0; i < tMs.length; i++) {
    let b = Math.floor(tMs[i] / binMs);
    if (b >= nb) b = nb - 1; // a record exactly at the end belongs to the last bin
    counts[b]++;
  }
  const len = new Float64Array(nb).fill(binS);
  for (let i = 0; i < nb; i++) counts[i] /= binS;
  return { rate: counts, len };
}

function weightedMedian(p: Pieces): number {
  const n = p.rate.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p.rate[a] - p.rate[b]);
  let total = 0;
  for (let i = 0; i < n; i++) total += p.len[i];
  let acc = 0;
  for (const i of order) {
    if (p.len[i] <= 0) continue;
    acc += p.len[i];
    if (acc >= total / 2 - 1e-12 * total) return p.rate[i];
  }
  return 0;
}

function bursts(p: Pieces, k: number, threshold: number): BurstEpisodes {
  const lengthsS: number[] = [];
  let current = 0;
  for (let i = 0; i < p.rate.length; i++) {
    if (p.len[i] <= 0) continue;
    if (p.rate[i] > threshold) current += p.len[i];
    else if (current > 0) {
      lengthsS.push(current);
      current = 0;
    }
  }
  if (current > 0) lengthsS.push(current);
  const sum = lengthsS.reduce((a, b) => a + b, 0);
  return { k, threshold, count: lengthsS.length, lengthsS, meanLengthS: lengthsS.length ? sum / lengthsS.length : 0 };
}

/** Compute the statistics of a rate or event trace. */
export function traceStats(trace: Trace, opts: StatsOptions = {}): TraceStats {
  const k = opts.k ?? 2;
  const binS = opts.binS ?? 1;
  const pieces = trace.kind === 'rate' ? ratePieces(trace.tS, trace.rate, trace.endS) : binnedPieces(trace.tMs, trace.endS, binS);
  let totalRecords = 0;
  let peakRate = 0;
  let covered = 0;
  for (let i = 0; i < pieces.rate.length; i++) {
    if (pieces.len[i] <= 0) continue;
    totalRecords += pieces.rate[i] * pieces.len[i];
    covered += pieces.len[i];
    if (pieces.rate[i] > peakRate) peakRate = pieces.rate[i];
  }
  const durationS = trace.endS;
  if (trace.kind === 'event') totalRecords = trace.tMs.length;
  const meanRate = durationS > 0 ? totalRecords / durationS : covered > 0 ? totalRecords / covered : 0;
  const medianRate = weightedMedian(pieces);
  const stats: TraceStats = {
    kind: trace.kind,
    source: trace.source,
    rows: trace.kind === 'rate' ? trace.tS.length : trace.tMs.length,
    durationS,
    totalRecords,
    meanRate,
    medianRate,
    peakRate,
    peakToMean: meanRate > 0 ? peakRate / meanRate : 0,
    bursts: bursts(pieces, k, k * medianRate),
  };
  if (trace.kind === 'event') stats.binS = binS;
  return stats;
}

/** The statistics as a small two-column text table. */
export function formatStats(s: TraceStats): string {
  const f = (x: number, d = 1) => (Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: d }));
  const rows: [string, string][] = [
    ['trace', s.source],
    ['kind', s.kind === 'rate' ? `rate (${s.rows} steps)` : `event (${s.rows} records, ${s.binS} s bins)`],
    ['duration', `${f(s.durationS, 3)} s`],
    ['total records', f(Math.round(s.totalRecords))],
    ['mean rate', `${f(s.meanRate)} rec/s`],
    ['median rate', `${f(s.medianRate)} rec/s`],
    ['peak rate', `${f(s.peakRate)} rec/s`],
    ['peak / mean', f(s.peakToMean, 2)],
    [
      `bursts (> ${s.bursts.k}× median)`,
      s.bursts.count === 0
        ? 'none'
        : `${s.bursts.count}, mean ${f(s.bursts.meanLengthS)} s (${s.bursts.lengthsS.slice(0, 8).map((x) => f(x)).join(', ')}${s.bursts.count > 8 ? ', …' : ''} s)`,
    ],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `${a.padEnd(w)}  ${b}`).join('\n') + '\n';
}
