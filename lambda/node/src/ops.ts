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
export type OpRequest = TokenizeRequest | WindowCountRequest;

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
  const byPair = new Map<string, WindowPartial>();
  for (const r of records) {
    const start = windowStart(r.t, windowMs);
    const id = `${start}\u0000${r.key}`;
    const p = byPair.get(id);
    if (p) p.count += 1;
    else byPair.set(id, { window_start: start, key: r.key, count: 1 });
  }
  return [...byPair.values()];
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
  if (event.op === 'window_count') {
    const w = event.window_ms;
    if (!Number.isSafeInteger(w) || (w as number) <= 0) fail('window_ms must be a positive integer');
    const out = records.map((raw, i) => {
      const r = checkRecordBase(raw, i);
      if (typeof r.key !== 'string') fail(`records[${i}].key must be a string`);
      return { seq: r.seq as number, t: r.t as number, key: r.key };
    });
    return { op: 'window_count', window_ms: w as number, work_us_per_record: work, wait_ms: wait, records: out };
  }
  throw new Error(`unknown op: ${JSON.stringify(event.op)}`);
}

/** Wait mode: the batch's service time passes on a timer, the environment's CPU stays free (docs/VALIDATION.md). */
export function holdFor(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/** Run a validated request; returns the op-specific part of the response. */
export function runOp(req: OpRequest): { records: TokenizedRecord[] } | { partials: WindowPartial[] } {
  if (req.op === 'tokenize') {
    const records = req.records.map((r) => {
      burnCpu(req.work_us_per_record);
      return { seq: r.seq, t: r.t, tokens: tokenize(r.text) };
    });
    return { records };
  }
  for (let i = 0; i < req.records.length; i++) burnCpu(req.work_us_per_record);
  return { partials: windowCount(req.records, req.window_ms) };
}
