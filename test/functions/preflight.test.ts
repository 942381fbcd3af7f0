// validate --target aws preflight against the local endpoint (it speaks GetFunction), through @aws-sdk/client-lambda.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInvokeServer } from '../../src/endpoint/index.js';
import { preflightFunction } from '../../src/functions/preflight.js';

let server: Awaited<ReturnType<typeof startInvokeServer>>;
beforeAll(async () => {
  server = await startInvokeServer({ port: 0, functionName: 'pf-fn', memoryMb: 1024, log: () => undefined });
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

const expected = { runtime: 'nodejs20.x', handler: 'index.handler', memoryMb: 1024, architecture: 'x86_64' };

describe('preflightFunction', () => {
  it('the modelled function: its region and ARN', async () => {
    const r = await preflightFunction({ functionName: 'pf-fn', endpoint: server.url, expected });
    expect(r.region).toBe('us-east-1');
    expect(r.arn).toMatch(/:function:pf-fn$/);
  });
  it('a missing function: one line with the deploy command', async () => {
    await expect(preflightFunction({ functionName: 'nope', endpoint: server.url, expected })).rejects.toThrow(
      'validate --target aws: function nope in us-east-1 not found (spillway lambda deploy --function-name nope --region us-east-1)',
    );
  });
  it('memory and architecture not as modelled: both named', async () => {
    await expect(preflightFunction({ functionName: 'pf-fn', endpoint: server.url, expected: { ...expected, memoryMb: 1769, architecture: 'arm64' } })).rejects.toThrow(
      'is not the modelled one: memory MB 1024 (the model says 1769), architecture x86_64 (the model says arm64); redeploy',
    );
  });
});
