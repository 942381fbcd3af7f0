// Local stand-in for the Azure Functions host's Node.js worker, one process per function app instance. The local
// endpoint (src/endpoint/azure/) runs it through node_bootstrap.mjs (handler `index.handler`): it loads the app
// (app.mjs: lambda/azure/src/index.ts and @azure/functions, bundled) with a stand-in @azure/functions-core
// (node_modules/ beside it) that records what `app.http(...)` registers, then serves each HTTP request the endpoint
// forwards by calling the registered handler with the library's own HttpRequest and InvocationContext.
// Not deployed: on Azure the host provides @azure/functions-core.
globalThis.__spillwayAzureFunctions = [];
const lib = await import('./app.mjs');
const registered = globalThis.__spillwayAzureFunctions;
if (registered.length === 0) throw new Error('the function app registered no function (app.http was never called)');

function triggerOf(fn) {
  return Object.values(fn.metadata.bindings ?? {}).find((b) => b.type === 'httpTrigger');
}

/** event: {function, method, url, headers, body}; answers {status, headers, body} (body a string). */
export async function handler(event, context) {
  const fn = registered.find((f) => f.metadata.name.toLowerCase() === String(event.function).toLowerCase());
  const trigger = fn && triggerOf(fn);
  const methods = (trigger?.methods ?? ['GET', 'POST']).map((m) => m.toUpperCase());
  if (!fn || !trigger || !methods.includes(event.method)) return { status: 404, headers: {}, body: '' };
  const request = new lib.HttpRequest({ method: event.method, url: event.url, headers: event.headers, body: { string: event.body }, params: {} });
  const ctx = new lib.InvocationContext({
    invocationId: context.awsRequestId,
    functionName: fn.metadata.name,
    logHandler: (level, ...args) => console.log(`[${level}]`, ...args),
  });
  const res = await fn.callback(request, ctx);
  return toWire(res ?? {});
}

async function toWire(res) {
  const headers = {};
  if (res.headers) for (const [k, v] of new Headers(res.headers)) headers[k] = v;
  if (res instanceof lib.HttpResponse) return { status: res.status, headers, body: await res.text() };
  if (res.jsonBody !== undefined) {
    headers['content-type'] ??= 'application/json';
    return { status: res.status ?? 200, headers, body: JSON.stringify(res.jsonBody) };
  }
  return { status: res.status ?? 200, headers, body: res.body === undefined || res.body === null ? '' : String(res.body) };
}
