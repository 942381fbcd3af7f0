/**
 * Reading trace files (traces/*.csv) into the typed arrays of ./types.ts.
 *
 * Two formats, told apart by the header (the first line that is neither blank nor a `#` comment):
 *   rate trace   `t_s,rate`                      piecewise-constant records/s from t_s until the next row
 *   event trace  `t_ms[,key][,bytes]`            one row per record (key and bytes in either order)
 * Every problem is reported as one UserError `file:line: what is wrong`, the line being the file's own line number.
 *
 * Each data line goes straight into growable typed arrays (no array of rows is ever built). Lines are split here;
 * csv-parse handles any line with quotes (see scanRecords and docs/WORKLOADS.md for why and the measurements).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { EventTrace, RateTrace, Trace } from './types.js';
import { UserError, where } from '../util/errors.js';
import { MAX_SPAN_S, MAX_TRACE_RATE } from '../util/limits.js';

export interface LoadTraceOptions {
  /** The scenario's duration, s: the trace ends here (rows at or after it are dropped). */
  durationS?: number;
}

type Layout =
  | { kind: 'rate' }
  | { kind: 'event'; columns: number; keyCol: number; bytesCol: number };

const RATE_HEADER = 't_s,rate';
const HEADER_HELP = `expected a header \`${RATE_HEADER}\` (rate trace) or \`t_ms[,key][,bytes]\` (event trace)`;

/** Load a rate or event trace; see the module comment for the formats and ./types.ts for the end rule. */
export function loadTrace(path: string, opts: LoadTraceOptions = {}): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(where(path, undefined, `cannot read trace: ${(err as NodeJS.ErrnoException).code ?? String(err)}`));
  }
  return parseTrace(text, path, opts);
}

/** Parse trace text; `file` names it in messages. */
export function parseTrace(text: string, file: string, opts: LoadTraceOptions = {}): Trace {
  const durationS = opts.durationS;
  if (durationS !== undefined && !(Number.isFinite(durationS) && durationS > 0 && durationS <= MAX_SPAN_S)) {
    throw new UserError(where(file, undefined, `duration must be a positive number of seconds up to ${MAX_SPAN_S} (30 days), got ${durationS}`));
  }
  const b = new TraceBuilder(file, text.length);
  scanFields(text, file, (fields, line) => b.add(fields, line));
  return b.finish(durationS);
}

/**
 * The fields of one record, as positions in the text (a plain line) or as strings (a quoted line, which
 * csv-parse split). One instance is reused for every line, so reading numbers allocates nothing.
 */
export class Fields {
  count = 0;
  text = '';
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  /** Set for a quoted line: its fields as csv-parse returned them. */
  strings: string[] | null = null;

  push(start: number, end: number): void {
    while (start < end && isBlank(this.text.charCodeAt(start))) start++;
    while (end > start && isBlank(this.text.charCodeAt(end - 1))) end--;
    if (this.count === this.starts.length) {
      const s = new Int32Array(this.count * 2);
      const e = new Int32Array(this.count * 2);
      s.set(this.starts);
      e.set(this.ends);
      this.starts = s;
      this.ends = e;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  str(i: number): string {
    return this.strings ? this.strings[i] : this.text.slice(this.starts[i], this.ends[i]);
  }

  toArray(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.str(i));
    return out;
  }

  /**
   * Field i as a non-negative finite number, or a UserError naming `column`. Plain decimals (digits with an
   * optional fraction, under 2^53 and 22 fraction digits) are read from the characters: m / 10^k is then
   * correctly rounded, as Number() is. Anything else goes through Number() and its checks.
   */
  num(i: number, file: string, line: number, column: string): number {
    if (this.strings === null) {
      const text = this.text;
      const end = this.ends[i];
      let p = this.starts[i];
      let m = 0;
      let k = 0;
      let digits = 0;
      let dot = false;
      for (; p < end; p++) {
        const c = text.charCodeAt(p);
        if (c >= 48 && c <= 57) {
          m = m * 10 + (c - 48);
          digits++;
          if (dot) k++;
        } else if (c === 46 && !dot) dot = true;
        else break;
      }
      if (p === end && digits > 0 && m <= Number.MAX_SAFE_INTEGER && k <= 22) return k === 0 ? m : m / POW10[k];
    }
    return readNumber(this.str(i), file, line, column);
  }
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Feed every data record of `text` to `onRecord` with its 1-based line number, skipping blank lines and lines
 * whose first non-blank character is `#`. Plain lines (no `"`) are split on commas here, into one reused Fields;
 * a line with quotes goes to csv-parse, which knows CSV quoting. Measured on 3.6 M event rows (docs/WORKLOADS.md):
 * csv-parse for every line costs 4–6.5 µs a row; loading through this split, well under 1 µs a row.
 */
export function scanFields(text: string, file: string, onRecord: (fields: Fields, line: number) => void): void {
  const fields = new Fields();
  fields.text = text;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  const len = text.length;
  while (pos < len) {
    line++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = len;
    const next = end + 1;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--; // CRLF
    let first = pos;
    while (first < end && isBlank(text.charCodeAt(first))) first++;
    if (first === end || text.charCodeAt(first) === 35 /* # */) {
      pos = next;
      continue;
    }
    // One pass over the line: note the commas, and whether any quote asks for real CSV parsing.
    let quoted = false;
    fields.count = 0;
    fields.strings = null;
    let start = pos;
    for (let i = pos; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 44 /* , */) {
        fields.push(start, i);
        start = i + 1;
      } else if (c === 34 /* " */) {
        quoted = true;
        break;
      }
    }
    if (quoted) {
      let records: string[][];
      try {
        records = parse(text.slice(pos, end), { relax_column_count: true, trim: true }) as string[][];
      } catch (err) {
        throw new UserError(where(file, line, `not a readable CSV line: ${(err as Error).message}`));
      }
      fields.strings = records[0] ?? [];
      fields.count = fields.strings.length;
    } else {
      fields.push(start, end);
    }
    onRecord(fields, line);
    pos = next;
  }
}

/** scanFields with each record as an array of strings, for small files where convenience wins. */
export function scanRecords(text: string, file: string, onRecord: (record: string[], line: number) => void): void {
  scanFields(text, file, (f, line) => onRecord(f.toArray(), line));
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/** Strict number: rejects empty fields and anything Number() cannot read whole. */
function readNumber(s: string, file: string, line: number, column: string): number {
  // Number() also reads 0x…, 0o… and 0b…; a trace means decimal, so those are not numbers here.
  const radix = s.length > 2 && s.charCodeAt(0) === 48 ? s.charCodeAt(1) | 32 : 0;
  const v = s.length === 0 || radix === 120 || radix === 111 || radix === 98 ? NaN : Number(s);
  if (v !== v) throw new UserError(where(file, line, `${column} is not a number: "${s}"`));
  if (v === Infinity || v === -Infinity) throw new UserError(where(file, line, `${column} is not finite: "${s}"`));
  if (v < 0) throw new UserError(where(file, line, `${column} is negative: ${s}`));
  return v;
}

function parseHeader(record: string[], file: string, line: number): Layout {
  const names = record.map((f) => f.toLowerCase());
  const joined = names.join(',');
  if (joined === RATE_HEADER) return { kind: 'rate' };
  if (names[0] === 't_ms') {
    let keyCol = -1;
    let bytesCol = -1;
    for (let i = 1; i < names.length; i++) {
      if (names[i] === 'key' && keyCol < 0) keyCol = i;
      else if (names[i] === 'bytes' && bytesCol < 0) bytesCol = i;
      else throw new UserError(where(file, line, `unknown or repeated column "${record[i]}" in header; ${HEADER_HELP}`));
    }
    return { kind: 'event', columns: names.length, keyCol, bytesCol };
  }
  const looksNumeric = record.length > 0 && record[0] !== '' && !Number.isNaN(Number(record[0]));
  throw new UserError(
    where(file, line, looksNumeric ? `missing header; ${HEADER_HELP}` : `unknown header "${record.join(',')}"; ${HEADER_HELP}`),
  );
}

/** Collects rows into typed arrays that double when full. */
class TraceBuilder {
  private layout: Layout | undefined;
  private headerLine = 0;
  private n = 0;
  private t: Float64Array;
  private v: Float64Array | undefined; // rate (rate trace) or bytes (event trace)
  private k: Int32Array | undefined;
  private readonly keyIds = new Map<string, number>();
  private readonly keyNames: string[] = [];
  private lastLine = 0;

  constructor(
    private readonly file: string,
    textLength: number,
  ) {
    // A guess from the file size (an event row is rarely under 8 characters) saves most of the regrowth.
    this.t = new Float64Array(Math.max(64, Math.min(1 << 24, Math.ceil(textLength / 8))));
  }

  add(rec: Fields, line: number): void {
    const layout = this.layout;
    if (layout === undefined) {
      this.layout = parseHeader(rec.toArray(), this.file, line);
      this.headerLine = line;
      if (this.layout.kind === 'rate') this.v = new Float64Array(this.t.length);
      else {
        if (this.layout.bytesCol >= 0) this.v = new Float64Array(this.t.length);
        if (this.layout.keyCol >= 0) this.k = new Int32Array(this.t.length);
      }
      return;
    }
    const file = this.file;
    const n = this.n;
    if (n === this.t.length) this.grow();
    if (layout.kind === 'rate') {
      if (rec.count !== 2) {
        throw new UserError(where(file, line, `expected 2 columns (t_s,rate), found ${rec.count}`));
      }
      const t = rec.num(0, file, line, 't_s');
      const r = rec.num(1, file, line, 'rate');
      if (t > MAX_SPAN_S) throw new UserError(where(file, line, `t_s ${rec.str(0)} is beyond the longest span, ${MAX_SPAN_S} s (30 days)`));
      if (r > MAX_TRACE_RATE) throw new UserError(where(file, line, `rate ${rec.str(1)} is above the highest rate, ${MAX_TRACE_RATE} records/s`));
      if (n === 0 && t !== 0) {
        throw new UserError(where(file, line, `a rate trace must start at t_s = 0, first row has t_s = ${rec.str(0)}`));
      }
      if (n > 0 && !(t > this.t[n - 1])) {
        throw new UserError(
          where(file, line, `t_s must be strictly increasing: ${rec.str(0)} after ${this.t[n - 1]} (line ${this.lastLine})`),
        );
      }
      this.t[n] = t;
      this.v![n] = r;
    } else {
      if (rec.count !== layout.columns) {
        throw new UserError(where(file, line, `expected ${layout.columns} columns as in the header, found ${rec.count}`));
      }
      const t = rec.num(0, file, line, 't_ms');
      if (t > MAX_SPAN_S * 1000) throw new UserError(where(file, line, `t_ms ${rec.str(0)} is beyond the longest span, ${MAX_SPAN_S * 1000} ms (30 days)`));
      if (n > 0 && t < this.t[n - 1]) {
        throw new UserError(
          where(file, line, `t_ms must not decrease: ${rec.str(0)} after ${this.t[n - 1]} (line ${this.lastLine})`),
        );
      }
      this.t[n] = t;
      if (layout.bytesCol >= 0) this.v![n] = rec.num(layout.bytesCol, file, line, 'bytes');
      if (layout.keyCol >= 0) {
        // A key is looked up by its text (one slice per record: Map keys must be strings).
        const name = rec.str(layout.keyCol);
        let id = this.keyIds.get(name);
        if (id === undefined) {
          id = this.keyNames.length;
          this.keyIds.set(name, id);
          this.keyNames.push(name);
        }
        this.k![n] = id;
      }
    }
    this.n = n + 1;
    this.lastLine = line;
  }

  private grow(): void {
    const cap = this.t.length * 2;
    const t = new Float64Array(cap);
    t.set(this.t);
    this.t = t;
    if (this.v) {
      const v = new Float64Array(cap);
      v.set(this.v);
      this.v = v;
    }
    if (this.k) {
      const k = new Int32Array(cap);
      k.set(this.k);
      this.k = k;
    }
  }

  finish(durationS: number | undefined): Trace {
    const file = this.file;
    const layout = this.layout;
    if (layout === undefined) throw new UserError(where(file, undefined, `empty trace (no header, no data rows); ${HEADER_HELP}`));
    if (this.n === 0) throw new UserError(where(file, this.headerLine, 'no data rows after the header'));
    let n = this.n;
    if (layout.kind === 'rate') {
      let endS: number;
      if (durationS !== undefined) {
        endS = durationS;
        while (n > 1 && this.t[n - 1] >= endS) n--;
      } else {
        if (n < 2) {
          throw new UserError(
            where(file, this.lastLine, 'a rate trace with a single row has no end: give the scenario a duration_s or add rows'),
          );
        }
        endS = this.t[n - 1] + medianStep(this.t, n);
      }
      const trace: RateTrace = { kind: 'rate', source: file, tS: this.t.slice(0, n), rate: this.v!.slice(0, n), endS };
      return trace;
    }
    let endS: number;
    if (durationS !== undefined) {
      endS = durationS;
      const limitMs = durationS * 1000;
      while (n > 0 && this.t[n - 1] > limitMs) n--;
    } else {
      endS = this.t[n - 1] / 1000;
    }
    const trace: EventTrace = { kind: 'event', source: file, tMs: this.t.slice(0, n), endS };
    if (this.k) {
      trace.keys = this.k.slice(0, n);
      trace.keyNames = this.keyNames;
    }
    if (this.v) trace.bytes = this.v.slice(0, n);
    return trace;
  }
}

/** Median of the n-1 steps between successive times (the mean of the two middle ones when even). */
export function medianStep(t: ArrayLike<number>, n = t.length): number {
  const steps = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) steps[i - 1] = t[i] - t[i - 1];
  steps.sort();
  const m = steps.length;
  return m % 2 === 1 ? steps[(m - 1) >> 1] : (steps[m / 2 - 1] + steps[m / 2]) / 2;
}
