/**
 * The local Lambda endpoint: an HTTP server on 127.0.0.1 speaking Lambda's REST API, so the real SDKs work
 * against it unchanged (point their endpoint at `url`). See docs/LAMBDA.md.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { buildLambdaBundle } from '../functions/bundle.js';
import { currentStats, handleAdmin } from './admin-routes.js';
import { apiErrors, LambdaApiError } from './aws-errors.js';
import type { ServerContext } from './context.js';
import { FaultInjector, type FaultSettings } from './faults.js';
import { FunctionRegistry } from './functions.js';
import { sendApiError } from './http-util.js';
import { handleInvoke } from './invoke-route.js';
import { handleManagement } from './management-routes.js';
import { LOCAL_RUNTIME_IDS, resolveOptions, type InvokeServerOptions } from './options.js';
import { EnvironmentManager } from './pool.js';
import { matchRoute } from './routes.js';
import { emptyStats, type InvokeServerStats } from './stats.js';
import { azureHandle, createAzureApp, dispatchAzure, type AzureEndpointHandle, type AzureWiring } from './azure/setup.js';

export interface InvokeServer {
  /** Base URL to give the SDK as `endpoint`, e.g. http://127.0.0.1:9001 */
  url: string;
  port: number;
  /** The function created at start, if any. */
  functionName: string | undefined;
  /** The Azure Functions app served beside the Lambda API (options.azure), if any: src/endpoint/azure/. */
  azure: AzureEndpointHandle | undefined;
  stats(): InvokeServerStats;
  faults(): FaultSettings;
  setFaults(patch: Partial<FaultSettings>): FaultSettings;
  /** Resolves when the server crashed on purpose (--crash-after). */
  crashed: Promise<void>;
  /** Stop serving, kill every environment, remove unpacked code. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startInvokeServer(options: InvokeServerOptions = {}): Promise<InvokeServer> {
  const o = resolveOptions(options);
  const codeRoot = mkdtempSync(join(tmpdir(), 'spillway-lambda-'));
  const sockets = new Set<Socket>();
  let stopped = false;
  let signalCrashed!: () => void;
  const crashed = new Promise<void>((resolve) => (signalCrashed = resolve));

  const registry = new FunctionRegistry(codeRoot, o.region, o.accountId);
  const environments = new EnvironmentManager({ accountConcurrency: o.concurrency, keepWarmMs: o.keepWarmMs, initTimeoutMs: o.initTimeoutMs, cpus: o.cpus });
  const ctx: ServerContext = {
    registry,
    environments,
    faults: new FaultInjector(o.faults, o.seed),
    stats: emptyStats(),
    billInit: o.billInit,
    log: o.log,
    background: new Set(),
    stopped: () => stopped,
    crash: () => {
      if (stopped) return;
      stopped = true;
      for (const s of sockets) s.destroy();
      server.close();
      environments.stopAll();
      azure?.app.stop();
      rmSync(codeRoot, { recursive: true, force: true });
      signalCrashed();
      o.onCrash();
    },
  };

  let azure: AzureWiring | null = null;
  const server = createServer((req, res) => {
    void dispatch(ctx, req, res, azure);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  try {
    if (o.functionName !== null) {
      const bundle = await buildLambdaBundle(o.runtime);
      const fn = registry.create(
        o.functionName,
        {
          runtime: LOCAL_RUNTIME_IDS[o.runtime],
          handler: bundle.handler,
          role: `arn:aws:iam::${o.accountId}:role/spillway-local`,
          memoryMb: o.memoryMb,
          timeoutS: o.timeoutS,
          architectures: ['x86_64'],
          environment: {},
          description: 'Spillway offload function (local)',
        },
        bundle.zip,
      );
      fn.reservedConcurrency = o.reservedConcurrency;
    }
    if (o.azure) azure = await createAzureApp(o.azure, { codeRoot, faults: ctx.faults, keepWarmMs: o.keepWarmMs, initTimeoutMs: o.initTimeoutMs, cpus: o.cpus, log: o.log, crash: ctx.crash });
    await listen(server, o.port);
  } catch (err) {
    environments.stopAll();
    rmSync(codeRoot, { recursive: true, force: true });
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const url = `http://127.0.0.1:${port}`;
  o.log(`local Lambda endpoint on ${url}${o.functionName ? `, function ${o.functionName} (${o.runtime})` : ''}`);

  return {
    url,
    port,
    functionName: o.functionName ?? undefined,
    azure: azure ? azureHandle(azure, url) : undefined,
    stats: () => currentStats(ctx),
    faults: () => ctx.faults.current,
    setFaults: (patch) => ctx.faults.update(patch),
    crashed,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      environments.stopAll();
      azure?.app.stop();
      rmSync(codeRoot, { recursive: true, force: true });
    },
  };
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new UserError(`port ${port} on 127.0.0.1 is already in use (choose another with --port)`));
      else if (err.code === 'EACCES') reject(new UserError(`not allowed to listen on 127.0.0.1:${port}`));
      else reject(err);
    });
    // Local only: the endpoint has no authentication.
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

async function dispatch(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, azure: AzureWiring | null): Promise<void> {
  const requestId = randomUUID();
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (await dispatchAzure(azure, req, res, url)) return;
    const route = matchRoute(req.method ?? 'GET', url.pathname);
    if (!route) throw apiErrors.unknownOperation(req.method ?? '?', url.pathname);
    if (route.op === 'Invoke') {
      await handleInvoke(ctx, req, res, requestId, route.name ?? '', url.searchParams.get('Qualifier') ?? undefined);
    } else if (route.op.startsWith('Admin')) {
      await handleAdmin(ctx, req, res, requestId, route.op);
    } else {
      await handleManagement(ctx, req, res, requestId, route, url.searchParams);
    }
  } catch (err) {
    if (res.headersSent || res.destroyed) return;
    if (err instanceof LambdaApiError) sendApiError(res, requestId, err);
    else {
      ctx.log(`internal error on ${req.method} ${req.url}: ${err instanceof Error ? err.message : String(err)}`);
      sendApiError(res, requestId, apiErrors.service(err instanceof Error ? err.message : String(err)));
    }
  }
}
