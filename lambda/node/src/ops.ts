/**
 * The work an offloaded batch does, kept free of any Lambda runtime detail so the local Flink operator,
 * the Python handler and the Java job can be held to the same vectors (lambda/testdata/vectors.json).
 *
 * Tokenizer rule (identical in Node, Python and Java):
 *   1. lower-case the whole line with the locale-independent Unicode mapping
 *      (JS `toLowerCase()`, Python `str.lower()`, Java `toLowerCase(Locale.ROOT)`);
 *   2. split on runs of characters that are neither a Unicode letter (L*) nor a number (N*):
 *      regex `[^\p{L}\p{N}]+` (underscore and combining marks are separators);
 *   3. drop empty strings.
 * Lower-casing comes first because it can change the characters (e.g. U+0130 becomes "i" + U+0307,
 * a combining mark, which then separates).
 */

export interface TokenizeRecord {
  seq: number;
  t: number;
  text: string;
}
export interface WindowRecord {
  seq: number;
  t: number;
  key: string;
}
export interface TokenizeRequest {
  op: 'tokenize';
  work_us_per_record: number;
  /** Wait mode: hold the batch this long (a timer, no CPU) besides any work_us_per_record; 0 = none. */
  wait_ms: number;
  records: TokenizeRecord[];
}
export interface WindowCountRequest {
  op: 'window_count';
  window_ms: number;
  work_us_per_record: number;
  wait_ms: number;
  records: WindowRecord[];
}
/** A record of a window sum: the value it adds (an integer; the job defines it, docs/VALIDATION.md). */
export interface WindowSumRecord extends WindowRecord {
  value: number;
}
export interface WindowSumRequest {
  op: 'window_sum';
  window_ms: number;
  work_us_per_record: number;
  wait_ms: number;
  records: WindowSumRecord[];
}
/**
 * Offload at the source: each record's text is a raw JSON event; parse it, keep it when every `keep` field equals
 * its value (as text), return the `project` fields (as text; absent fields are null).
 */
export interface ParseFilterRequest {
  op: 'parse_filter';
  keep: Record<string, string>;
  project: string[];
  work_us_per_record: number;
  wait_ms: number;
  records: TokenizeRecord[];
}
export type OpRequest = TokenizeRequest | WindowCountRequest | WindowSumRequest | ParseFilterRequest;

export interface TokenizedRecord {
  seq: number;
  t: number;
  tokens: string[];
}
export interface WindowPartial {
  window_start: number;
  key: string;
  count: number;
}
/** A partial sum carries its record count too, so the job checks both before merging. */
export interface WindowSumPartial extends WindowPartial {
  sum: number;
}

export interface ParsedRecord {
  seq: number;
  t: number;
  fields: Record<string, string | null>;
}

const SEPARATORS = /[^\p{L}\p{N}]+/u;

export function tokenize(text: string): string[] {
  return text.toLowerCase().split(SEPARATORS).filter((s) => s.length > 0);
}

/** Start of the tumbling window holding `t`; floors for negative times too, as Flink's TimeWindow does. */
export function windowStart(t: number, windowMs: number): number {
  return t - (((t % windowMs) + windowMs) % windowMs);
}

/**
 * Partial counts per (tumbling window, key). Partials are listed in order of the first occurrence of their
 * (window_start, key) pair in the request, an order every language reproduces without comparing strings.
 */
export function windowCount(records: WindowRecord[], windowMs: number): WindowPartial[] {
  return [...groupByWindowKey(records, windowMs, (start, r) => ({ window_start: start, key: r.key, count: 0 }), (p) => {
    p.count += 1;
  })];
}

/** Partial sums (and counts) per (tumbling window, key), in windowCount's order of first occurrence. */
export function windowSum(records: WindowSumRecord[], windowMs: number): WindowSumPartial[] {
  return [...groupByWindowKey(records, windowMs, (start, r) => ({ window_start: start, key: r.key, count: 0, sum: 0 }), (p, r) => {
    p.count += 1;
    p.sum += r.value;
  })];
}

/** One partial per (window_start, key) in order of first occurrence: made by `fresh`, each record added by `add`. */
function groupByWindowKey<R extends WindowRecord, P>(records: R[], windowMs: number, fresh: (start: number, r: R) => P, add: (p: P, r: R) => void): IterableIterator<P> {
  const byPair = new Map<string, P>();
  for (const r of records) {
    const start = windowStart(r.t, windowMs);
    const id = `${start}\u0000${r.key}`;
    let p = byPair.get(id);
    if (p === undefined) byPair.set(id, (p = fresh(start, r)));
    add(p, r);
  }
  return byPair.values();
}

const asText = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));

/** Parse, filter and project raw JSON events; a record whose text is not a JSON object throws (the batch fails). */
export function parseFilter(records: TokenizeRecord[], keep: Record<string, string>, project: string[]): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  for (const r of records) {
    const ev: unknown = JSON.parse(r.text);
    if (!isObject(ev)) throw new Error(`record ${r.seq}: text is not a JSON object`);
    if (!Object.entries(keep).every(([k, v]) => asText(ev[k]) === v)) continue;
    const fields: Record<string, string | null> = {};
    for (const f of project) fields[f] = asText(ev[f]);
    out.push({ seq: r.seq, t: r.t, fields });
  }
  return out;
}

/** Emulate the operator's CPU cost: spin (not sleep) so the environment's CPU is really busy. */
export function burnCpu(microseconds: number): void {
  if (microseconds <= 0) return;
  const end = process.hrtime.bigint() + BigInt(Math.round(microseconds * 1000));
  while (process.hrtime.bigint() < end) {
    /* busy */
  }
}

function fail(what: string): never {
  throw new Error(`invalid payload: ${what}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkRecordBase(r: unknown, i: number): Record<string, unknown> {
  if (!isObject(r)) fail(`records[${i}] is not an object`);
  if (!Number.isSafeInteger(r.seq)) fail(`records[${i}].seq must be an integer`);
  if (typeof r.t !== 'number' || !Number.isFinite(r.t)) fail(`records[${i}].t must be a finite number`);
  return r;
}

/** Validate an untrusted event into a typed request, or throw an Error naming the first problem. */
export function parseRequest(event: unknown): OpRequest {
  if (!isObject(event)) fail('event must be a JSON object');
  const work = event.work_us_per_record ?? 0;
  if (typeof work !== 'number' || !Number.isFinite(work) || work < 0) fail('work_us_per_record must be a number >= 0');
  const wait = event.wait_ms ?? 0;
  if (typeof wait !== 'number' || !Number.isFinite(wait) || wait < 0) fail('wait_ms must be a number >= 0');
  if (!Array.isArray(event.records)) fail('records must be an array');
  const records: unknown[] = event.records;
  if (event.op === 'tokenize') {
    const out = records.map((raw, i) => {
      const r = checkRecordBase(raw, i);
      if (typeof r.text !== 'string') fail(`records[${i}].text must be a string`);
      return { seq: r.seq as number, t: r.t as number, text: r.text };
    });
    return { op: 'tokenize', work_us_per_record: work, wait_ms: wait, records: out };
  }
  if (event.op === 'window_count' || event.op === 'window_sum') return windowRequest(event, event.op, records, work, wait);
  if (event.op === 'parse_filter') return parseFilterRequest(event, records, work, wait);
  throw new Error(`unknown op: ${JSON.stringify(event.op)}`);
}

function windowRequest(event: Record<string, unknown>, op: 'window_count' | 'window_sum', records: unknown[], work: number, wait: number): WindowCountRequest | WindowSumRequest {
  const w = event.window_ms;
  if (!Number.isSafeInteger(w) || (w as number) <= 0) fail('window_ms must be a positive integer');
  const out = records.map((raw, i) => {
    const r = checkRecordBase(raw, i);
    if (typeof r.key !== 'string') fail(`records[${i}].key must be a string`);
    if (op === 'window_count') return { seq: r.seq as number, t: r.t as number, key: r.key };
    if (!Number.isSafeInteger(r.value)) fail(`records[${i}].value must be an integer`);
    return { seq: r.seq as number, t: r.t as number, key: r.key, value: r.value as number };
  });
  const base = { window_ms: w as number, work_us_per_record: work, wait_ms: wait };
  return op === 'window_count' ? { op, ...base, records: out } : { op, ...base, records: out as WindowSumRecord[] };
}

function parseFilterRequest(event: Record<string, unknown>, records: unknown[], work: number, wait: number): ParseFilterRequest {
  const keep = event.keep ?? {};
  if (!isObject(keep) || !Object.values(keep).every((v) => typeof v === 'string')) fail('keep must map field names to strings');
  const project = event.project;
  if (!Array.isArray(project) || !project.every((f) => typeof f === 'string')) fail('project must be an array of field names');
  const out = records.map((raw, i) => {
    const r = checkRecordBase(raw, i);
    if (typeof r.text !== 'string') fail(`records[${i}].text must be a string`);
    return { seq: r.seq as number, t: r.t as number, text: r.text };
  });
  return { op: 'parse_filter', keep: keep as Record<string, string>, project: project as string[], work_us_per_record: work, wait_ms: wait, records: out };
}

/** Wait mode: the batch's service time passes on a timer, the environment's CPU stays free (docs/VALIDATION.md). */
export function holdFor(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/** Run a validated request; returns the op-specific part of the response. */
export function runOp(req: OpRequest): { records: TokenizedRecord[] | ParsedRecord[] } | { partials: WindowPartial[] | WindowSumPartial[] } {
  if (req.op === 'tokenize') {
    const records = req.records.map((r) => {
      burnCpu(req.work_us_per_record);
      return { seq: r.seq, t: r.t, tokens: tokenize(r.text) };
    });
    return { records };
  }
  if (req.op === 'parse_filter') {
    for (let i = 0; i < req.records.length; i++) burnCpu(req.work_us_per_record);
    return { records: parseFilter(req.records, req.keep, req.project) };
  }
  for (let i = 0; i < req.records.length; i++) burnCpu(req.work_us_per_record);
  if (req.op === 'window_sum') return { partials: windowSum(req.records, req.window_ms) };
  return { partials: windowCount(req.records, req.window_ms) };
}
