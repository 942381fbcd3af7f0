/** The Azure Functions app's packages (src/functions/azure-bundle.ts): what zip deploy gets, and what the endpoint runs. */
import { describe, expect, it } from 'vitest';
import { buildAzureDeployZip, buildAzureLocalFiles } from '../../src/functions/azure-bundle.js';
import { readZip } from '../../src/endpoint/zip-read.js';

describe('the Azure app packages', () => {
  it('deploy zip: host.json, package.json with main dist/index.js and the dependency, the app bundled; byte-identical', async () => {
    const a = await buildAzureDeployZip();
    const b = await buildAzureDeployZip();
    expect(a.zip.equals(b.zip)).toBe(true);
    const files = readZip(a.zip);
    expect([...files.keys()].sort()).toEqual(['dist/index.js', 'host.json', 'package.json']);
    const pkg = JSON.parse(files.get('package.json')!.toString()) as Record<string, unknown>;
    expect(pkg.main).toBe('dist/index.js');
    expect(pkg.dependencies).toEqual({ '@azure/functions': '^4.16.5' });
    const app = files.get('dist/index.js')!.toString();
    // @azure/functions stays an import (installed by the remote build); the ops are bundled in
    expect(app).toContain('from "@azure/functions"');
    expect(app).toContain('app.http(FUNCTION_NAME, { methods: ["POST"], authLevel: "function", handler: offload })');
    expect(app).toContain('[^\\p{L}\\p{N}]+');
    const host = JSON.parse(files.get('host.json')!.toString()) as { version: string; extensions: { http: Record<string, unknown> } };
    expect(host.version).toBe('2.0');
    expect(host.extensions.http).toMatchObject({ routePrefix: 'api', maxConcurrentRequests: 100, maxOutstandingRequests: 200 });
  });

  it('local files: the adapter, the app with @azure/functions bundled, the stand-in core module', async () => {
    const files = await buildAzureLocalFiles();
    expect(Object.keys(files).sort()).toEqual(['app.mjs', 'index.mjs', 'node_modules/@azure/functions-core/index.js', 'node_modules/@azure/functions-core/package.json']);
    const app = files['app.mjs'].toString();
    expect(app).not.toMatch(/from "@azure\/functions"/);
    expect(app).toContain('require("@azure/functions-core")');
  });
});
