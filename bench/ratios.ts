/**
 * Same-work ratios: Spillway's tandem benches against the C++ and SimPy references run in the same bench run
 * with the same record count, arrival rate and K. Ratios are of records (or events) per CPU second, medians over
 * the repetitions; the reference's min-max is printed beside it.
 */
import { median } from './common.js';
import { cppReference, simpyReference, type Reference, type ReferenceRun } from './references.js';

/** What the ratios read of a Spillway bench result. */
interface Measured {
  name: string;
  figures: Record<string, number>;
}

interface RefFigures {
  name: string;
  k: number;
  recordsPerCpuS: number[];
  eventsPerCpuS: number[];
  meanLatency: number;
}

export interface RatioReport {
  notes: string[];
  references: RefFigures[];
  ratios: { what: string; ratio: number; target?: string }[];
  markdown: string[];
}

/** The load of the references (records per service time: the benches use 0.8 ms services at 1,000/s). */
const LAMBDA = 0.8;
const OPEN_K = 1_000_000_000;

function measure(name: string, ref: Reference, reps: number, records: number, k: number, notes: string[]): RefFigures | null {
  if ('note' in ref) {
    if (!notes.includes(ref.note)) notes.push(ref.note);
    return null;
  }
  const runs: ReferenceRun[] = [];
  for (let i = 0; i < reps; i++) {
    const r = ref.run(records, LAMBDA, k);
    runs.push(r);
    console.log(`${name} K=${k} #${i + 1}: CPU ${r.cpuS.toFixed(3)} s, records ${r.records}${r.events ? `, events ${r.events}` : ''}, mean latency ${r.meanLatency} service times`);
  }
  return {
    name,
    k,
    recordsPerCpuS: runs.map((r) => r.records / r.cpuS),
    eventsPerCpuS: runs.filter((r) => r.events).map((r) => r.events! / r.cpuS),
    meanLatency: median(runs.map((r) => r.meanLatency)),
  };
}

const range = (xs: number[]) => `${fmtK(Math.min(...xs))}–${fmtK(Math.max(...xs))}`;
const fmtK = (x: number) => `${Math.round(x / 1000).toLocaleString('en-US')} k`;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Run the references and compute the ratios against the Spillway results present (skipping what is absent). */
export function referenceRatios(results: Measured[], reps: number, records: number, k: number): RatioReport {
  const notes: string[] = [];
  const cpp = cppReference();
  const simpy = simpyReference();
  const refs = {
    cpp: measure('C++', cpp, reps, records, k, notes),
    simpy: measure('SimPy', simpy, reps, records, k, notes),
    cppOpen: measure('C++', cpp, reps, records, OPEN_K, notes),
    simpyOpen: measure('SimPy', simpy, reps, records, OPEN_K, notes),
  };
  const get = (name: string, fig: string) => results.find((r) => r.name === name)?.figures[fig];
  const ratios: RatioReport['ratios'] = [];
  const add = (what: string, ours: number | undefined, ref: number[] | undefined, target?: string) => {
    if (ours !== undefined && ref && ref.length) ratios.push({ what, ratio: round3(ours / median(ref)), target });
  };
  add(`engine-tandem events/CPU-s ÷ C++ (K = ${k})`, get('engine-tandem', 'eventsPerCpuSecond'), refs.cpp?.eventsPerCpuS, '≥ 0.8');
  add(`tandem records/CPU-s ÷ C++ (K = ${k})`, get('tandem', 'sourceRecordsPerCpuSecond'), refs.cpp?.recordsPerCpuS, '≥ 0.2');
  add(`tandem records/CPU-s ÷ SimPy (K = ${k})`, get('tandem', 'sourceRecordsPerCpuSecond'), refs.simpy?.recordsPerCpuS, '≥ 20');
  add('tandem-open records/CPU-s ÷ C++ (K = 1e9)', get('tandem-open', 'sourceRecordsPerCpuSecond'), refs.cppOpen?.recordsPerCpuS);
  add('tandem-open records/CPU-s ÷ SimPy (K = 1e9)', get('tandem-open', 'sourceRecordsPerCpuSecond'), refs.simpyOpen?.recordsPerCpuS);
  for (const r of ratios) console.log(`ratio: ${r.what} = ${r.ratio}${r.target ? ` (target ${r.target})` : ''}`);
  for (const n of notes) console.log(`references: ${n}`);
  const present = Object.values(refs).filter((r): r is RefFigures => r !== null);
  const markdown = [
    `Same-work references (../shared/reference/bench, ${records.toLocaleString('en-US')} records, λ = ${LAMBDA}, CPU of the child process):`,
    '',
    '| reference | K | records/CPU-s (median, min–max) | events/CPU-s (median) | mean latency (service times) |',
    '|---|---:|---|---:|---:|',
    ...present.map((r) => `| ${r.name} | ${r.k === OPEN_K ? '1e9' : r.k} | ${fmtK(median(r.recordsPerCpuS))} (${range(r.recordsPerCpuS)}) | ${r.eventsPerCpuS.length ? fmtK(median(r.eventsPerCpuS)) : '–'} | ${r.meanLatency} |`),
    '',
    '| ratio | value | target |',
    '|---|---:|---|',
    ...ratios.map((r) => `| ${r.what} | ${r.ratio} | ${r.target ?? ''} |`),
    '',
    ...notes.map((n) => `References: ${n}.`),
    '',
  ];
  return { notes, references: present, ratios, markdown };
}
