/**
 * The Azure Functions side of the local endpoint: one function app (the offload function, lambda/azure/) behind
 * POST /api/<function>, with function-key authorization and the Consumption plan's scale-out, per-instance
 * concurrency and queueing (plan.ts). It shares the endpoint's HTTP server, fault injector and worker protocol.
 * Answers as the Functions host does: 401 (no or wrong key), 404 (no such function or method), 413, 429 (throttled:
 * instance queue full, or the throttle fault standing for dynamic throttling), 500 (function error), else the
 * function's own response.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultInjector } from '../faults.js';
import { BodyTooLarge, readBody } from '../http-util.js';
import { AzureInstance, type AzureHttpEvent, type AzureOutcome } from './instance.js';
import { AZURE_MAX_REQUEST_BYTES, place, type PlanLimits } from './plan.js';
import { emptyAzureStats, type AzureStats } from './stats.js';

export interface AzureAppConfig {
  codeDir: string;
  functionName: string;
  functionKey: string;
  limits: PlanLimits;
  keepWarmMs: number;
  timeoutMs: number;
  initTimeoutMs: number;
  cpus?: string;
  faults: FaultInjector;
  log: (line: string) => void;
  /** Called when crash_after is reached (the endpoint drops everything). */
  crash: () => void;
}

interface Slot {
  instance: Promise<AzureInstance>;
  running: number;
  queue: (() => void)[];
  idle: NodeJS.Timeout | undefined;
  index: number;
  lastUsed: number;
}

/** A function key in the shape Azure generates (base64url of random bytes); never logged. */
export function newFunctionKey(): string {
  return randomBytes(40).toString('base64url');
}

export class AzureFunctionApp {
  readonly stats: AzureStats = emptyAzureStats();
  private slots: Slot[] = [];
  private lastScaleOut: number | null = null;
  private started = 0;
  private uses = 0;
  private stopped = false;

  constructor(private readonly c: AzureAppConfig) {}

  /** The route of the function, relative to the endpoint's URL. */
  get route(): string {
    return `/api/${this.c.functionName}`;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.stats.requests += 1;
    const name = decodeURIComponent(url.pathname.slice('/api/'.length).replace(/\/$/, ''));
    if (name.toLowerCase() !== this.c.functionName.toLowerCase() || req.method !== 'POST') return reply(res, 404);
    if (!this.authorized(req, url)) {
      this.stats.unauthorized += 1;
      return reply(res, 401);
    }
    const crashAfter = this.c.faults.current.crashAfter;
    if (crashAfter !== null && this.stats.invocations >= crashAfter) {
      this.c.log(`crash-after ${crashAfter}: dropping every connection and stopping`);
      this.c.crash();
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, AZURE_MAX_REQUEST_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge) return reply(res, 413);
      throw err;
    }
    if (this.c.faults.rollThrottle()) return this.throttled(res);
    const slot = this.admit();
    if (!slot) return this.throttled(res);
    const outcome = await this.run(slot, { function: this.c.functionName, method: 'POST', url: url.href, headers: plainHeaders(req), body: body.toString('utf8') });
    const added = this.c.faults.current.addedLatencyMs;
    if (added > 0) await sleep(added);
    if (!outcome.ok) {
      this.stats.functionErrors += 1;
      this.c.log(`function error: ${outcome.error}`);
      return reply(res, 500);
    }
    const data = Buffer.from(outcome.body, 'utf8');
    res.writeHead(outcome.status, { ...outcome.headers, 'content-length': String(data.length) });
    res.end(data);
  }

  /** The key as `x-functions-key` or `?code=`; compared in constant time. */
  private authorized(req: IncomingMessage, url: URL): boolean {
    const header = req.headers['x-functions-key'];
    const given = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('code') ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(this.c.functionKey);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private throttled(res: ServerResponse): void {
    this.stats.throttles += 1;
    reply(res, 429);
  }

  /** Place the request (plan.ts); a queued request waits here for a slot on its instance. */
  private admit(): Promise<Slot> | null {
    const now = Date.now();
    const p = place(this.slots.map((s) => ({ running: s.running, queued: s.queue.length, lastUsed: s.lastUsed })), now, this.lastScaleOut, this.c.limits);
    if (p.kind === 'throttle') return null;
    if (p.kind === 'new') {
      this.lastScaleOut = now;
      const slot = this.startInstance();
      slot.running += 1;
      slot.lastUsed = ++this.uses;
      return Promise.resolve(slot);
    }
    const slot = this.slots[p.at];
    this.clearIdle(slot);
    slot.lastUsed = ++this.uses;
    if (p.kind === 'run') {
      slot.running += 1;
      return Promise.resolve(slot);
    }
    this.stats.queued += 1;
    this.stats.maxQueued = Math.max(this.stats.maxQueued, slot.queue.length + 1);
    return new Promise((resolve) => slot.queue.push(() => resolve(slot)));
  }

  private startInstance(): Slot {
    const index = this.started++;
    const instance = AzureInstance.start(index, this.c.codeDir, {
      env: { FUNCTIONS_WORKER_RUNTIME: 'node', WEBSITE_SITE_NAME: 'spillway-local', SPILLWAY_LOCAL_AZURE: '1' },
      cpus: this.c.cpus,
      initTimeoutMs: this.c.initTimeoutMs,
      log: this.c.log,
    });
    const slot: Slot = { instance, running: 0, queue: [], idle: undefined, index, lastUsed: 0 };
    instance.catch(() => undefined);
    this.slots.push(slot);
    this.stats.coldStarts += 1;
    this.stats.instances = this.slots.length;
    this.stats.maxInstances = Math.max(this.stats.maxInstances, this.slots.length);
    this.c.log(`instance ${index} starting (${this.slots.length} instance(s))`);
    return slot;
  }

  private async run(slotP: Promise<Slot>, event: AzureHttpEvent): Promise<AzureOutcome> {
    const slot = await slotP;
    this.stats.invocations += 1;
    this.stats.concurrency += 1;
    this.stats.maxConcurrency = Math.max(this.stats.maxConcurrency, this.stats.concurrency);
    try {
      let inst: AzureInstance;
      try {
        inst = await slot.instance;
      } catch (err) {
        this.drop(slot);
        return { ok: false, error: (err as Error).message, durationMs: 0 };
      }
      if (this.c.faults.rollError()) return { ok: false, error: 'function error injected by the local endpoint', durationMs: 0 };
      const out = await inst.invoke(randomUUID(), event, this.c.timeoutMs);
      if (inst.dead) this.drop(slot);
      return out;
    } finally {
      this.stats.concurrency -= 1;
      this.release(slot);
    }
  }

  /** One request left the instance: the next queued one runs; an instance with nothing left idles out. */
  private release(slot: Slot): void {
    slot.running -= 1;
    const next = slot.queue.shift();
    if (next) {
      slot.running += 1;
      next();
      return;
    }
    if (slot.running === 0 && this.slots.includes(slot)) {
      slot.idle = setTimeout(() => this.recycle(slot), this.c.keepWarmMs);
      slot.idle.unref();
    }
  }

  private clearIdle(slot: Slot): void {
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = undefined;
  }

  /** An idle instance is taken away (the app scales in); the next request past capacity is a cold start again. */
  private recycle(slot: Slot): void {
    if (slot.running > 0) return;
    this.drop(slot);
    this.c.log(`instance ${slot.index} recycled after ${this.c.keepWarmMs} ms idle`);
  }

  /** Forget a dead or recycled instance; its queued requests stay queued on it and run when they get a turn. */
  private drop(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    this.clearIdle(slot);
    void slot.instance.then((inst) => inst.kill(), () => undefined);
    this.stats.instances = this.slots.length;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const s of [...this.slots]) this.drop(s);
  }
}

function reply(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': '0' });
  res.end();
}

function plainHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    // The key is the host's business, not the function's (the host strips nothing, but nothing here needs it).
    if (v === undefined || k === 'x-functions-key') continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
