/**
 * The Azure Functions handler on the vectors shared with the Lambda handlers (lambda/testdata/vectors.json), called
 * as the v4 host calls it: with @azure/functions' own HttpRequest and InvocationContext (npm ci --prefix lambda/azure).
 */
import { readFileSync } from 'node:fs';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { offload } from '../src/offload.js';
import { lambdaPaths } from '../../../src/functions/paths.js';

interface Vectors {
  tokenize: { name: string; text: string; tokens: string[] }[];
  window_count: { name: string; window_ms: number; records: { seq: number; t: number; key: string }[]; partials: unknown[] }[];
  window_sum: { name: string; window_ms: number; records: { seq: number; t: number; key: string; value: number }[]; partials: unknown[] }[];
  invalid: { name: string; event: unknown }[];
}
const vectors = JSON.parse(readFileSync(lambdaPaths.vectors(), 'utf8')) as Vectors;

function post(body: unknown): HttpRequest {
  return new HttpRequest({ method: 'POST', url: 'http://127.0.0.1/api/spillway-offload', body: { string: JSON.stringify(body) } });
}
const errors: unknown[][] = [];
const context = (): InvocationContext => new InvocationContext({ invocationId: 'test', functionName: 'spillway-offload', logHandler: (level, ...args) => level === 'error' && errors.push(args) });

describe('the Azure handler on the shared vectors', () => {
  it.each(vectors.tokenize.map((c) => [c.name, c] as const))('tokenize: %s', async (_name, c) => {
    const res = await offload(post({ op: 'tokenize', records: [{ seq: 3, t: 10, text: c.text }] }), context());
    expect(res.status).toBe(200);
    expect(res.jsonBody.records).toEqual([{ seq: 3, t: 10, tokens: c.tokens }]);
  });

  it.each(vectors.window_count.map((c) => [c.name, c] as const))('window_count: %s', async (_name, c) => {
    const res = await offload(post({ op: 'window_count', window_ms: c.window_ms, records: c.records }), context());
    expect(res.status).toBe(200);
    expect(res.jsonBody.partials).toEqual(c.partials);
    expect(res.jsonBody).not.toHaveProperty('records');
  });

  it.each(vectors.window_sum.map((c) => [c.name, c] as const))('window_sum: %s', async (_name, c) => {
    const res = await offload(post({ op: 'window_sum', window_ms: c.window_ms, records: c.records }), context());
    expect(res.status).toBe(200);
    expect(res.jsonBody.partials).toEqual(c.partials);
  });

  it.each(vectors.invalid.map((c) => [c.name, c] as const))('answers 400 with the reason for %s', async (_name, c) => {
    const before = errors.length;
    const res = await offload(post(c.event), context());
    expect(res.status).toBe(400);
    expect(String(res.jsonBody.error)).toMatch(/invalid payload|unknown op/);
    expect(errors.length).toBe(before + 1);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const req = new HttpRequest({ method: 'POST', url: 'http://127.0.0.1/api/x', body: { string: '{not json' } });
    expect((await offload(req, context())).status).toBe(400);
  });

  it('reports the instance: the same env every time, cold (with init_ms) only on its first request', async () => {
    // This module may already have served requests above: compare two fresh answers, the second is warm.
    const a = await offload(post({ op: 'tokenize', records: [] }), context());
    const b = await offload(post({ op: 'tokenize', records: [] }), context());
    expect(b.jsonBody.env).toBe(a.jsonBody.env);
    expect(b.jsonBody.cold).toBe(false);
    expect(b.jsonBody).not.toHaveProperty('init_ms');
  });

  it('counts work_us_per_record in duration_ms (2 records x 1,500 us >= 3 ms)', async () => {
    const res = await offload(post({ op: 'tokenize', work_us_per_record: 1500, records: [{ seq: 1, t: 1, text: 'a' }, { seq: 2, t: 1, text: 'b' }] }), context());
    expect(res.jsonBody.duration_ms as number).toBeGreaterThanOrEqual(3);
  });
});
