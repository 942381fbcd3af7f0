/**
 * Parsed workload traces: the contract between trace files (traces/*.csv), the generators and the simulator.
 *
 * Rate trace (`t_s,rate`): piecewise-constant records/s; row i's rate holds from t_s[i] until t_s[i+1]; the
 * last row's rate holds until `endS`. A file's end is the scenario's duration when given, otherwise one more
 * median step after the last row (so `0,100` / `60,5000` / `120,100` lasts 180 s).
 * Event trace (`t_ms[,key][,bytes]`): one row per record, intended arrival time in ms from the start.
 */
export interface RateTrace {
  kind: 'rate';
  /** Where it came from (file path or generator description), for messages and provenance. */
  source: string;
  tS: Float64Array;
  rate: Float64Array;
  endS: number;
}

export interface EventTrace {
  kind: 'event';
  source: string;
  tMs: Float64Array;
  /** Key id per record (index into keyNames), when the file has a key column. */
  keys?: Int32Array;
  keyNames?: string[];
  /** Record size per record in bytes, when the file has a bytes column. */
  bytes?: Float64Array;
  endS: number;
}

export type Trace = RateTrace | EventTrace;
