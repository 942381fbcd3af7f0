/** Map a request to a Lambda API operation (or an admin route) by method and path, as the REST bindings define. */

export interface Route {
  op: string;
  name?: string;
}

const FN = '([^/]+)';
const table: [string, RegExp, string][] = [
  ['POST', new RegExp(`^/2015-03-31/functions/${FN}/invocations/?$`), 'Invoke'],
  ['POST', /^\/2015-03-31\/functions\/?$/, 'CreateFunction'],
  ['GET', /^\/2015-03-31\/functions\/?$/, 'ListFunctions'],
  ['GET', new RegExp(`^/2015-03-31/functions/${FN}/?$`), 'GetFunction'],
  ['DELETE', new RegExp(`^/2015-03-31/functions/${FN}/?$`), 'DeleteFunction'],
  ['GET', new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`), 'GetFunctionConfiguration'],
  ['PUT', new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`), 'UpdateFunctionConfiguration'],
  ['PUT', new RegExp(`^/2015-03-31/functions/${FN}/code/?$`), 'UpdateFunctionCode'],
  ['POST', new RegExp(`^/2015-03-31/functions/${FN}/versions/?$`), 'PublishVersion'],
  ['PUT', new RegExp(`^/2017-10-31/functions/${FN}/concurrency/?$`), 'PutFunctionConcurrency'],
  ['DELETE', new RegExp(`^/2017-10-31/functions/${FN}/concurrency/?$`), 'DeleteFunctionConcurrency'],
  ['GET', new RegExp(`^/2019-09-30/functions/${FN}/concurrency/?$`), 'GetFunctionConcurrency'],
  ['GET', /^\/_spillway\/stats\/?$/, 'AdminStats'],
  ['POST', /^\/_spillway\/stats\/reset\/?$/, 'AdminResetStats'],
  ['GET', /^\/_spillway\/faults\/?$/, 'AdminGetFaults'],
  ['POST', /^\/_spillway\/faults\/?$/, 'AdminSetFaults'],
];

export function matchRoute(method: string, path: string): Route | undefined {
  for (const [m, re, op] of table) {
    if (m !== method) continue;
    const hit = re.exec(path);
    if (!hit) continue;
    return hit[1] === undefined ? { op } : { op, name: decodeURIComponent(hit[1]) };
  }
  return undefined;
}
