/**
 * The Azure Functions HTTP-trigger protocol of the local endpoint, at the HTTP level: route, function key (header or
 * ?code=), 401 without or with a wrong key, 429 past an instance's outstanding-request limit or under the throttle
 * fault, 500 on a function error (injected, and a real one: the function timing out), and the real v4 app answering.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startInvokeServer, type InvokeServer, type InvokeServerOptions } from '../../src/endpoint/index.js';

const KEY = 'test-key-not-a-secret';
const servers: InvokeServer[] = [];

async function azureServer(o: InvokeServerOptions = {}, azure: NonNullable<InvokeServerOptions['azure']> = {}): Promise<InvokeServer> {
  const s = await startInvokeServer({ port: 0, functionName: null, ...o, azure: { functionKey: KEY, ...azure } });
  servers.push(s);
  return s;
}

afterAll(async () => {
  for (const s of servers) await s.stop();
});

const batch = (extra: Record<string, unknown> = {}): string => JSON.stringify({ op: 'tokenize', records: [{ seq: 1, t: 2, text: 'Spill, way!' }], ...extra });

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

describe('route and function key', () => {
  it('401 without a key and with a wrong one; 200 with the key as x-functions-key or ?code=', async () => {
    const s = await azureServer();
    const az = s.azure!;
    expect(az.functionUrl).toBe(`${s.url}/api/spillway-offload`);
    const none = await post(az.functionUrl, batch());
    expect(none.status).toBe(401);
    expect(await none.text()).toBe('');
    expect((await post(az.functionUrl, batch(), { 'x-functions-key': 'wrong' })).status).toBe(401);
    expect((await post(`${az.functionUrl}?code=${KEY}x`, batch())).status).toBe(401);
    const byHeader = await post(az.functionUrl, batch(), { 'x-functions-key': KEY });
    expect(byHeader.status).toBe(200);
    const body = (await byHeader.json()) as Record<string, unknown>;
    expect(body.records).toEqual([{ seq: 1, t: 2, tokens: ['spill', 'way'] }]);
    expect(body.cold).toBe(true);
    const byCode = await post(`${az.functionUrl}?code=${encodeURIComponent(KEY)}`, batch());
    expect(byCode.status).toBe(200);
    expect(((await byCode.json()) as Record<string, unknown>).cold).toBe(false);
    expect(az.stats()).toMatchObject({ requests: 5, invocations: 2, unauthorized: 3, coldStarts: 1, instances: 1 });
  });

  it('404 for another function or another method; 400 from the function for a bad payload', async () => {
    const s = await azureServer();
    expect((await post(`${s.url}/api/other`, batch(), { 'x-functions-key': KEY })).status).toBe(404);
    expect((await fetch(s.azure!.functionUrl, { headers: { 'x-functions-key': KEY } })).status).toBe(404);
    const bad = await post(s.azure!.functionUrl, '{"op":"tokenize"}', { 'x-functions-key': KEY });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid payload: records must be an array' });
  });
});

describe('throttling: 429', () => {
  it('past one instance with 1 running + 1 queued request, the third gets 429; the queued one still runs', async () => {
    const s = await azureServer({}, { limits: { maxInstances: 1, maxConcurrentRequests: 1, maxOutstandingRequests: 2 } });
    const az = s.azure!;
    const h = { 'x-functions-key': KEY };
    const first = post(az.functionUrl, batch({ wait_ms: 400 }), h);
    await until(() => az.stats().concurrency === 1);
    const second = post(az.functionUrl, batch(), h);
    await until(() => az.stats().queued === 1);
    const third = await post(az.functionUrl, batch(), h);
    expect(third.status).toBe(429);
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(az.stats()).toMatchObject({ invocations: 2, throttles: 1, queued: 1, maxQueued: 1, coldStarts: 1, maxInstances: 1 });
  });

  it('throttle_rate 1 (dynamic throttling): every request 429, nothing runs', async () => {
    const s = await azureServer({ throttleRate: 1 });
    for (let i = 0; i < 3; i++) expect((await post(s.azure!.functionUrl, batch(), { 'x-functions-key': KEY })).status).toBe(429);
    expect(s.azure!.stats()).toMatchObject({ requests: 3, throttles: 3, invocations: 0, coldStarts: 0 });
  });

  it('a second instance only after the scale-out interval: with it at 1 h, a busy app queues instead', async () => {
    const s = await azureServer({}, { limits: { maxInstances: 5, maxConcurrentRequests: 1, maxOutstandingRequests: 3, scaleOutIntervalMs: 3_600_000 } });
    const az = s.azure!;
    const h = { 'x-functions-key': KEY };
    const first = post(az.functionUrl, batch({ wait_ms: 300 }), h);
    await until(() => az.stats().concurrency === 1);
    const second = await post(az.functionUrl, batch(), h);
    expect(second.status).toBe(200);
    expect((await first).status).toBe(200);
    expect(az.stats()).toMatchObject({ coldStarts: 1, maxInstances: 1, queued: 1 });
  });
});

describe('scale-out', () => {
  it('a request arriving while the only instance runs one (the scale target) gets a new instance: a second cold start', async () => {
    const s = await azureServer({}, { limits: { scaleOutIntervalMs: 0 } });
    const az = s.azure!;
    const h = { 'x-functions-key': KEY };
    const first = post(az.functionUrl, batch({ wait_ms: 300 }), h);
    await until(() => az.stats().concurrency === 1);
    const second = (await (await post(az.functionUrl, batch(), h)).json()) as Record<string, unknown>;
    const one = (await (await first).json()) as Record<string, unknown>;
    expect(second.cold).toBe(true);
    expect(second.env).not.toBe(one.env);
    expect(az.stats()).toMatchObject({ coldStarts: 2, maxInstances: 2, instances: 2, queued: 0 });
  });
});

describe('function errors: 500', () => {
  it('error_rate 1: 500 with an empty body', async () => {
    const s = await azureServer({ errorRate: 1 });
    const r = await post(s.azure!.functionUrl, batch(), { 'x-functions-key': KEY });
    expect(r.status).toBe(500);
    expect(await r.text()).toBe('');
    expect(s.azure!.stats()).toMatchObject({ invocations: 1, functionErrors: 1 });
  });

  it('a function running past its timeout: 500, and the host restarts (the next request is a cold start)', async () => {
    const s = await azureServer({}, { timeoutS: 1 });
    const h = { 'x-functions-key': KEY };
    expect((await post(s.azure!.functionUrl, batch({ wait_ms: 5000 }), h)).status).toBe(500);
    const next = await post(s.azure!.functionUrl, batch(), h);
    expect(next.status).toBe(200);
    expect(((await next.json()) as Record<string, unknown>).cold).toBe(true);
    expect(s.azure!.stats()).toMatchObject({ functionErrors: 1, coldStarts: 2 });
  });
});
